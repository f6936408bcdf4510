"""The learned kernels of one convolution layer, tiled into a single image."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from convviz.core.tiling import grid_shape, tile_maps

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
        self.channel = QComboBox()
        self.info = QLabel("Filters appear when training starts.")
        self.info.setStyleSheet("color:#555;")
        self.layer.currentIndexChanged.connect(self._layer_changed)
        self.channel.currentIndexChanged.connect(self.draw)
        row = QHBoxLayout()
        row.addWidget(QLabel("Layer"))
        row.addWidget(self.layer)
        row.addWidget(QLabel("Input channel"))
        row.addWidget(self.channel)
        row.addWidget(self.info, 1)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        self.box = self.view.addViewBox(lockAspect=True, enableMouse=False, invertY=True)
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("CET-D1A"))
        self.box.addItem(self.image)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self.kernels: dict[str, np.ndarray] = {}  # the kernels on show, by layer
        self.shown_count = 0
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
        kh, kw, cin, _ = kernel.shape
        self.info.setText(f"{count} filters of {kh}x{kw}x{cin}; colour scale ±{level:.2f}")
