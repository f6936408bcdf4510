"""The step sequence an animation plays: one step per output cell, in row-major order.

Each step says where the window is (in padded and original coordinates, padding
marked), what it sees, what it multiplies or compares, and the value it writes.
The values equal :func:`conv2d` / :func:`pool2d` output cell for cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from convviz.arithmetic._validate import Pair
from convviz.arithmetic._windows import as_feature_map, compute_dtype, pad
from convviz.arithmetic.conv import as_kernel, conv_geometry
from convviz.arithmetic.pool import check_pool_values, padding_fill, pool_geometry, pool_mode
from convviz.arithmetic.sizes import conv_output_shape


@dataclass(frozen=True)
class Window:
    """Where one step's window lies: the cells it covers, by row and column index."""

    rows_padded: np.ndarray  # (kh,) row of each kernel row, in padded coordinates
    cols_padded: np.ndarray  # (kw,)
    offset: Pair  # (top, left) padding: original = padded - offset
    input_shape: Pair  # (H, W) of the unpadded input

    @property
    def rows(self) -> np.ndarray:
        """Row of each kernel row in the original input (negative or >= H on padding)."""
        return self.rows_padded - self.offset[0]

    @property
    def cols(self) -> np.ndarray:
        """Column of each kernel column in the original input."""
        return self.cols_padded - self.offset[1]

    @property
    def padded_cells(self) -> np.ndarray:
        """(kh, kw, 2) array of (row, col) in padded coordinates."""
        return np.stack(np.meshgrid(self.rows_padded, self.cols_padded, indexing="ij"), axis=-1)

    @property
    def input_cells(self) -> np.ndarray:
        """(kh, kw, 2) array of (row, col) in original coordinates."""
        return self.padded_cells - np.array(self.offset)

    @property
    def is_padding(self) -> np.ndarray:
        """(kh, kw) bool array: True where the window covers a padding cell."""
        height, width = self.input_shape
        rows, cols = self.rows, self.cols
        row_pad = (rows < 0) | (rows >= height)
        col_pad = (cols < 0) | (cols >= width)
        return row_pad[:, None] | col_pad[None, :]


@dataclass(frozen=True)
class ConvStep:
    """One kernel position of a convolution."""

    index: int
    position: Pair  # (row, col) of the output cell
    window: Window
    inputs: np.ndarray  # (kh, kw) or (kh, kw, Cin): values under the kernel, 0 on padding
    kernel: np.ndarray  # (kh, kw) or (kh, kw, Cin, Cout)
    products: np.ndarray  # inputs * kernel, element-wise: (kh, kw) or (kh, kw, Cin, Cout)
    value: np.ndarray | float  # sum of the products: a number, or (Cout,)


@dataclass(frozen=True)
class PoolStep:
    """One window position of a pooling."""

    index: int
    position: Pair
    window: Window
    inputs: np.ndarray  # (kh, kw) or (kh, kw, C); padding cells hold the neutral fill
    mode: str  # "max", "avg" or "sum"
    count: int  # number of real (non-padding) cells in the window
    value: np.ndarray | float
    winner: tuple | np.ndarray | None  # max only: (r, c) within the window, or (C, 2)


def _window(pos: Pair, kernel: Pair, stride: Pair, dilation: Pair, pads, shape: Pair) -> Window:
    row0, col0 = pos[0] * stride[0], pos[1] * stride[1]
    return Window(
        rows_padded=row0 + dilation[0] * np.arange(kernel[0]),
        cols_padded=col0 + dilation[1] * np.arange(kernel[1]),
        offset=(pads[0][0], pads[1][0]),
        input_shape=shape,
    )


def conv_window(position: Pair, kernel: Pair, stride: Pair, dilation: Pair, padding,
                input_shape: Pair) -> Window:
    """Return the :class:`Window` a kernel covers for output cell ``position``.

    ``padding`` is ``((top, bottom), (left, right))``; all sizes are (h, w) pairs.
    """
    return _window(position, kernel, stride, dilation, padding, input_shape)


def conv_steps(x, w, stride=1, padding="valid", dilation=1) -> Iterator[ConvStep]:
    """Return an iterator of one :class:`ConvStep` per output cell of ``conv2d(x, w, ...)``.

    Steps go row by row, like the output cells. Bad input raises ValueError here,
    at the call, not at the first ``next()``.
    """
    fmap, flat_input = as_feature_map(x)
    kernel, flat_kernel = as_kernel(w, fmap.shape[2])
    stride, dilation, pads, out_shape = conv_geometry(fmap, kernel, stride, padding, dilation)
    return _conv_steps(fmap, kernel, flat_input and flat_kernel, stride, dilation, pads, out_shape)


def _conv_steps(fmap, kernel, flat, stride, dilation, pads, out_shape) -> Iterator[ConvStep]:
    size = kernel.shape[:2]
    out_w = out_shape[1]
    dtype = compute_dtype(fmap, kernel)
    padded = pad(fmap.astype(dtype, copy=False), pads)
    kernel = kernel.astype(dtype, copy=False)
    shown_kernel = kernel[:, :, 0, 0] if flat else kernel
    for index in range(out_shape[0] * out_w):
        pos = divmod(index, out_w)
        win = _window(pos, size, stride, dilation, pads, fmap.shape[:2])
        inputs = padded[np.ix_(win.rows_padded, win.cols_padded)]  # (kh, kw, Cin)
        if flat:
            inputs = inputs[:, :, 0]
            products = inputs * shown_kernel
            value = products.sum()
        else:
            products = inputs[:, :, :, None] * kernel
            value = products.sum(axis=(0, 1, 2))
        yield ConvStep(index, pos, win, inputs, shown_kernel, products, value)


def pool_steps(x, size=2, stride=None, padding="valid", mode="max") -> Iterator[PoolStep]:
    """Return an iterator of one :class:`PoolStep` per output cell of ``pool2d(x, ...)``.

    Steps go row by row, like the output cells. Bad input raises ValueError here,
    at the call, not at the first ``next()``.
    """
    mode = pool_mode(mode)
    fmap, flat = as_feature_map(x)
    size, stride, pads = pool_geometry(fmap.shape, size, stride, padding)
    check_pool_values(fmap, size, mode)
    return _pool_steps(fmap, flat, size, stride, pads, mode)


def _pool_steps(fmap, flat, size, stride, pads, mode) -> Iterator[PoolStep]:
    out_h, out_w = conv_output_shape(fmap.shape, size, stride, pads)
    dtype = compute_dtype(fmap)
    padded = pad(fmap.astype(dtype, copy=False), pads, padding_fill(dtype, mode))
    for index in range(out_h * out_w):
        pos = divmod(index, out_w)
        win = _window(pos, size, stride, (1, 1), pads, fmap.shape[:2])
        inputs = padded[np.ix_(win.rows_padded, win.cols_padded)]  # (kh, kw, C)
        real = ~win.is_padding
        count = int(real.sum())
        winner = None
        if mode == "max":
            value = inputs.max(axis=(0, 1))
            # Search real cells only: a real -inf (or int64 min) must not lose to the padding fill.
            winner = np.argwhere(real)[inputs[real].argmax(axis=0)]  # (C, 2)
        else:
            value = inputs.sum(axis=(0, 1))
            if mode == "avg":
                value = value / count
        if flat:
            inputs, value = inputs[:, :, 0], value[0]
            winner = None if winner is None else (int(winner[0, 0]), int(winner[0, 1]))
        yield PoolStep(index, pos, win, inputs, mode, count, value, winner)
