"""What the layer editor shows for a custom stack: each layer's row, the head the build adds, the
total, and what is wrong (no TensorFlow: the arithmetic engine agrees with Keras)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from convviz.arithmetic.layer_stack import LayerRow, LayerSpec, stack_rows
from convviz.training.models import custom_specs

__all__ = ["StackCheck", "check_stack"]


@dataclass
class StackCheck:
    """``rows``: one per layer up to the first that cannot be built; ``head``: the layers the
    head rule appends and their ``head_rows``; ``error`` ("" if none), ``error_row`` (0-based row
    at fault, if one is) and ``total_params`` (None unless the stack can be built)."""

    rows: list[LayerRow] = field(default_factory=list)
    head: tuple[LayerSpec, ...] = ()
    head_rows: list[LayerRow] = field(default_factory=list)
    error: str = ""
    error_row: int | None = None
    total_params: int | None = None


def check_stack(specs: Sequence[LayerSpec], input_shape, num_classes: int) -> StackCheck:
    """Check ``specs`` for images of ``input_shape`` and ``num_classes`` classes."""
    specs, result = list(specs), StackCheck()
    try:
        result.rows = stack_rows(specs, input_shape)
    except ValueError as exc:
        result.error = str(exc)
        for end in range(1, len(specs) + 1):  # the first prefix that fails is the fault
            try:
                result.rows = stack_rows(specs[:end], input_shape)
            except ValueError:
                result.error_row = end - 1
                break
        return result
    try:
        full = custom_specs(specs, input_shape, num_classes)
    except ValueError as exc:
        result.error = str(exc)
        return result
    result.head = full[len(specs):]
    result.head_rows = stack_rows(full, input_shape)[len(specs):]
    result.total_params = sum(row.params for row in [*result.rows, *result.head_rows])
    return result
