"""Every layer's feature maps for one input, tiled one image per layer; click a cell to pick it.

A translucent overlay per layer shows a receptive field (the cells a picked cell
depends on) and marks the picked cell itself.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QWidget

from convviz.core.tiling import grid_shape, strip, tile_maps

COLUMNS = 4
GAP = 1
_FIELD = (255, 170, 0, 120)  # receptive field: amber, see-through
_PICKED = (220, 30, 30, 230)


class _ClickableImage(pg.ImageItem):
    """An ImageItem that reports the pixel clicked."""

    def __init__(self, on_click) -> None:
        super().__init__()
        self._on_click = on_click

    def mouseClickEvent(self, event) -> None:  # noqa: N802 (pyqtgraph naming)
        """Report the clicked pixel as (row, col)."""
        pos = event.pos()
        self._on_click(int(pos.y()), int(pos.x()))
        event.accept()


class _Layout:
    """How one layer's (H, W, N) maps are tiled, to go from a pixel to (channel, row, col) and back."""

    def __init__(self, shape: tuple) -> None:
        self.flat = len(shape) != 3
        if self.flat:
            self.height, self.width, self.count, self.cols = 1, 1, 1, 1
            self.size = int(np.prod(shape))
        else:
            self.height, self.width, self.count = (int(v) for v in shape)
            self.cols = grid_shape(self.count, aspect=1.5)[1]

    def image(self, activation: np.ndarray) -> np.ndarray:
        if self.flat:
            return strip(activation)
        if self.count == 1:
            return np.asarray(activation[:, :, 0], np.float32)
        return tile_maps(activation, cols=self.cols, gap=GAP)

    def locate(self, row: int, col: int) -> tuple[int, int, int] | None:
        """Return (channel, row, col) of a pixel of the tiled image, None on a gap or a strip."""
        if self.flat or row < 0 or col < 0:
            return None
        tile_row, r = divmod(row, self.height + GAP)
        tile_col, c = divmod(col, self.width + GAP)
        channel = tile_row * self.cols + tile_col
        if r >= self.height or c >= self.width or tile_col >= self.cols or channel >= self.count:
            return None
        return channel, r, c

    def overlay(self, mask: np.ndarray | None, picked: tuple[int, int, int] | None, shape) -> np.ndarray:
        """RGBA image: ``mask`` (H, W) shown in every channel, ``picked`` (channel, r, c) in red."""
        rgba = np.zeros((*shape, 4), np.uint8)
        if self.flat:
            return rgba
        for channel in range(self.count):
            tile_row, tile_col = divmod(channel, self.cols)
            top, left = tile_row * (self.height + GAP), tile_col * (self.width + GAP)
            tile = rgba[top : top + self.height, left : left + self.width]
            if mask is not None:
                tile[mask] = _FIELD
            if picked is not None and picked[0] == channel:
                tile[picked[1], picked[2]] = _PICKED
        return rgba


class LayerMapsView(pg.GraphicsLayoutWidget):
    """The input and every layer's output, one titled cell each; ``cellClicked(layer, channel, row, col)``.

    ``layer`` is -1 for the input, else the layer's index in the model.
    """

    cellClicked = pyqtSignal(int, int, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self._layouts: list[_Layout] = []
        self._images: list[pg.ImageItem] = []
        self._overlays: list[pg.ImageItem] = []
        self._titles: list[pg.LabelItem] = []
        self.names: list[str] = []
        self.addLabel("Every layer's feature maps appear here once there is a model: train one in "
                      "the Training tab, or load a .keras file.", size="11pt", color="#667")

    def set_layers(self, input_shape: tuple, layers) -> None:
        """Build one cell for the input and one per layer (``layers``: LayerView objects)."""
        self.clear()
        self._layouts, self._images, self._overlays, self._titles = [], [], [], []
        entries = [("input", "Input", tuple(input_shape))] + [
            (view.name, view.kind, tuple(view.output_shape)) for view in layers
        ]
        self.names = [name for name, _, _ in entries]
        for index, (name, kind, shape) in enumerate(entries):
            cell = self.addLayout(row=index // COLUMNS, col=index % COLUMNS)
            shape_text = "×".join(str(v) for v in shape)
            title = cell.addLabel(f"<b>{name}</b> · {kind} · {shape_text}", row=0, col=0,
                                  size="8pt", color="#222")
            box = cell.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, invertY=True)
            box.setDefaultPadding(0.02)
            image = _ClickableImage(lambda r, c, layer=index - 1: self._clicked(layer, r, c))
            image.setColorMap(pg.colormap.get("CET-L1") if index == 0 else pg.colormap.get("viridis"))
            overlay = pg.ImageItem()
            overlay.setZValue(10)
            overlay.setAcceptedMouseButtons(overlay.acceptedMouseButtons().NoButton)
            box.addItem(image)
            box.addItem(overlay)
            self._layouts.append(_Layout(shape))
            self._images.append(image)
            self._overlays.append(overlay)
            self._titles.append(title)

    def set_activations(self, image: np.ndarray, activations: list) -> None:
        """Show the input and each layer's output; each layer keeps its own colour range."""
        for layout, item, data in zip(self._layouts, self._images, [image, *activations]):
            tiled = layout.image(np.asarray(data, np.float32))
            finite = tiled[np.isfinite(tiled)]
            low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            item.setImage(tiled, levels=(low, high if high > low else low + 1e-6))

    def image_of(self, layer: int) -> np.ndarray | None:
        """The tiled image on show for ``layer`` (-1: the input)."""
        return self._images[layer + 1].image

    def image_item(self, layer: int) -> pg.ImageItem:
        """The item drawing ``layer``'s maps (-1: the input), e.g. to find a pixel on screen."""
        return self._images[layer + 1]

    def overlay_of(self, layer: int) -> np.ndarray | None:
        """The RGBA receptive-field overlay on ``layer`` (-1: the input); None before the first."""
        return self._overlays[layer + 1].image

    def show_field(self, masks: dict[int, np.ndarray], picked: tuple[int, int, int, int] | None) -> None:
        """Overlay receptive-field ``masks`` ({layer: (H, W) bool}) and the ``picked`` cell."""
        for index, (layout, item, overlay) in enumerate(zip(self._layouts, self._images, self._overlays)):
            layer = index - 1
            if item.image is None:
                continue
            cell = picked[1:] if picked is not None and picked[0] == layer else None
            overlay.setImage(layout.overlay(masks.get(layer), cell, item.image.shape[:2]),
                             levels=(0, 255))

    def clear_field(self) -> None:
        """Remove every overlay."""
        self.show_field({}, None)

    def _clicked(self, layer: int, row: int, col: int) -> None:
        located = self._layouts[layer + 1].locate(row, col)
        if located is not None:
            self.cellClicked.emit(layer, *located)
