"""Receptive fields: which cells of every earlier map one cell of a layer depends on.

A network is described as a chain of :class:`LayerGeometry` (what each layer
does spatially). Masks are propagated backwards window by window, so dilated
kernels keep their gaps and padding cells are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from convviz.arithmetic._validate import Pair, as_pair
from convviz.arithmetic.sizes import conv_output_shape, padding_2d, pool_output_shape

SLIDING_KINDS = ("conv", "pool")
KINDS = ("conv", "pool", "pad", "pointwise", "dense")


@dataclass(frozen=True)
class LayerGeometry:
    """What one layer does to the spatial grid.

    ``kind``: "conv" and "pool" slide a window; "pad" adds zero cells
    (``padding`` is ((top, bottom), (left, right))); "pointwise" keeps the grid
    (activation, dropout, batch norm); "dense" mixes every cell (Flatten, Dense).
    """

    kind: str
    kernel: Pair = (1, 1)
    stride: Pair = (1, 1)
    padding: object = "valid"
    dilation: Pair = (1, 1)
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown layer kind {self.kind!r}: choose one of {', '.join(KINDS)}")
        object.__setattr__(self, "kernel", as_pair(self.kernel, "kernel size"))
        object.__setattr__(self, "stride", as_pair(self.stride, "stride"))
        object.__setattr__(self, "dilation", as_pair(self.dilation, "dilation"))

    def output_shape(self, shape: Pair) -> Pair:
        """Return the (H, W) this layer produces from an (H, W) input; ValueError if impossible."""
        if self.kind == "conv":
            return conv_output_shape(shape, self.kernel, self.stride, self.padding, self.dilation)
        if self.kind == "pool":
            return pool_output_shape(shape, self.kernel, self.stride, self.padding)
        if self.kind == "pad":
            (top, bottom), (left, right) = padding_2d(shape, 1, 1, self.padding)
            return shape[0] + top + bottom, shape[1] + left + right
        if self.kind == "dense":
            return (1, 1)
        return tuple(shape)

    def input_mask(self, out_mask: np.ndarray, in_shape: Pair) -> np.ndarray:
        """Return the (H, W) bool mask of input cells that the True cells of ``out_mask`` read."""
        if self.kind == "pointwise":
            return out_mask.copy()
        if self.kind == "dense":
            return np.full(in_shape, bool(out_mask.any()))
        if self.kind == "pad":
            (top, bottom), (left, right) = padding_2d(in_shape, 1, 1, self.padding)
            return out_mask[top : top + in_shape[0], left : left + in_shape[1]].copy()
        (top, bottom), (left, right) = padding_2d(
            in_shape, self.kernel, self.stride, self.padding, self.dilation
        )
        padded = np.zeros((in_shape[0] + top + bottom, in_shape[1] + left + right), dtype=bool)
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        out_h, out_w = out_mask.shape
        for i in range(kh):
            for j in range(kw):
                rows = slice(i * dh, i * dh + (out_h - 1) * sh + 1, sh)
                cols = slice(j * dw, j * dw + (out_w - 1) * sw + 1, sw)
                padded[rows, cols] |= out_mask
        return padded[top : top + in_shape[0], left : left + in_shape[1]]


def map_shapes(chain: Sequence[LayerGeometry], input_shape) -> list[Pair]:
    """Return the (H, W) of the input and of every layer's output, in order.

    Raises ValueError naming the layer (1-based) whose window does not fit.
    """
    shapes = [tuple(int(v) for v in input_shape[:2])]
    for number, layer in enumerate(chain, start=1):
        try:
            shapes.append(tuple(layer.output_shape(shapes[-1])))
        except ValueError as exc:
            label = layer.name or f"layer {number}"
            raise ValueError(f"{label}: {exc}") from None
    return shapes


def receptive_field_masks(
    chain: Sequence[LayerGeometry], input_shape, layer: int, cell: Pair
) -> list[np.ndarray]:
    """Return bool masks of the cells ``cell`` of layer ``layer`` (0-based in ``chain``) depends on.

    The list has ``layer + 2`` masks: the input's first, then every layer's
    output up to and including ``layer`` (whose mask is ``cell`` alone).
    """
    shapes = map_shapes(chain[: layer + 1], input_shape)
    out_shape = shapes[layer + 1]
    row, col = int(cell[0]), int(cell[1])
    if not (0 <= row < out_shape[0] and 0 <= col < out_shape[1]):
        raise ValueError(f"cell ({row}, {col}) is outside the {out_shape[0]}x{out_shape[1]} map")
    masks = [np.zeros(out_shape, dtype=bool)]
    masks[0][row, col] = True
    for index in range(layer, -1, -1):
        masks.insert(0, chain[index].input_mask(masks[0], shapes[index]))
    return masks


def receptive_field_box(mask: np.ndarray) -> tuple[Pair, Pair] | None:
    """Return ``((row0, row1), (col0, col1))`` bounding the True cells (ends exclusive), or None."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return (int(rows[0]), int(rows[-1]) + 1), (int(cols[0]), int(cols[-1]) + 1)
