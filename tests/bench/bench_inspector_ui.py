"""The Inspector tab on real networks: first paint after loading, switching blocks, a click's answer.

Run: python tests/bench/bench_inspector_ui.py [--repeats 3] [--json]
ResNet50 at 64×64 and MobileNetV2 (alpha 0.35) at 96×96, ``weights=None``, in a 1280×800 tab
(offscreen Qt). "First paint" runs from ``modelReady`` (the overview filled) to the first forward
pass drawn and the whole tab painted (a ``grab``); target ≤ 1.5 s. Same-run baselines: the core's
``ModelInspector`` built plus its first activations (what "loading" costs), and a bare ``grab``
of the tab with the model on show.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from _report import report  # noqa: E402

TARGET_S = 1.5


def _wait(app, signal, timeout: float = 120.0):
    """Process events until ``signal`` fires; its arguments."""
    got = []
    signal.connect(lambda *args: got.append(args))
    end = time.perf_counter() + timeout
    while not got:
        if time.perf_counter() > end:
            raise TimeoutError("the inspector did not answer in time")
        app.processEvents()
        time.sleep(0.001)
    return got[0]


def _core_build(model) -> float:
    from convviz.training.inspection import ModelInspector

    start = time.perf_counter()
    ModelInspector(model).activations(np.zeros(model.input_shape[1:], np.float32))
    return time.perf_counter() - start


def _one_load(app, model) -> dict:
    """A fresh tab loading ``model``: load, first paint, a bare repaint, a block switch, a click."""
    from convviz.ui.inspector.inspector_tab import InspectorTab

    tab = InspectorTab()
    tab.resize(1280, 800)
    tab.show()
    app.processEvents()
    marks = {}
    tab.modelReady.connect(lambda _info: marks.setdefault("ready", time.perf_counter()))
    start = time.perf_counter()
    tab.use_model(model, "bench")
    _wait(app, tab.inspected)
    tab.grab()
    painted = time.perf_counter()
    figures = {"load": marks["ready"] - start, "first_paint": painted - marks["ready"]}
    begin = time.perf_counter()
    tab.grab()
    figures["repaint"] = time.perf_counter() - begin
    switches = []
    for group in range(1, min(6, len(tab.overview.groups))):
        begin = time.perf_counter()
        tab.overview.tree.setCurrentItem(tab.overview.tree.topLevelItem(group))
        tab.grab()
        switches.append(time.perf_counter() - begin)
    figures["switch"] = statistics.median(switches)
    layer = max(i for i, v in enumerate(tab.info.layers) if v.replayable and len(v.output_shape) == 3)
    begin = time.perf_counter()
    tab.pick_cell(layer, 0, 0, 0)
    _wait(app, tab.replayed)
    while -1 not in tab.maps.field_masks:
        app.processEvents()
    figures["click"] = time.perf_counter() - begin
    tab.shutdown()
    tab.deleteLater()
    app.processEvents()
    return figures


def rows_for(app, name: str, model, repeats: int) -> list[dict]:
    """The figures for one model, medians of ``repeats`` fresh tabs, with their baselines."""
    core = statistics.median(_core_build(model) for _ in range(repeats))
    runs = [_one_load(app, model) for _ in range(repeats)]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}

    def row(what, seconds, base=None, target=None):
        met = "-" if target is None else ("yes" if seconds <= target else "no")
        return {"what": f"{name}: {what}", "figure_ms": round(seconds * 1e3, 1),
                "ratio": "-" if base is None else round(seconds / base, 2),
                "target": "-" if target is None else f"<= {target * 1e3:.0f} ms", "met": met}

    return [row("core ModelInspector built + first activations (baseline)", core),
            row("tab: use_model -> modelReady (loading, traced in the worker)", median["load"], core),
            row("tab: modelReady -> overview + maps painted", median["first_paint"], core, TARGET_S),
            row("tab: bare repaint of the whole tab (baseline)", median["repaint"]),
            row("tab: switch to another block, drawn", median["switch"], median["repaint"]),
            row("tab: click -> replay + receptive field shown", median["click"])]


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import keras
    import pyqtgraph as pg
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(imageAxisOrder="row-major")
    models = {"ResNet50 64x64": keras.applications.ResNet50(weights=None, input_shape=(64, 64, 3)),
              "MobileNetV2 0.35 96x96": keras.applications.MobileNetV2(weights=None, alpha=0.35,
                                                                       input_shape=(96, 96, 3))}
    rows = [row for name, model in models.items() for row in rows_for(app, name, model, args.repeats)]
    report("Inspector tab on real networks", rows, args.json)


if __name__ == "__main__":
    main()
