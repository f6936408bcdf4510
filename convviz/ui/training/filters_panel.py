"""The learned kernels of one convolution layer, tiled into a single image.

Click a filter (or Tab to it, move with the arrow keys, press Enter) to enlarge it with its
weights written in; the enlarged view follows the run.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtGui import QPalette
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from convviz.core.tiling import grid_shape, tile_maps
from convviz.ui.map_zoom import MapZoom
from convviz.ui.theme import plot_colours
from convviz.ui.tile_select import TileGrid, TileImage, TileKeys, frame_tile, tile_frame

MEAN = -1
ASPECT = 3.0  # filter grids about three times wider than tall: the panel is wide and low


def kernel_maps(kernel: np.ndarray, channel: int = MEAN) -> np.ndarray:
    """(kh, kw, Cin, Cout) -> (kh, kw, Cout): one input channel, or the mean over input channels."""
    if channel == MEAN:
        return kernel.mean(axis=2)
    return kernel[:, :, channel, :]


class FiltersPanel(QWidget):
    """Pick a Conv2D layer (and, for deep layers, an input channel or the mean) to see its filters.

    Colours are blue for negative, red for positive weights, with levels symmetric around 0 that
    only grow during a run, so a filter's colour changes because its weights changed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = QComboBox()
        self.layer.setToolTip("Which convolution layer's filters to show")
        self.layer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.channel = QComboBox()
        self.channel.setToolTip("Show the filters' weights for one input channel, or their mean over all channels")
        self.channel.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.channel.setMinimumContentsLength(len("mean of all"))
        self.info = QLabel("Filters appear when training starts.")
        self.info.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, and readable in the dark theme too
        self.info.setWordWrap(True)
        self.layer.currentIndexChanged.connect(self._layer_changed)
        self.channel.currentIndexChanged.connect(self.draw)
        row = QHBoxLayout()
        row.addWidget(QLabel("Layer"))
        row.addWidget(self.layer)
        row.addWidget(QLabel("Input channel"))
        row.addWidget(self.channel)
        row.addWidget(self.info, 1)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(plot_colours()[0])
        self.box = self.view.addViewBox(lockAspect=True, enableMouse=False, invertY=True)
        self.view.setToolTip("Click a filter (or Tab here, pick one with the arrow keys and press Enter) to enlarge it.")
        self.image = TileImage(lambda r, c, _double: self._clicked(r, c), self._describe)
        self.image.setColorMap(pg.colormap.get("CET-D1A"))
        self.box.addItem(self.image)
        self.frame = tile_frame()
        self.box.addItem(self.frame)
        self.zoom = MapZoom(self)
        self.zoom.stepped.connect(lambda step: self._move(step, 0, enlarge=True))
        self.zoom.closed.connect(self.view.setFocus)
        TileKeys(self.view, self._move, self.enlarge, focused=self._focused, escape=self.zoom.hide)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self.kernels: dict[str, np.ndarray] = {}  # the kernels on show, by layer
        self.shown_count = 0
        self.maps: np.ndarray | None = None  # (kh, kw, count): the filters on show
        self.grid: TileGrid | None = None
        self.level = 1e-6
        self.selected: int | None = None  # the framed (enlarged) filter
        self._levels: dict[tuple, float] = {}

    def reset(self) -> None:
        """Forget kernels and layer names (a new model)."""
        self.kernels = {}
        self._levels = {}
        self.layer.blockSignals(True)
        self.layer.clear()
        self.layer.blockSignals(False)
        self.channel.clear()
        self.image.clear()
        self.shown_count = 0
        self.maps, self.grid, self.selected = None, None, None
        frame_tile(self.frame, None)
        self.zoom.hide()
        self.info.setText("Filters appear when training starts.")

    def show_kernels(self, kernels: dict[str, np.ndarray]) -> None:
        """Draw these kernels now (the newest, or a timeline snapshot's) for the chosen layer and channel."""
        self.kernels = kernels
        if [self.layer.itemText(i) for i in range(self.layer.count())] != list(kernels):
            self.layer.blockSignals(True)
            self.layer.clear()
            self.layer.addItems(list(kernels))
            self.layer.blockSignals(False)
            self._layer_changed()  # draws
        else:
            self.draw()

    def _layer_changed(self) -> None:
        kernel = self.kernels.get(self.layer.currentText())
        self.channel.blockSignals(True)
        self.channel.clear()
        if kernel is not None:
            if kernel.shape[2] > 1:
                self.channel.addItem("mean of all", MEAN)
            for index in range(kernel.shape[2]):
                self.channel.addItem(str(index), index)
        self.channel.setEnabled(self.channel.count() > 1)
        self.channel.blockSignals(False)
        self.draw()

    def draw(self) -> None:
        """Draw the chosen layer's filters (for the chosen input channel, or their mean)."""
        name = self.layer.currentText()
        if name not in self.kernels:
            return
        kernel = self.kernels[name]
        channel = self.channel.currentData()
        maps = kernel_maps(kernel, MEAN if channel is None else channel)
        count = maps.shape[-1]
        rows, cols = grid_shape(count, aspect=ASPECT)
        key = (name, channel)  # each selection keeps its own scale: means are smaller than single channels
        level = self._levels[key] = max(self._levels.get(key, 1e-6), float(np.abs(maps).max()))
        self.image.setImage(tile_maps(maps, cols=cols), levels=(-level, level))
        self.shown_count = count
        self.maps, self.grid, self.level = maps, TileGrid(maps.shape[0], maps.shape[1], count, cols), level
        if self.selected is not None:
            self.select(min(self.selected, count - 1))
        kh, kw, cin, _ = kernel.shape
        self.info.setText(f"{count} filters of {kh}x{kw}x{cin}; colour scale ±{level:.2f}")

    # ----- picking and enlarging a filter -----
    def _describe(self, row: int, col: int) -> str:
        found = None if self.grid is None else self.grid.locate(row, col)
        if found is None:
            return ""
        index, r, c = found
        return f"Filter {index}: row {r}, col {c} = {float(self.maps[r, c, index]):.4g}. Click to enlarge this filter."

    def _clicked(self, row: int, col: int) -> None:
        found = None if self.grid is None else self.grid.locate(row, col)
        if found is not None:
            self.select(found[0])
            self.enlarge()

    def select(self, index: int) -> None:
        """Frame filter ``index`` (the one Enter enlarges); an open enlarged view follows."""
        self.selected = index
        frame_tile(self.frame, self.grid.rect(index))
        if self.zoom.isVisible():
            self.enlarge()

    def enlarge(self) -> None:
        """Open (or update) the enlarged view of the selected filter."""
        if self.selected is None or self.maps is None:
            return
        index, channel = self.selected, self.channel.currentText() or "0"
        which = "mean over input channels" if self.channel.currentData() == MEAN else f"input channel {channel}"
        kh, kw, count = self.maps.shape
        reference = max(k.shape[0] for k in self.kernels.values()), max(k.shape[1] for k in self.kernels.values())
        self.zoom.show_map(("filter", index), f"<b>{self.layer.currentText()}</b>: filter {index} ({index + 1} of "
                           f"{count}), {kh}×{kw}, {which}; blue negative, red positive",
                           self.maps[:, :, index], (-self.level, self.level), "CET-D1A", reference)

    def _move(self, dx: int, dy: int, enlarge: bool = False) -> None:
        if self.grid is None:
            return
        if self.selected is None:
            self.select(0)
        else:
            self.select(max(0, min(self.grid.count - 1, self.selected + dx)) if dx else self.grid.step(self.selected, 0, dy))
        if enlarge:
            self.enlarge()

    def _focused(self) -> None:
        if self.selected is None and self.grid is not None:
            self.select(0)
