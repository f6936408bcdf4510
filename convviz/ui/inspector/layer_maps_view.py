"""The feature maps of the layers on show, tiled one image per layer; click a cell to pick it.

Only the layers chosen with :meth:`LayerMapsView.show_layers` (one block of a big model) get
items; the rest cost nothing until chosen. A translucent overlay per layer shows a receptive
field, and a red ring marks the picked cell. Hovering a cell tells its value; double-click a map
(or Tab here, choose it with the arrow keys, press Enter) to enlarge it in a
:class:`~convviz.ui.map_zoom.MapZoom`, where clicking a cell picks it too.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QGraphicsRectItem, QWidget

from convviz.ui.inspector.map_layout import MapLayout
from convviz.ui.inspector.maps_zoom_mixin import MapsZoomMixin
from convviz.ui.map_zoom import MapZoom
from convviz.ui.theme import MUTED_PLOT_TEXT, look, plot_colours
from convviz.ui.tile_select import TileImage, TileKeys, frame_tile, tile_frame

CELL_WIDTH = 240  # columns: as many of these as the view is wide
ROW_HEIGHT = 210  # the view grows by a row per COLUMNS layers (it sits in a scroll area)
_MARKER = pg.mkPen((220, 30, 30), width=2.5, cosmetic=True)
_RING_PENS = [pg.mkPen("w", width=6), pg.mkPen((220, 30, 30), width=3)]  # red on a white halo: seen on any colour
RING_PX = 22


class _Ring(pg.ScatterPlotItem):
    """The picked cell's ring: drawn over the map, but clicks go through it to the map (a double-click there enlarges)."""

    def mouseClickEvent(self, event) -> None:  # noqa: N802 (pyqtgraph naming)
        """Let the map under the ring have the click."""
        event.ignore()


class _Cell:
    """The items drawing one layer: its maps, the overlay, the picked-cell marker and ring, the tile frame."""

    def __init__(self, layout: MapLayout, image: pg.ImageItem, overlay: pg.ImageItem, marker, ring, frame) -> None:
        self.layout, self.image, self.overlay, self.marker = layout, image, overlay, marker
        self.ring, self.frame = ring, frame
        self.levels = (0.0, 1.0)


class LayerMapsView(MapsZoomMixin, pg.GraphicsLayoutWidget):
    """The input and the chosen layers' outputs, one titled cell each; ``cellClicked(layer, channel, row, col)``.

    ``layer`` is -1 for the input, else the layer's index in the model.
    """

    cellClicked = pyqtSignal(int, int, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setBackground(plot_colours()[0])
        self._entries: list[tuple[str, str, tuple]] = []
        self._cells: dict[int, _Cell] = {}
        self._data: list | None = None
        self._masks: dict[int, np.ndarray] = {}
        self._picked = None
        self.shown: list[int] = []
        self.columns = 3
        self.selected: tuple[int, int] | None = None  # the framed map: (layer, channel)
        self.zoom = MapZoom(self, "Click a cell, or press Enter, to explain it.", side="left")
        self.zoom.cellChosen.connect(self._zoom_chosen)
        self.zoom.stepped.connect(lambda step: self._move(step, 0))
        self.zoom.closed.connect(self.setFocus)
        TileKeys(self, self._move, self.enlarge, focused=self._focused, escape=self.zoom.hide)
        self.setToolTip("Click a cell to explain it; double-click a map (or Enter) to enlarge it.")
        self.addLabel("The feature maps appear here once there is a model:<br>train one in "
                      "the Training tab, or load a .keras file.", size="11pt", color=MUTED_PLOT_TEXT[look()])

    def set_layers(self, input_shape: tuple, layers) -> None:
        """Know the input and every layer (``layers``: LayerView objects); nothing is drawn yet."""
        self._entries = [("input", "Input", tuple(input_shape))] + [
            (view.name, view.kind, tuple(view.output_shape)) for view in layers]
        self._data, self._masks, self._picked, self.selected = None, {}, None, None
        self.zoom.hide()
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
        cell.layout.setContentsMargins(2, 2, 2, 2)  # pyqtgraph's 9 px per side is room the maps need
        cell.addLabel(f"<b>{html.escape(name)}</b><br>{html.escape(kind)} · {'×'.join(str(v) for v in shape)}",
                      row=0, col=0, size="8pt", color=plot_colours()[1])
        box = cell.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, invertY=True)
        box.setDefaultPadding(0.02)
        image = TileImage(lambda r, c, double: self._clicked(layer, r, c, double),
                          lambda r, c: self._describe(layer, r, c))
        layout = MapLayout(shape, colour=layer < 0 and shape[-1] == 3)
        if not layout.colour:
            image.setColorMap(pg.colormap.get("CET-L1") if layer < 0 else pg.colormap.get("viridis"))
        overlay = pg.ImageItem()
        overlay.setZValue(10)
        overlay.setAcceptedMouseButtons(overlay.acceptedMouseButtons().NoButton)
        marker = QGraphicsRectItem()
        marker.setPen(_MARKER)
        marker.setZValue(20)
        marker.setVisible(False)
        ring = _Ring(pxMode=True, symbol="o", brush=None)
        ring.setZValue(25)
        frame = tile_frame()
        for item in (image, overlay, marker, ring, frame):
            box.addItem(item)
        if self.selected is not None and self.selected[0] == layer:
            frame_tile(frame, layout.tile_rect(self.selected[1]))
        return _Cell(layout, image, overlay, marker, ring, frame)

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
            cell.levels = (low, high if high > low else low + 1e-6)
            cell.image.setImage(tiled, levels=cell.levels)
        if self.zoom.isVisible() and self.selected is not None:
            self.zoom.update_map(*self._zoom_values())

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
            cell.ring.clear()
            if mine is not None:
                cell.marker.setRect(cell.layout.marker(mine))
                centre = cell.layout.marker(mine).center()
                cell.ring.setData(x=[centre.x()] * 2, y=[centre.y()] * 2, size=RING_PX, pen=_RING_PENS)
        self._mark_zoom()

    def clear_field(self) -> None:
        """Remove every overlay."""
        self.show_field({}, None)

    def ring_of(self, layer: int):
        """The picked-cell ring's centre (image pixels) on ``layer``, None when it is not there."""
        cell = self._cells.get(layer)
        points = None if cell is None else cell.ring.points()
        return None if points is None or not len(points) else points[0].pos()

    def frame_of(self, layer: int) -> QGraphicsRectItem | None:
        """The selection frame of ``layer``'s cell (visible around the selected map), None when not on show."""
        cell = self._cells.get(layer)
        return None if cell is None else cell.frame

    def _clicked(self, layer: int, row: int, col: int, double: bool = False) -> None:
        located = self._cells[layer].layout.locate(row, col)
        if located is None:
            return
        self.select(layer, located[0])
        self.cellClicked.emit(layer, *located)
        if double:
            self.enlarge()
