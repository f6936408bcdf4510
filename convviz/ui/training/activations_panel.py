"""Every layer's output for one fixed digit: feature maps tiled into one image per layer."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from convviz.training.events import Probe
from convviz.core.tiling import as_maps, grid_shape, tile_maps

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


class ActivationsPanel(QWidget):
    """Cells for the input and each layer; built on the first probe of a model, then updated in place.

    Colour levels only grow, per layer, so colours do not jump from one snapshot to the next.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel("Activations appear when training starts.")
        self.header.setStyleSheet("color:#333;")
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        self.names: list[str] = []
        self.images: dict[str, pg.ImageItem] = {}
        self.titles: dict[str, pg.LabelItem] = {}
        self._levels: dict[str, tuple[float, float]] = {}
        self.probe: Probe | None = None  # the probe on show

    def reset(self) -> None:
        """Remove all cells (a new model)."""
        self.view.clear()
        self.names, self.images, self.titles, self._levels = [], {}, {}, {}
        self.probe = None
        self.header.setText("Activations appear when training starts.")

    def _build(self, probe: Probe) -> None:
        self.reset()
        cells = [("input", "Input", probe.sample)] + [(name, "", out) for name, out in probe.activations]
        for index, (name, _, output) in enumerate(cells):
            cell = self.view.addLayout(row=index // COLUMNS, col=index % COLUMNS)
            title = cell.addLabel("", row=0, col=0, size="8pt", color="#222")
            box = cell.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, invertY=True)
            box.setDefaultPadding(0.02)
            image = pg.ImageItem()
            image.setColorMap(pg.colormap.get("CET-L1") if name == "input" else pg.colormap.get("viridis"))
            box.addItem(image)
            self.names.append(name)
            self.images[name] = image
            self.titles[name] = title
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
        self.probe = probe
        probabilities = np.asarray(probe.probabilities)
        guess = int(probabilities.argmax())
        when = when or (
            "before training" if probe.step < 0 else f"after {probe.step + 1} batches (epoch {probe.epoch + 1})"
        )
        self.header.setText(
            f"Sample digit, label {probe.sample_label}: the network says {guess} "
            f"({probabilities[guess]:.0%}) {when}. Colour scales only grow during a run."
        )
