"""The feature maps of the layers on show, tiled one image per layer; click a cell to pick it.

Only the layers chosen with :meth:`LayerMapsView.show_layers` (one block of a big model) get
items; the rest cost nothing until chosen. A translucent overlay per layer shows a receptive
field, and an outlined square marks the picked cell.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF, pyqtSignal
from PyQt6.QtWidgets import QGraphicsRectItem, QWidget

from convviz.core.tiling import grid_shape, strip, tile_maps

CELL_WIDTH = 240  # columns: as many of these as the view is wide
ROW_HEIGHT = 210  # the view grows by a row per COLUMNS layers (it sits in a scroll area)
GAP = 1
STRIP = 32  # a vector (Dense, global pooling) is drawn in rows of this many cells
_FIELD = (255, 170, 0, 120)  # receptive field: amber, see-through
_PICKED = (220, 30, 30, 230)
_MARKER = pg.mkPen((220, 30, 30), width=2.5, cosmetic=True)


class _ClickableImage(pg.ImageItem):
    """An ImageItem that reports the pixel clicked."""

    def __init__(self, on_click) -> None:
        super().__init__()
        self._on_click = on_click

    def mouseClickEvent(self, event) -> None:  # noqa: N802 (pyqtgraph naming)
        """Report the clicked pixel as (row, col)."""
        pos = event.pos()
        self._on_click(int(np.floor(pos.y())), int(np.floor(pos.x())))
        event.accept()


class _Layout:
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
                rgba[self._origin(picked[0])] = _PICKED
            return rgba
        for channel in range(1 if self.colour else self.count):
            top, left = self._origin(channel)
            tile = rgba[top : top + self.height, left : left + self.width]
            if mask is not None:
                tile[mask] = _FIELD
            if picked is not None and (picked[0] == channel or self.colour):
                tile[picked[1], picked[2]] = _PICKED
        return rgba


class _Cell:
    """The items drawing one layer: its maps, the overlay, the picked-cell marker."""

    def __init__(self, layout: _Layout, image: pg.ImageItem, overlay: pg.ImageItem, marker) -> None:
        self.layout, self.image, self.overlay, self.marker = layout, image, overlay, marker


class LayerMapsView(pg.GraphicsLayoutWidget):
    """The input and the chosen layers' outputs, one titled cell each; ``cellClicked(layer, channel, row, col)``.

    ``layer`` is -1 for the input, else the layer's index in the model.
    """

    cellClicked = pyqtSignal(int, int, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self._entries: list[tuple[str, str, tuple]] = []
        self._cells: dict[int, _Cell] = {}
        self._data: list | None = None
        self._masks: dict[int, np.ndarray] = {}
        self._picked = None
        self.shown: list[int] = []
        self.columns = 3
        self.addLabel("The feature maps appear here once there is a model:<br>train one in "
                      "the Training tab, or load a .keras file.", size="11pt", color="#667")

    def set_layers(self, input_shape: tuple, layers) -> None:
        """Know the input and every layer (``layers``: LayerView objects); nothing is drawn yet."""
        self._entries = [("input", "Input", tuple(input_shape))] + [
            (view.name, view.kind, tuple(view.output_shape)) for view in layers]
        self._data, self._masks, self._picked = None, {}, None
        self.show_layers([])  # the overview chooses what to draw

    @property
    def names(self) -> list[str]:
        """The input's and every layer's names."""
        return [name for name, _, _ in self._entries]

    def show_layers(self, indices: list[int]) -> None:
        """Draw the input and layers ``indices`` only (items for the others are dropped)."""
        if self._cells and [int(i) for i in indices] == self.shown:
            return  # the same block: its items stay
        self.clear()
        self._cells = {}
        self.shown = [int(i) for i in indices]
        self.columns = max(2, self.width() // CELL_WIDTH)
        self.setMinimumHeight(ROW_HEIGHT * -(-(len(self.shown) + 1) // self.columns))
        for position, layer in enumerate([-1, *self.shown]):
            self._cells[layer] = self._add_cell(position, layer)
        if self._data is not None:
            self._draw()
        self._overlay()

    def _add_cell(self, position: int, layer: int) -> _Cell:
        name, kind, shape = self._entries[layer + 1]
        cell = self.addLayout(row=position // self.columns, col=position % self.columns)
        cell.addLabel(f"<b>{html.escape(name)}</b><br>{html.escape(kind)} · {'×'.join(str(v) for v in shape)}",
                      row=0, col=0, size="8pt", color="#222")
        box = cell.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, invertY=True)
        box.setDefaultPadding(0.02)
        image = _ClickableImage(lambda r, c: self._clicked(layer, r, c))
        layout = _Layout(shape, colour=layer < 0 and shape[-1] == 3)
        if not layout.colour:
            image.setColorMap(pg.colormap.get("CET-L1") if layer < 0 else pg.colormap.get("viridis"))
        overlay = pg.ImageItem()
        overlay.setZValue(10)
        overlay.setAcceptedMouseButtons(overlay.acceptedMouseButtons().NoButton)
        marker = QGraphicsRectItem()
        marker.setPen(_MARKER)
        marker.setZValue(20)
        marker.setVisible(False)
        for item in (image, overlay, marker):
            box.addItem(item)
        return _Cell(layout, image, overlay, marker)

    def set_activations(self, image: np.ndarray, activations: list, picture: np.ndarray | None = None) -> None:
        """Keep the input and every layer's output; draw those on show (each with its own colour range).

        ``picture`` is the input as an (H, W, 3) RGB image in [0, 1] for the screen (a BGR
        "caffe" input is not drawn in false colours).
        """
        self._data = [image if picture is None else picture, *activations]
        self._draw()

    def _draw(self) -> None:
        for layer, cell in self._cells.items():
            tiled = cell.layout.image(np.asarray(self._data[layer + 1], np.float32))
            finite = tiled[np.isfinite(tiled)]
            low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            if cell.layout.colour:
                low, high = 0.0, 1.0
            cell.image.setImage(tiled, levels=(low, high if high > low else low + 1e-6))

    def image_of(self, layer: int) -> np.ndarray | None:
        """The tiled image on show for ``layer`` (-1: the input), None when it is not on show."""
        cell = self._cells.get(layer)
        return None if cell is None else cell.image.image

    def image_item(self, layer: int) -> pg.ImageItem:
        """The item drawing ``layer``'s maps (-1: the input), e.g. to find a pixel on screen."""
        return self._cells[layer].image

    @property
    def field_masks(self) -> dict[int, np.ndarray]:
        """The receptive-field masks on show ({layer: (H, W) bool}, -1 the input)."""
        return dict(self._masks)

    def top_of(self, layer: int) -> int | None:
        """The y pixel (in this widget) where ``layer``'s cell starts; None when it is not on show."""
        if layer not in self._cells:
            return None
        position = [-1, *self.shown].index(layer)
        return (position // self.columns) * ROW_HEIGHT

    def overlay_of(self, layer: int) -> np.ndarray | None:
        """The RGBA receptive-field overlay on ``layer`` (-1: the input); None when not drawn."""
        cell = self._cells.get(layer)
        return None if cell is None else cell.overlay.image

    def show_field(self, masks: dict[int, np.ndarray], picked: tuple[int, int, int, int] | None) -> None:
        """Overlay receptive-field ``masks`` ({layer: (H, W) bool}) and mark the ``picked`` cell."""
        self._masks, self._picked = dict(masks), picked
        self._overlay()

    def _overlay(self) -> None:
        picked = self._picked
        for layer, cell in self._cells.items():
            if cell.image.image is None:
                continue
            mine = picked[1:] if picked is not None and picked[0] == layer else None
            cell.overlay.setImage(cell.layout.overlay(self._masks.get(layer), mine, cell.image.image.shape[:2]),
                                  levels=(0, 255))
            cell.marker.setVisible(mine is not None)
            if mine is not None:
                cell.marker.setRect(cell.layout.marker(mine))

    def clear_field(self) -> None:
        """Remove every overlay."""
        self.show_field({}, None)

    def _clicked(self, layer: int, row: int, col: int) -> None:
        located = self._cells[layer].layout.locate(row, col)
        if located is not None:
            self.cellClicked.emit(layer, *located)
