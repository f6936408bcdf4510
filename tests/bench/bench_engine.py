"""The numpy engine against TensorFlow on the same inputs: conv2d vs tf.nn.conv2d, pool2d vs tf.nn.pool.

Run: ``python tests/bench/bench_engine.py [--repeats 300] [--json]``.
Each case is warmed up first, then timed ``--repeats`` times, interleaving engine and TF calls
so machine noise hits both alike; the figure is the median in ms and the ratio engine / TF
(below 1: the engine is faster). Both results are compared first, so a fast wrong answer
cannot pass. Target: conv2d on 28x28x1 by 3x3x1x32 under 5 ms (one studio step stays cheap).
TF runs eagerly on float32 tensors made once, as the studio would call it. ``engine_p90_ms``
shows contention: numpy's OpenBLAS uses every core for the larger matrix products, and when
another process (or TensorFlow training in the app) holds a core, some calls take 10-20x longer
(OPENBLAS_NUM_THREADS=1 removes that; measured 0.33 ms vs a p90 of 4.3 ms with one core busy).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from _report import report  # noqa: E402

from convviz.arithmetic import conv2d, pool2d  # noqa: E402

WARMUP = 20
CONV_TARGET_MS = 5.0


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def compare(engine, reference, repeats: int) -> tuple[float, float, float]:
    """Median ms of ``engine()`` and ``reference()``, warmed up, timed alternately; and the engine's p90."""
    for _ in range(WARMUP):
        engine()
        reference()
    ours, theirs = [], []
    for _ in range(repeats):
        ours.append(_timed(engine))
        theirs.append(_timed(reference))
    return statistics.median(ours), statistics.median(theirs), statistics.quantiles(ours, n=10)[-1]


def cases(tf):
    """(name, engine call, TF call, target ms or None) for every benchmarked operation."""
    rng = np.random.default_rng(0)
    found = []
    for (h, w, cin), (k, cout), stride, padding in (
        ((28, 28, 1), (3, 32), 1, "valid"),
        ((28, 28, 1), (3, 32), 1, "same"),
        ((64, 64, 3), (5, 16), 1, "valid"),
        ((64, 64, 3), (5, 16), 2, "same"),
    ):
        x = rng.standard_normal((h, w, cin)).astype(np.float32)
        kernel = rng.standard_normal((k, k, cin, cout)).astype(np.float32)
        tx, tk = tf.constant(x[None]), tf.constant(kernel)
        engine = (lambda x=x, kernel=kernel, s=stride, p=padding: conv2d(x, kernel, s, p))
        reference = (lambda tx=tx, tk=tk, s=stride, p=padding: tf.nn.conv2d(tx, tk, s, p.upper()).numpy())
        np.testing.assert_allclose(engine(), reference()[0], rtol=1e-4, atol=1e-4)
        target = CONV_TARGET_MS if (h, cin, k, cout) == (28, 1, 3, 32) else None
        found.append((f"conv2d {h}x{w}x{cin} * {k}x{k}x{cin}x{cout} s{stride} {padding}", engine, reference, target))
    for (h, w, c), size, mode, padding in (
        ((26, 26, 32), 2, "max", "valid"),
        ((26, 26, 32), 2, "avg", "valid"),
        ((60, 60, 16), 3, "max", "same"),
        ((60, 60, 16), 3, "avg", "same"),
    ):
        x = rng.standard_normal((h, w, c)).astype(np.float32)
        tx = tf.constant(x[None])
        engine = (lambda x=x, s=size, m=mode, p=padding: pool2d(x, s, None, p, m))
        reference = (lambda tx=tx, s=size, m=mode, p=padding: tf.nn.pool(
            tx, (s, s), "MAX" if m == "max" else "AVG", strides=(s, s), padding=p.upper()).numpy())
        np.testing.assert_allclose(engine(), reference()[0], rtol=1e-5, atol=1e-5)
        found.append((f"pool2d {mode} {h}x{w}x{c} {size}x{size} {padding}", engine, reference, None))
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    import tensorflow as tf

    rows = []
    for name, engine, reference, target in cases(tf):
        ours, theirs, p90 = compare(engine, reference, args.repeats)
        row = {"what": name, "engine_ms": ours, "engine_p90_ms": p90, "tf_ms": theirs, "ratio": ours / theirs,
               "target": f"< {target:g} ms" if target else "-", "met": ours < target if target else "-"}
        rows.append(row)
    report(f"convviz.arithmetic vs tf.nn (median of {args.repeats}, eager TF, float32; ratio = engine / TF)",
           rows, args.json)


if __name__ == "__main__":
    main()
