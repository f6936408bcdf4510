"""How one layer's output is tiled into the one image the inspector draws for it, pixel by pixel."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QRectF

from convviz.core.tiling import grid_shape, strip, tile_maps

GAP = 1
STRIP = 32  # a vector (Dense, global pooling) is drawn in rows of this many cells
FIELD = (255, 170, 0, 120)  # receptive field: amber, see-through
PICKED = (220, 30, 30, 230)


class MapLayout:
    """How one layer's (H, W, N) maps are tiled, to go from a pixel to (channel, row, col) and back."""

    def __init__(self, shape: tuple, colour: bool = False) -> None:
        self.colour = colour  # an RGB input drawn as one colour picture; clicks give channel 0
        self.flat = len(shape) != 3
        if self.flat:
            self.size = int(np.prod(shape))
            self.height, self.width, self.count, self.cols = 1, 1, self.size, min(STRIP, self.size)
        else:
            self.height, self.width, self.count = (int(v) for v in shape)
            self.cols = grid_shape(self.count, aspect=1.5)[1]

    def image(self, activation: np.ndarray) -> np.ndarray:
        """The layer's output as the one image drawn for it."""
        if self.flat:
            return strip(activation, width=STRIP)
        if self.colour:
            low, high = float(np.nanmin(activation)), float(np.nanmax(activation))
            return (activation - low) / (high - low) if high > low else np.zeros_like(activation)
        if self.count == 1:
            return np.asarray(activation[:, :, 0], np.float32)
        return tile_maps(activation, cols=self.cols, gap=GAP)

    def tile_rect(self, channel: int) -> QRectF:
        """The rectangle (image pixels) of ``channel``'s map: the whole image for a vector or a colour picture."""
        if self.flat:
            rows = -(-self.size // self.cols)
            return QRectF(0, 0, self.cols, rows)
        top, left = self._origin(0 if self.colour else channel)
        return QRectF(left, top, self.width, self.height)

    def values(self, activation: np.ndarray, channel: int) -> np.ndarray:
        """``channel``'s map as a 2-D array (a vector wrapped as drawn; a colour picture's channel)."""
        if self.flat:
            return strip(activation, width=STRIP)
        return np.asarray(activation[:, :, channel], np.float32)

    def _origin(self, channel: int) -> tuple[int, int]:
        """Top-left pixel of ``channel``'s tile (of the value, for a vector)."""
        if self.flat:
            return divmod(channel, self.cols)
        tile_row, tile_col = divmod(channel, self.cols)
        return tile_row * (self.height + GAP), tile_col * (self.width + GAP)

    def locate(self, row: int, col: int) -> tuple[int, int, int] | None:
        """Return (channel, row, col) of a pixel of the tiled image, None on a gap.

        A vector's value ``i`` comes back as channel ``i`` at (0, 0).
        """
        if row < 0 or col < 0:
            return None
        if self.flat:
            index = row * self.cols + col
            return (index, 0, 0) if col < self.cols and index < self.size else None
        if self.colour:
            return (0, row, col) if row < self.height and col < self.width else None
        tile_row, r = divmod(row, self.height + GAP)
        tile_col, c = divmod(col, self.width + GAP)
        channel = tile_row * self.cols + tile_col
        if r >= self.height or c >= self.width or tile_col >= self.cols or channel >= self.count:
            return None
        return channel, r, c

    def marker(self, picked: tuple[int, int, int]) -> QRectF:
        """The picked cell's square in image pixels, a little larger so the outline frames it."""
        top, left = self._origin(0 if self.colour else picked[0])
        if not self.flat:
            top, left = top + picked[1], left + picked[2]
        return QRectF(left - 0.15, top - 0.15, 1.3, 1.3)

    def overlay(self, mask: np.ndarray | None, picked: tuple[int, int, int] | None, shape) -> np.ndarray:
        """RGBA image: ``mask`` (H, W) shown in every channel, ``picked`` (channel, r, c) in red."""
        rgba = np.zeros((*shape, 4), np.uint8)
        if self.flat:
            if picked is not None:
                rgba[self._origin(picked[0])] = PICKED
            return rgba
        for channel in range(1 if self.colour else self.count):
            top, left = self._origin(channel)
            tile = rgba[top : top + self.height, left : left + self.width]
            if mask is not None:
                tile[mask] = FIELD
            if picked is not None and (picked[0] == channel or self.colour):
                tile[picked[1], picked[2]] = PICKED
        return rgba
