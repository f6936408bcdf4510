"""Studio core in depth: one step and one settings change at 28x28x3 with 8 filters, against the
classic single-channel studio measured in the same run (no Qt: the core part of a step).

Run: python tests/bench/bench_studio_depth.py [--json]
Targets: a step <= 8 ms including the repaint (the core's share is measured here), a settings
change <= 5 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

from convviz.arithmetic.presets import kernel_preset
from convviz.core.frame_render import DepthFrameRenderer
from convviz.core.studio import StudioSettings, compute_studio

ROWS: list[dict] = []
STEP_TARGET_MS, CHANGE_TARGET_MS = 8.0, 5.0
CLASSIC = StudioSettings(input_kind="photo", input_size=28, kernel=kernel_preset("sobel-x"), kernel_preset="sobel-x")
KINDS = {
    "conv": dict(kind="conv", in_channels=3, filters=8),
    "separable": dict(kind="separable", in_channels=3, filters=8),
    "depthwise": dict(kind="depthwise", in_channels=3, depth_multiplier=2),
    "transposed": dict(kind="transposed", in_channels=3, filters=8, stride=2),
    "conv1d": dict(kind="conv1d", in_channels=3, filters=8),
}


def _median_ms(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _say(text: str) -> None:
    if "--json" not in sys.argv:
        print(text)


def _step_ms(settings: StudioSettings, repeats: int = 400) -> float:
    """Median cost of the next step of a fresh result plus finding a cell's index (what a step does)."""
    result = compute_studio(settings)
    stage = result.stages[0][0] if result.in_depth else "conv"
    counter = iter(range(10**9))

    def one_step():
        index = next(counter) % result.n_steps
        _, step = result.step(index)
        if result.in_depth and stage != "transpose" and np.ndim(step.position) == 1:
            result.step_index(stage, *step.position, filter=step.filter)

    return _median_ms(one_step, repeats)


def _views(result) -> None:
    views = result.transposed
    views.overlaps, views.zero_inserted, views.is_input, views.equivalent_steps[0]


def bench_kind(name: str, changes: dict, base_step: float, base_change: float) -> None:
    settings = CLASSIC.with_(**changes)
    step = _step_ms(settings)
    flip = iter(range(10**9))
    change = _median_ms(lambda: compute_studio(settings.with_(stride=1 + next(flip) % 2)), 30)
    result = compute_studio(settings)
    renderer = DepthFrameRenderer(result)
    frames = iter(range(10**9))
    frame = _median_ms(lambda: renderer.render(next(frames) % result.n_steps), 40)
    shape = "x".join(map(str, result.x.shape))
    ROWS.append({"what": f"{name} {shape}, {result.output.shape[-1]} out: one step", "ms": step,
                 "baseline": f"classic 28x28 step {base_step:.3f} ms", "ratio": step / base_step,
                 "target": f"<= {STEP_TARGET_MS:g} ms", "met": step <= STEP_TARGET_MS})
    ROWS.append({"what": f"{name} {shape}: settings change", "ms": change,
                 "baseline": f"classic 28x28 change {base_change:.2f} ms", "ratio": change / base_change,
                 "target": f"<= {CHANGE_TARGET_MS:g} ms", "met": change <= CHANGE_TARGET_MS})
    ROWS.append({"what": f"{name}: Pillow frame (CLI)", "ms": frame, "baseline": "-", "ratio": "-",
                 "target": "-", "met": "-"})
    if name == "transposed":
        views = _median_ms(lambda: _views(compute_studio(settings)), 30) - change
        ROWS.append({"what": "transposed: both views, first use", "ms": views, "baseline": "-", "ratio": "-",
                     "target": "-", "met": "-"})
    _say(f"{name} {shape} ({result.n_steps} steps): step {step:.3f} ms ({step / base_step:.2f}x classic), "
         f"settings change {change:.2f} ms ({change / base_change:.2f}x classic), Pillow frame {frame:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print only one JSON object with the figures")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(__file__))
    from _report import report

    compute_studio(CLASSIC)  # warm the photo cache and imports
    base_step = _step_ms(CLASSIC)
    flip = iter(range(10**9))
    base_change = _median_ms(lambda: compute_studio(CLASSIC.with_(stride=1 + next(flip) % 2)), 30)
    _say(f"baseline, classic 28x28x1 studio: step {base_step:.3f} ms, settings change {base_change:.2f} ms")
    for name, changes in KINDS.items():
        bench_kind(name, changes, base_step, base_change)
    report("studio core in depth", ROWS, args.json)
