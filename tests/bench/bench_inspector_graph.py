"""The inspector on real networks: build time, click-to-answer latency, activations per second.

Run: python tests/bench/bench_inspector_graph.py [--repeats 20] [--json]
ResNet50 at 64×64 (``weights=None``): the time from a click on a cell to its receptive
field (over every path) plus its replay, for cells of several layer kinds (target ≤ 300 ms,
the worst median); building the inspector against ``keras.Model`` of every layer output
(what the chain-only inspector built). MobileNetV2 (alpha 0.35) at 96×96: activations of
every layer per second against the bare model's forward passes per second, same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from _report import report  # noqa: E402


def _timed(function, repeats: int) -> float:
    """Median seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_rows(model) -> list[dict]:
    """Building the inspector against building (and tracing) a multi-output model of every layer."""
    import keras
    import tensorflow as tf

    from convviz.training.inspection import ModelInspector

    image = np.zeros((1, *model.input_shape[1:]), np.float32)

    def bare():
        multi = keras.Model(model.input, [layer.output for layer in model.layers[1:]])
        tf.function(lambda x: multi(x, training=False))(image)

    def inspector():
        ModelInspector(model).activations(image[0])

    base, mine = _timed(bare, 3), _timed(inspector, 3)
    return [{"what": "ResNet50 64x64: multi-output model built + first call", "figure_ms": base * 1e3,
             "ratio": 1.0, "target": "-", "met": "-"},
            {"what": "ResNet50 64x64: ModelInspector built + first activations", "figure_ms": mine * 1e3,
             "ratio": mine / base, "target": "-", "met": "-"}]


def click_rows(model, repeats: int) -> list[dict]:
    """Click → receptive field + replay, per layer kind, against one bare forward pass."""
    import tensorflow as tf

    from convviz.training.inspection import ModelInspector

    inspector = ModelInspector(model)
    image = np.random.default_rng(0).uniform(-1, 1, model.input_shape[1:]).astype(np.float32)
    activations = inspector.activations(image)
    names = [v.name for v in inspector.layers]
    bare = tf.function(lambda x: model(x, training=False))
    bare(image[None])
    forward = _timed(lambda: bare(image[None]).numpy(), repeats)
    rows = [{"what": "ResNet50 64x64: bare forward pass (traced)", "figure_ms": forward * 1e3, "ratio": 1.0,
             "target": "-", "met": "-"}]
    for name, cell, channel in [("conv1_conv", (10, 20), 5), ("pool1_pool", (7, 9), 3),
                                ("conv3_block4_3_conv", (3, 4), 300), ("conv4_block6_add", (2, 1), 800),
                                ("conv5_block3_2_conv", (1, 1), 400), ("avg_pool", (0, 0), 1000)]:
        index = names.index(name)

        def click():
            inspector.receptive_fields(index, cell)
            inspector.replay(image, index, cell, channel, activations)

        seconds = _timed(click, repeats)
        rows.append({"what": f"click → field + replay: {name}", "figure_ms": seconds * 1e3,
                     "ratio": seconds / forward, "target": "<= 300 ms", "met": seconds <= 0.3})
    fresh = _timed(lambda: (inspector.receptive_fields(index, cell),
                            inspector.replay(image, index, cell, channel)), max(3, repeats // 4))
    rows.append({"what": f"click → field + replay: {name}, incl. a fresh forward pass", "figure_ms": fresh * 1e3,
                 "ratio": fresh / forward, "target": "<= 300 ms", "met": fresh <= 0.3})
    return rows


def activation_rows(seconds: float) -> list[dict]:
    """Activations of every layer per second on MobileNetV2 at 96×96 against bare forward passes."""
    import keras
    import tensorflow as tf

    from convviz.training.inspection import ModelInspector

    model = keras.applications.MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3))
    image = np.random.default_rng(1).uniform(-1, 1, (96, 96, 3)).astype(np.float32)
    bare = tf.function(lambda x: model(x, training=False))
    inspector = ModelInspector(model)

    def rate(function) -> float:
        function()
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            function()
            count += 1
        return count / (time.perf_counter() - start)

    multi = keras.Model(model.input, [layer.output for layer in model.layers[1:]])
    traced = tf.function(lambda x: multi(x, training=False))
    base = rate(lambda: bare(image[None]).numpy())
    chain = rate(lambda: [out.numpy()[0] for out in traced(image[None])])
    mine = rate(lambda: inspector.activations(image))
    return [{"what": f"MobileNetV2 96x96: bare forward passes /s ({base:.1f}/s)", "figure_ms": 1e3 / base, "ratio": 1.0,
             "target": "-", "met": "-"},
            {"what": f"MobileNetV2 96x96: keras multi-output model, all layers /s ({chain:.1f}/s)",
             "figure_ms": 1e3 / chain, "ratio": base / chain, "target": "-", "met": "-"},
            {"what": f"MobileNetV2 96x96: inspector, all {len(inspector.layers)} activations /s ({mine:.1f}/s)",
             "figure_ms": 1e3 / mine, "ratio": base / mine, "target": "-", "met": "-"}]


def main() -> None:
    """Measure and print the figures (times in ms; ratio = figure / same-run baseline)."""
    import keras

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    model = keras.applications.ResNet50(weights=None, input_shape=(64, 64, 3))
    rows = build_rows(model) + click_rows(model, args.repeats) + activation_rows(args.seconds)
    report("inspector on real networks", rows, args.json)


if __name__ == "__main__":
    main()
