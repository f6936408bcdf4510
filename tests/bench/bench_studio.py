"""Studio speed: one animation step vs. a bare repaint of the same view, precomputing steps, GIF export.

Run: QT_QPA_PLATFORM=offscreen python tests/bench/bench_studio.py [--json]
Targets: one step <= 8 ms on 28x28 (3x3 kernel), <= 16 ms on 64x64, so 60 steps/s keeps up.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt6.QtWidgets import QApplication  # noqa: E402

app = QApplication.instance() or QApplication([])

from convviz.core.studio import StudioSettings, compute_studio  # noqa: E402
from convviz.ui.launch import configure_pyqtgraph  # noqa: E402
from convviz.ui.studio.export import export_gif  # noqa: E402
from convviz.ui.studio.studio_tab import StudioTab  # noqa: E402


def _median_ms(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


ROWS: list[dict] = []  # one row per figure, printed by _report at the end (a table or --json)
STEP_TARGET_MS = {28: 8.0, 64: 16.0}


def _say(text: str) -> None:
    if "--json" not in sys.argv:
        print(text)


def bench_steps(kind: str, size: int, dilation: int = 1) -> None:
    tab = StudioTab()
    tab.resize(1360, 860)
    tab.show()
    app.processEvents()
    c = tab.controls
    c.input_kind.setCurrentIndex(c.input_kind.findData(kind))
    if kind == "random":
        c.input_size.setValue(size)
    c.dilation.setValue(dilation)
    c.padding.setCurrentText("same")
    app.processEvents()
    state, canvas = tab.state, tab.canvas
    n = state.n_steps
    counter = iter(range(10**9))

    def one_step():
        state.set_step(next(counter) % n)
        canvas.repaint()

    one_step()  # builds the caches
    bare = _median_ms(canvas.repaint, 60)
    step = _median_ms(one_step, 200)
    grid_bare = _median_ms(canvas.input_view.repaint, 60)
    painted = []
    original = type(canvas.input_view).paintEvent

    def counting(self, event):
        painted.append(1)
        original(self, event)

    type(canvas.input_view).paintEvent = counting
    one_step()
    type(canvas.input_view).paintEvent = original
    assert painted, "repaint() did not paint: the figures would mean nothing"
    state.set_step(0)
    flip = iter(range(10**9))
    change = _median_ms(lambda: c.stride.setValue(1 + next(flip) % 2) or canvas.repaint(), 10)
    target = STEP_TARGET_MS[size]
    ROWS.append({"what": f"studio step {size}x{size} 3x3 same, dilation {dilation}", "ms": step,
                 "baseline": f"bare repaint {bare:.2f} ms", "ratio": step / bare,
                 "target": f"<= {target:g} ms", "met": step <= target})
    _say(f"{size}x{size} input, 3x3 kernel, dilation {dilation}: one step {step:.2f} ms "
          f"(bare repaint of the studio view {bare:.2f} ms, ratio {step / bare:.2f}; "
          f"input grid alone {grid_bare:.2f} ms) -> {1000 / step:.0f} steps/s possible; "
          f"a settings change (recompute + rebuild caches + repaint) {change:.1f} ms")
    tab.close()


DEPTH_STEP_TARGET_MS, DEPTH_CHANGE_TARGET_MS = 8.0, 5.0


def bench_depth() -> None:
    """28×28×3 photo, 8 filters: one step with its repaint, and a setting change, vs. a bare repaint."""
    tab = StudioTab()
    tab.resize(1280, 800)
    tab.show()
    app.processEvents()
    c = tab.controls
    c.input_kind.setCurrentIndex(c.input_kind.findData("photo"))
    c.input_size.setValue(28)
    c.depth.in_channels.setValue(3)
    c.depth.filters.setValue(8)
    c.padding.setCurrentText("same")
    app.processEvents()
    state, canvas = tab.state, tab.depth_canvas
    assert state.result.in_depth and state.n_steps == 28 * 28 * 8
    counter = iter(range(10**9))

    def one_step():
        state.set_step(next(counter) * 37 % state.n_steps)  # jumps across filters, not only the next cell
        canvas.repaint()

    one_step()
    bare = _median_ms(canvas.repaint, 60)
    step = _median_ms(one_step, 200)
    state.set_step(0)  # a deep step would first generate every step before it (the core's lazy steps)
    flip = iter(range(10**9))
    change = _median_ms(lambda: c.stride.setValue(1 + next(flip) % 2), 20)
    painted = _median_ms(lambda: c.stride.setValue(1 + next(flip) % 2) or canvas.repaint(), 20)
    ROWS.append({"what": "studio in depth: step 28x28x3, 8 filters, with repaint", "ms": step,
                 "baseline": f"bare repaint {bare:.2f} ms", "ratio": step / bare,
                 "target": f"<= {DEPTH_STEP_TARGET_MS:g} ms", "met": step <= DEPTH_STEP_TARGET_MS})
    ROWS.append({"what": "studio in depth: stride change 28x28x3, 8 filters (engine + views, before the paint)",
                 "ms": change, "baseline": f"bare repaint {bare:.2f} ms", "ratio": change / bare,
                 "target": f"<= {DEPTH_CHANGE_TARGET_MS:g} ms", "met": change <= DEPTH_CHANGE_TARGET_MS})
    ROWS.append({"what": "studio in depth: stride change 28x28x3, 8 filters, with repaint (slices re-rendered)",
                 "ms": painted, "baseline": f"bare repaint {bare:.2f} ms", "ratio": painted / bare,
                 "target": "<= 16 ms (one 60 Hz frame)", "met": painted <= 16})
    _say(f"in depth, 28x28x3 photo, 8 filters: one step {step:.2f} ms; a stride change {change:.2f} ms, "
         f"{painted:.2f} ms with its repaint (bare repaint of the depth view {bare:.2f} ms; ratios "
         f"{step / bare:.2f}, {change / bare:.2f}, {painted / bare:.2f})")
    tab.close()


def bench_compute() -> None:
    for size in (28, 64):
        settings = StudioSettings(input_kind="random", input_size=size, padding="same", pool=True)
        lazy = _median_ms(lambda: compute_studio(settings), 5)
        result = compute_studio(settings)
        full = _median_ms(lambda: list(compute_studio(settings).conv_steps), 5)
        ROWS.append({"what": f"settings -> maps {size}x{size} + max pool", "ms": lazy,
                     "baseline": f"every conv step {full:.1f} ms", "ratio": lazy / full, "target": "-", "met": "-"})
        _say(f"{size}x{size} + max pool ({result.n_steps} steps): settings -> maps {lazy:.1f} ms "
              f"(steps made on demand); generating every conv step {full:.1f} ms")


def bench_gif() -> None:
    result = compute_studio(StudioSettings(input_kind="random", input_size=28))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        export_gif(result, os.path.join(folder, "a.gif"))
        seconds = time.perf_counter() - start
        size = os.path.getsize(os.path.join(folder, "a.gif"))
    ROWS.append({"what": f"GIF export 28x28 valid, {result.n_steps} frames", "ms": 1000 * seconds / result.n_steps,
                 "baseline": "per frame", "ratio": "-", "target": "-", "met": "-"})
    _say(f"GIF export, 28x28 valid ({result.n_steps} frames): {seconds:.1f} s, "
          f"{1000 * seconds / result.n_steps:.1f} ms/frame, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print only one JSON object with the figures")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(__file__))
    from _report import report

    configure_pyqtgraph()
    bench_steps("digit", 28)
    bench_steps("random", 64)
    bench_steps("random", 64, dilation=2)
    bench_depth()
    bench_compute()
    bench_gif()
    report("studio speed", ROWS, args.json)
