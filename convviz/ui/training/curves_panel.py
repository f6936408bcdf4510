"""Live loss and accuracy: every training batch, a smoothed trend, and each epoch's validation."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QHBoxLayout, QWidget

from convviz.core.training_view import epoch_end_x
from convviz.core.trends import TREND_BATCHES, Trend, batch_value, trend_line  # noqa: F401 (the panel's names)

BATCH_PEN = pg.mkPen("#9ec5e8", width=1)
TREND_PEN = pg.mkPen("#1f5f9e", width=2)
VAL_BRUSH = pg.mkBrush("#d62728")
CURSOR_PEN = pg.mkPen("#e07b00", width=2)
VAL_NAME = "validation"  # short: the plots are ~200 px wide at 1024; the tooltip says when
LEGEND_BRUSH = pg.mkBrush(255, 255, 255, 110)  # see-through: the timeline's cursor shows behind it
RIGHT_ROOM = 0.07  # of the run's epochs, right of the last one: room for its validation dot and tick
LEFT_ROOM = 0.02
OVERLAY_COLOURS = ("#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")  # one per compared run


class _Series:
    """A growing float array with amortised appends (no list->array copies per redraw)."""

    def __init__(self) -> None:
        self._data = np.empty(1024, np.float64)
        self.size = 0

    def append(self, value: float) -> None:
        if self.size == len(self._data):
            self._data = np.concatenate([self._data, np.empty_like(self._data)])
        self._data[self.size] = value
        self.size += 1

    def clear(self) -> None:
        self.size = 0

    @property
    def values(self) -> np.ndarray:
        return self._data[: self.size]


class _Metric:
    """Per-batch values, their smoothed trend and the validation points of one metric."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        self.batches, self.trend = _Series(), _Series()
        self.val_x: list[float] = []
        self.val: list[float] = []
        self._trend = Trend()
        self._drawn_val = -1
        self.batch_curve = plot.plot([], [], pen=BATCH_PEN, name="each batch", antialias=False)
        self.trend_curve = plot.plot([], [], pen=TREND_PEN, name="trend", antialias=False)
        self.val_points = plot.plot([], [], pen=None, symbol="o", symbolSize=8, symbolBrush=VAL_BRUSH,
                                    symbolPen="w", name=VAL_NAME, antialias=False)
        for curve in (self.batch_curve, self.trend_curve):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)

    def clear(self) -> None:
        self.batches.clear()
        self.trend.clear()
        self._trend.clear()
        self.val_x, self.val = [], []

    def add(self, running_mean: float, batch: int) -> None:
        value, trend = self._trend.add(running_mean, batch)
        self.batches.append(value)
        self.trend.append(trend)

    def draw(self, x: np.ndarray) -> None:
        self.batch_curve.setData(x, self.batches.values, skipFiniteCheck=True)
        self.trend_curve.setData(x, self.trend.values, skipFiniteCheck=True)
        if len(self.val) != self._drawn_val:  # scatter updates are costly: only when a point came
            self.val_points.setData(self.val_x, self.val)
            self._drawn_val = len(self.val)


