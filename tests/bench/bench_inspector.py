"""Inspector updates per second while the user draws, against the bare forward-pass rate.

Run: python tests/bench/bench_inspector.py [--seconds 5] [--json]
A 100 Hz timer draws stroke segments on the real canvas (real mouse events) for
``--seconds``; the figure is how many prediction + activation redraws the tab
completed per second. The baseline is ``ModelInspector.activations`` called in a
loop, measured in the same run. Target: >= 10 updates/s.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from _report import report  # noqa: E402
from PyQt6.QtCore import QEvent, QPointF, Qt, QTimer  # noqa: E402
from PyQt6.QtGui import QMouseEvent  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402


def seed_model():
    """The tutorial's network (untrained weights do the same arithmetic)."""
    from convviz.training.models import build_model

    return build_model("seed")


def forward_rate(model, seconds: float) -> float:
    """Bare forward passes per second through the inspector's multi-output model."""
    from convviz.training.inspection import ModelInspector

    inspector = ModelInspector(model)
    image = np.random.default_rng(0).uniform(0, 1, (28, 28, 1)).astype(np.float32)
    inspector.activations(image)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        inspector.activations(image)
        count += 1
    return count / (time.perf_counter() - start)


def _mouse(widget, kind, x, y, buttons):
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, QPointF(x, y), widget.mapToGlobal(QPointF(x, y)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drawing_rate(app, model, seconds: float) -> float:
    """Tab updates per second while a stroke is drawn continuously."""
    from convviz.ui.inspector.inspector_tab import InspectorTab
    from convviz.ui.launch import configure_pyqtgraph

    configure_pyqtgraph()
    tab = InspectorTab()
    tab.resize(1360, 860)
    tab.show()
    ready = []
    tab.inspected.connect(lambda: ready.append(time.perf_counter()))
    tab.use_model(model, "bench")
    while not ready:
        app.processEvents()
    canvas = tab.canvas
    _mouse(canvas, QEvent.Type.MouseButtonPress, 140, 140, Qt.MouseButton.LeftButton)
    phase = [0.0]

    def draw():
        phase[0] += 0.15
        x = 140 + 100 * np.cos(phase[0])
        y = 140 + 100 * np.sin(1.3 * phase[0])
        _mouse(canvas, QEvent.Type.MouseMove, x, y, Qt.MouseButton.LeftButton)

    timer = QTimer()
    timer.timeout.connect(draw)
    timer.start(10)
    ready.clear()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        app.processEvents()
    timer.stop()
    tab.shutdown()
    return len(ready) / seconds


def main() -> None:
    """Measure and print the inspector figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    model = seed_model()
    bare = forward_rate(model, args.seconds)
    live = drawing_rate(app, model, args.seconds)
    report(
        "inspector updates while drawing",
        [
            {"what": "bare forward passes", "per_second": bare, "ratio": 1.0, "target": "-"},
            {"what": "tab updates while drawing", "per_second": live, "ratio": live / bare,
             "target": ">= 10/s", "met": live >= 10},
        ],
        args.json,
    )


if __name__ == "__main__":
    main()
