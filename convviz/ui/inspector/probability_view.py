"""The class probabilities of one prediction as a bar chart, the winner highlighted.

Hovering a bar tells its class and probability; clicking it emits ``barClicked(class)`` (the
inspector explains that output cell).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QWidget

from convviz.core.gate import safe_name

_BAR = (120, 144, 176)
_WINNER = (33, 111, 219)


MAX_NAMED = 20


class ProbabilityView(pg.PlotWidget):
    """Ten (or N) bars, one per class, updated in place; ``barClicked(class index)``."""

    barClicked = pyqtSignal(int)

    def __init__(self, num_classes: int = 10, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.setYRange(0, 1, padding=0.02)
        self.setLabel("left", "probability")
        self.getPlotItem().showGrid(y=True, alpha=0.25)
        self._bars: pg.BarGraphItem | None = None
        self._labels: list[pg.TextItem] = []
        self.probabilities = np.zeros(num_classes)
        self.names: list[str] = []
        self.set_classes([str(i) for i in range(num_classes)])
        self.setToolTip("The probability of each class; hover a bar to read it, click it to explain that output.")
        self.scene().sigMouseMoved.connect(self._hovered)
        self.scene().sigMouseClicked.connect(self._clicked)

    def bar_at(self, scene_pos) -> int | None:
        """The class whose bar is under ``scene_pos`` (a scene point), None between or beside the bars."""
        x = self.getPlotItem().vb.mapSceneToView(scene_pos).x()
        index = int(round(x))
        return index if 0 <= index < self.probabilities.size and abs(x - index) <= 0.4 else None

    def _hovered(self, scene_pos) -> None:
        index = self.bar_at(scene_pos)
        if index is not None:
            self.setToolTip(f"Class {index} ({safe_name(self.names[index])}): probability "
                            f"{self.probabilities[index]:.1%}. Click to explain it.")

    def _clicked(self, event) -> None:
        index = self.bar_at(event.scenePos())
        if index is not None:
            self.barClicked.emit(index)

    def set_classes(self, names: list[str]) -> None:
        """Name the classes (x axis ticks) and reset the bars to zero."""
        count = len(names)
        self.names = list(names)
        self.probabilities = np.zeros(count)
        if self._bars is not None:
            self.removeItem(self._bars)
        self._bars = pg.BarGraphItem(x=np.arange(count), height=np.zeros(count), width=0.7,
                                     brushes=[pg.mkBrush(_BAR)] * count, pen=None)
        self.addItem(self._bars)
        # Past a few dozen classes names overlap: the axis numbers them, the label names the best.
        self.getAxis("bottom").setTicks([list(enumerate(names))] if count <= MAX_NAMED else None)
        self.setXRange(-0.6, count - 0.4, padding=0)

    def set_probabilities(self, probabilities) -> None:
        """Show ``probabilities`` (one per class); the most likely class is drawn in blue."""
        values = np.asarray(probabilities, dtype=float).ravel()
        if values.size != self.probabilities.size:
            raise ValueError(
                f"expected {self.probabilities.size} probabilities, got {values.size}"
            )
        self.probabilities = values
        brushes = [pg.mkBrush(_BAR)] * values.size
        brushes[int(values.argmax())] = pg.mkBrush(_WINNER)
        self._bars.setOpts(height=values, brushes=brushes)

    @property
    def predicted(self) -> int:
        """The index of the most likely class."""
        return int(self.probabilities.argmax())