class CurvesPanel(QWidget):
    """Two plots (loss, accuracy) against epochs, drawn from a run's history by :meth:`draw`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.x = _Series()
        self.loss_plot = self._plot("Loss", "loss", legend=True)
        self.accuracy_plot = self._plot("Accuracy", "accuracy", legend=False)
        self.accuracy_plot.setYRange(0.0, 1.0)
        self.accuracy_plot.enableAutoRange(axis="y", enable=False)
        self.loss = _Metric(self.loss_plot)
        self.accuracy = _Metric(self.accuracy_plot)
        self.cursors = [pg.InfiniteLine(angle=90, movable=False, pen=CURSOR_PEN) for _ in range(2)]
        for plot, cursor in zip((self.loss_plot, self.accuracy_plot), self.cursors):
            cursor.setVisible(False)
            plot.addItem(cursor, ignoreBounds=True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.accuracy_plot)
        self._epochs_taken = 0
        self.epochs = 1.0  # the x axis spans this many epochs
        self.overlays: list = []
        self.setToolTip("Loss and accuracy of each training batch (light), their trend (dark) and the "
                        "validation score (red dots) at each epoch's end, or where the run was stopped")  # the compared runs' curves, two per run

    @staticmethod
    def _plot(title: str, ylabel: str, legend: bool) -> pg.PlotWidget:
        plot = pg.PlotWidget(background="w")
        plot.setTitle(title, color="#222", size="10pt")
        plot.setLabel("bottom", "epoch")
        plot.getAxis("bottom").enableAutoSIPrefix(False)
        plot.setLabel("left", ylabel)
        # No grid: on this kind of machine it doubles the cost of every redraw.
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        if legend:
            plot.addLegend(offset=(-6, 6), labelTextSize="8pt", labelTextColor="#333", brush=LEGEND_BRUSH)
        return plot

    @property
    def batch_count(self) -> int:
        """How many batch points the curves hold."""
        return self.x.size

    def reset(self, epochs: int = 1) -> None:
        """Forget all points; the x axis spans the whole run of ``epochs`` (fixed: no re-layout per redraw)."""
        self._span_epochs(max(1, epochs))
        self.loss_plot.setYRange(0.0, 1.0)  # not the range of the run before (no points: autorange keeps it)
        self.loss_plot.enableAutoRange(axis="y", enable=True)
        self.x.clear()
        self.loss.clear()
        self.accuracy.clear()
        self._epochs_taken = 0
        self.loss.draw(self.x.values)
        self.accuracy.draw(self.x.values)

    def set_cursor(self, x: float | None) -> None:
        """Mark the moment ``x`` (in epochs) with a vertical line on both plots; None hides it."""
        for cursor in self.cursors:
            if x is not None:
                cursor.setValue(x)
            cursor.setVisible(x is not None)

    def add_overlay(self, name: str, x, loss, accuracy) -> None:
        """Draw another run's trend lines (``x`` in epochs) in a colour of its own, named in both legends."""
        pen = pg.mkPen(OVERLAY_COLOURS[len(self.overlays) % len(OVERLAY_COLOURS)], width=2)
        if self.accuracy_plot.plotItem.legend is None:
            self.accuracy_plot.addLegend(offset=(-6, -6), labelTextSize="8pt", labelTextColor="#333",
                                         brush=LEGEND_BRUSH)
        for plot, values in ((self.loss_plot, loss), (self.accuracy_plot, accuracy)):
            curve = plot.plot(x, values, pen=pen, name=name, antialias=False)
            curve.setZValue(-1)  # under the run on show, which stays readable where they agree
            self.overlays.append(curve)
        self._span_epochs(max(float(np.max(x, initial=1.0)), self.epochs))

    def _span_epochs(self, epochs: float) -> None:
        """Show epochs 0 to ``epochs`` on both plots, with room on the right for the last point and tick."""
        self.epochs = epochs
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.setXRange(-LEFT_ROOM * epochs, (1 + RIGHT_ROOM) * epochs, padding=0)
            plot.enableAutoRange(axis="x", enable=False)

    def draw(self, history, steps_per_epoch: int) -> None:
        """Take the batches and epochs ``history`` gained since the last call, and redraw."""
        per_epoch = max(1, steps_per_epoch)
        steps, losses, accuracies = history.batch_steps, history.batch_loss, history.batch_accuracy
        for index in range(self.x.size, len(steps)):
            step = steps[index]
            batch = step % per_epoch  # steps count on over epochs of equal length
            self.x.append((step + 1) / per_epoch)
            self.loss.add(losses[index], batch)
            self.accuracy.add(accuracies[index], batch)
        for event in history.epochs[self._epochs_taken:]:
            for metric, value in ((self.loss, event.val_loss), (self.accuracy, event.val_accuracy)):
                metric.val_x.append(epoch_end_x(event, steps_per_epoch))
                metric.val.append(value)
        self._epochs_taken = len(history.epochs)
        x = self.x.values
        self.loss.draw(x)
        self.accuracy.draw(x)
