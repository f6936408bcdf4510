"""Every layer's output for one fixed digit: feature maps tiled into one image per layer.

Click a map (or Tab to the panel, move with the arrow keys, press Enter) to enlarge it in a
:class:`~convviz.ui.map_zoom.MapZoom` that follows the run; an orange frame marks it here.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from convviz.core.tiling import as_maps, grid_shape, tile_maps
from convviz.training.events import Probe
from convviz.ui.map_zoom import MapZoom
from convviz.ui.theme import plot_colours
from convviz.ui.tile_select import TileGrid, TileImage, TileKeys, frame_tile, tile_frame

COLUMNS = 5


def layer_image(activation: np.ndarray) -> np.ndarray:
    """The one image drawn for a layer output: tiled maps, or a wrapped strip for vectors."""
    maps = as_maps(activation)
    if maps.shape[-1] == 1:
        return maps[:, :, 0].astype(np.float32)
    _, cols = grid_shape(maps.shape[-1], aspect=1.5)
    return tile_maps(maps, cols=cols)


def shape_text(shape: tuple) -> str:
    """``(26, 26, 32)`` -> ``"26×26×32"``."""
    return "×".join(str(size) for size in shape)




def layer_grid(activation: np.ndarray) -> TileGrid:
    """How :func:`layer_image` tiles ``activation``'s maps."""
    maps = as_maps(activation)
    height, width, count = maps.shape
    return TileGrid(height, width, count, 1 if count == 1 else grid_shape(count, aspect=1.5)[1])


