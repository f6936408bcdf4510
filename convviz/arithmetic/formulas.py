"""The output-size formulas with the current numbers filled in, and where textbook shortcuts fail.

Every function here explains a number that :mod:`convviz.arithmetic.sizes`
computes; the numbers in the text are the engine's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from convviz.arithmetic._validate import as_size, padding_keyword
from convviz.arithmetic.sizes import (
    axis_padding,
    conv_output_size,
    effective_kernel,
    same_padding,
)


@dataclass(frozen=True)
class Formula:
    """A formula written out with numbers, and the number it evaluates to."""

    text: str
    value: int


def _span_text(kernel: int, dilation: int) -> str:
    if dilation == 1:
        return str(kernel)
    return f"({kernel} - 1)×{dilation} + 1"


def output_size_formula(n, kernel, stride=1, padding="valid", dilation=1) -> Formula:
    """Return the one-axis output size formula with numbers, e.g. ``floor((7 + 1 + 1 - 3) / 2) + 1 = 4``.

    For SAME padding the shorter ``ceil(n / stride)`` form is prepended, since that
    is how TensorFlow defines it; the general form shows the padding it implies.
    """
    out = conv_output_size(n, kernel, stride, padding, dilation)
    n, kernel = as_size(n, "input size"), as_size(kernel, "kernel size")
    stride, dilation = as_size(stride, "stride"), as_size(dilation, "dilation")
    before, after = axis_padding(n, kernel, stride, padding, dilation)
    general = (
        f"floor(({n} + {before} + {after} - {_span_text(kernel, dilation)}) / {stride}) + 1 = {out}"
    )
    if padding_keyword(padding) == "same":
        return Formula(f"ceil({n} / {stride}) = {out};  {general}", out)
    return Formula(general, out)


def same_padding_formula(n, kernel, stride=1, dilation=1) -> Formula:
    """Return how TensorFlow splits SAME padding on one axis, with numbers; value is the total."""
    before, after = same_padding(n, kernel, stride, dilation)
    out = -(-int(n) // int(stride))
    text = (
        f"total = max(({out} - 1)×{stride} + {effective_kernel(kernel, dilation)} - {n}, 0) "
        f"= {before + after}  →  {before} before, {after} after"
    )
    return Formula(text, before + after)


def pool_output_formula(n, size=2, stride=None, padding="valid") -> Formula:
    """Return the one-axis pooling output size formula with numbers (stride None = size)."""
    stride = size if stride is None else stride
    try:
        return output_size_formula(n, size, stride, padding)
    except ValueError as exc:
        raise ValueError(str(exc).replace("kernel", "pool window", 1)) from None


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def same_padding_notes(n, kernel, stride=1, dilation=1) -> list[str]:
    """Say where "same padding = (k - 1) / 2 on each side" differs from what TensorFlow does."""
    span = effective_kernel(as_size(kernel, "kernel size"), as_size(dilation, "dilation"))
    before, after = same_padding(n, kernel, stride, dilation)
    textbook = Fraction(span - 1, 2)
    if textbook == before == after:
        return []
    shortcut = f"The shortcut “same padding = (k - 1) / 2” gives {_fraction_text(textbook)} per side"
    if textbook.denominator != 1:
        reason = "the kernel spans an even number of cells, so the padding cannot be split evenly"
    else:
        reason = f"with stride {stride} the padding depends on the input size, not only on the kernel"
    return [
        f"{shortcut}; TensorFlow pads {before} before and {after} after "
        f"(the extra cell goes at the bottom/right): {reason}."
    ]


def same_size_notes(n, stride=1) -> list[str]:
    """Say when "same padding keeps the size" is false (any stride above 1)."""
    n, stride = as_size(n, "input size"), as_size(stride, "stride")
    out = -(-n // stride)
    if out == n:
        return []
    return [f"“Same” keeps the size only at stride 1: with stride {stride}, {n} becomes ceil({n} / {stride}) = {out}."]


def pool_size_notes(n, size=2, stride=None, padding="valid") -> list[str]:
    """Say where "output = input / pool size" differs from the real pooled size."""
    stride = size if stride is None else stride
    real = pool_output_formula(n, size, stride, padding).value
    shortcut = Fraction(as_size(n, "input size"), as_size(size, "pool size"))
    if shortcut == real:
        return []
    reasons = []
    if shortcut.denominator != 1:
        reasons.append(f"{size} does not divide {n}")
    if stride != size:
        reasons.append(f"the stride ({stride}) differs from the pool size ({size})")
    if not reasons:
        reasons.append("the padding adds windows")
    return [
        f"The shortcut “output = input / pool size” gives {n} / {size} = {_fraction_text(shortcut)}, "
        f"but the real output is {real}: {' and '.join(reasons)}."
    ]