class ActivationsPanel(QWidget):
    """Cells for the input and each layer; built on the first probe of a model, then updated in place.

    Colour levels only grow, per layer, so colours do not jump from one snapshot to the next.
    ``selected`` is the enlarged (or keyboard-chosen) map as (layer name, map index).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel("Activations appear when training starts.")
        self.header.setWordWrap(True)  # a long verdict must not widen the window past a projector's 1024 px
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(plot_colours()[0])
        self.view.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.view.setToolTip("Click a map (or Tab here, pick one with the arrow keys and press Enter) to enlarge it.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        self.zoom = MapZoom(self)
        self.zoom.stepped.connect(lambda step: self._move(step, 0, enlarge=True))
        self.zoom.closed.connect(self._zoom_closed)
        TileKeys(self.view, self._move, self.enlarge, focused=self._focused, escape=self.zoom.hide)
        self.names: list[str] = []
        self.images: dict[str, pg.ImageItem] = {}
        self.titles: dict[str, pg.LabelItem] = {}
        self.grids: dict[str, TileGrid] = {}
        self.frames: dict[str, object] = {}
        self.outputs: dict[str, np.ndarray] = {}
        self.flat_widths: dict[str, int | None] = {}
        self.selected: tuple[str, int] | None = None
        self._levels: dict[str, tuple[float, float]] = {}
        self.probe: Probe | None = None  # the probe on show

    def reset(self) -> None:
        """Remove all cells (a new model)."""
        self.view.clear()
        self.names, self.images, self.titles, self._levels = [], {}, {}, {}
        self.grids, self.frames, self.outputs, self.selected = {}, {}, {}, None
        self.flat_widths: dict[str, int | None] = {}
        self.zoom.hide()
        self.probe = None
        self.header.setText("Activations appear when training starts.")

    def _build(self, probe: Probe) -> None:
        self.reset()
        cells = [("input", "Input", probe.sample)] + [(name, "", out) for name, out in probe.activations]
        for index, (name, _, output) in enumerate(cells):
            cell = self.view.addLayout(row=index // COLUMNS, col=index % COLUMNS)
            title = cell.addLabel("", row=0, col=0, size="8pt", color=plot_colours()[1])
            box = cell.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, invertY=True)
            box.setDefaultPadding(0.02)
            cell.layout.setContentsMargins(1, 1, 1, 1)  # pyqtgraph's 9 px margins took a third of a 1024 px row
            cell.layout.setSpacing(1)
            image = TileImage(lambda r, c, _double, n=name: self._clicked(n, r, c),
                              lambda r, c, n=name: self._describe(n, r, c))
            image.setColorMap(pg.colormap.get("CET-L1") if name == "input" else pg.colormap.get("viridis"))
            box.addItem(image)
            self.frames[name] = tile_frame()
            box.addItem(self.frames[name])
            self.names.append(name)
            self.images[name] = image
            self.titles[name] = title
            self.grids[name] = layer_grid(output)
            self.flat_widths[name] = as_maps(output).shape[1] if np.ndim(output) == 1 else None
            title.setText(f"{name}  {shape_text(np.shape(output))}")

    def show(self, probe: Probe, when: str = "") -> None:
        """Draw ``probe`` now; ``when`` names its moment if it is not from training ("(loaded model)")."""
        outputs = [("input", probe.sample)] + list(probe.activations)
        if [name for name, _ in outputs] != self.names:
            self._build(probe)
        for name, output in outputs:
            image = layer_image(output)
            low, high = self._levels.get(name, (0.0, 1e-6))
            finite = image[np.isfinite(image)]
            if finite.size:
                low, high = min(low, float(finite.min())), max(high, float(finite.max()))
            self._levels[name] = (low, high)
            self.images[name].setImage(image, levels=(low, high))
            self.outputs[name] = as_maps(output)
        self.probe = probe
        probabilities = np.asarray(probe.probabilities)
        guess = int(probabilities.argmax())
        when = when or (
            "before training" if probe.step < 0 else f"after {probe.step + 1} batches (epoch {probe.epoch + 1})"
        )
        self.header.setText(
            f"Sample digit, label {probe.sample_label}: the network says {guess} "
            f"({probabilities[guess]:.0%}) {when}. Colour scales only grow during a run. Click a map to enlarge it."
        )
        if self.zoom.isVisible() and self.selected is not None:
            self.zoom.update_map(self.map_values(*self.selected), self._levels[self.selected[0]])

    # ----- picking and enlarging a map -----
    def map_values(self, name: str, index: int) -> np.ndarray:
        """Map ``index`` of layer ``name`` as on show (a vector wrapped into rows, as drawn)."""
        return np.asarray(self.outputs[name][:, :, index], np.float32)

    def _describe(self, name: str, row: int, col: int) -> str:
        found = self.grids[name].locate(row, col) if name in self.outputs else None
        if found is None:
            return ""
        index, r, c = found
        value = float(self.outputs[name][r, c, index])
        return f"{name}, map {index}: row {r}, col {c} = {value:.4g}. Click to enlarge this map."

    def _clicked(self, name: str, row: int, col: int) -> None:
        found = self.grids[name].locate(row, col)
        if found is not None:
            self.select(name, found[0])
            self.enlarge()

    def select(self, name: str, index: int) -> None:
        """Frame map ``index`` of layer ``name`` (the one Enter enlarges); the open zoom follows."""
        self.selected = (name, index)
        for layer, frame in self.frames.items():
            frame_tile(frame, self.grids[layer].rect(index) if layer == name else None)
        if self.zoom.isVisible():
            self.enlarge()

    def enlarge(self) -> None:
        """Open (or update) the enlarged view of the selected map."""
        if self.selected is None or self.selected[0] not in self.outputs:
            return
        name, index = self.selected
        height, width, count = self.outputs[name].shape
        title = "Input digit" if name == "input" else f"<b>{name}</b>: map {index} ({index + 1} of {count})"
        self.zoom.show_map(self.selected, f"{title}, {height}×{width}, for the sample digit (label "
                           f"{self.probe.sample_label})", self.map_values(name, index), self._levels[name],
                           "CET-L1" if name == "input" else "viridis", self._reference(), self.flat_widths.get(name))

    def _reference(self) -> tuple[int, int]:
        shapes = [grid for name, grid in self.grids.items() if self.flat_widths.get(name) is None]
        return (max(g.height for g in shapes), max(g.width for g in shapes)) if shapes else (1, 1)

    def _move(self, dx: int, dy: int, enlarge: bool = False) -> None:
        if not self.names or not self.outputs:
            return
        name, index = self.selected or (self.names[0], 0)
        position, grid = self.names.index(name), self.grids[name]
        moved = index + dx if dx else grid.step(index, 0, dy)
        if (dy and moved == index) or not 0 <= moved < grid.count:
            position = max(0, min(len(self.names) - 1, position + (dx or dy)))
            moved = 0 if (dx or dy) > 0 else self.grids[self.names[position]].count - 1
        self.select(self.names[position], max(0, min(self.grids[self.names[position]].count - 1, moved)))
        if enlarge:
            self.enlarge()

    def _focused(self) -> None:
        if self.selected is None and self.outputs:
            self.select(self.names[0], 0)

    def _zoom_closed(self) -> None:
        self.view.setFocus()
