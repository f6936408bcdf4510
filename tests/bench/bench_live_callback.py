"""Overhead of LiveCallback on a plain ``model.fit``, both measured in the same run.

Run: ``python tests/bench/bench_live_callback.py [--epochs 3] [--repeats 3] [--json]``. The seed
network trains on the bundled 8,000 MNIST digits (batch 64) with ``model.fit`` on numpy arrays,
alternately without a callback (the baseline) and with ``LiveCallback`` at its defaults (a probe
every 20 batches and at each epoch's end, every batch's metrics, the final model saved into the
run folder). Prints the median wall time of the whole ``fit`` call, the samples/s of the epochs
after the first, the ratios, the median ratio of back-to-back pairs, and the time spent inside
the callback's own hooks (the part of the overhead a busy machine cannot hide or inflate much).
Target: the callback costs at most 5%.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("CONVVIZ_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_training_headless import EpochTimer, _rate  # noqa: E402
from _report import report  # noqa: E402


HOOKS = ("on_train_begin", "on_epoch_begin", "on_train_batch_end", "on_epoch_end", "on_train_end")


def timed(callback, spent: list[float]):
    """``callback`` with each hook's own time added to ``spent[0]`` (what the callback itself costs)."""
    for name in HOOKS:
        def hook(*args, _inner=getattr(callback, name), **kwargs):
            start = time.perf_counter()
            try:
                return _inner(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start
        setattr(callback, name, hook)
    return callback


def one_fit(model, dataset, epochs: int, batch_size: int, run_dir: Path | None) -> tuple[float, float, float]:
    """(wall seconds of the whole fit, samples/s after epoch 1, seconds inside LiveCallback)."""
    from convviz import LiveCallback

    timer, spent = EpochTimer(), [0.0]
    callbacks = [timer] + ([timed(LiveCallback(run_dir), spent)] if run_dir is not None else [])
    start = time.perf_counter()
    model.fit(dataset.x_train, dataset.y_train, batch_size=batch_size, epochs=epochs,
              validation_data=(dataset.x_val, dataset.y_val), callbacks=callbacks, verbose=0)
    return time.perf_counter() - start, _rate(len(dataset.x_train), timer.seconds), spent[0]


def main(argv=None) -> int:
    """Run the bench and print its table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import keras

    from convviz.training.data import load_dataset
    from convviz.training.models import build_model

    dataset = load_dataset("mnist")
    keras.utils.set_random_seed(0)
    model = build_model("seed")
    folder = Path(tempfile.mkdtemp(prefix="bench-live-"))
    results = {"fit": [], "fit + LiveCallback": []}
    try:
        one_fit(model, dataset, 2, args.batch_size, None)  # tracing, first-epoch stalls
        for repeat in range(args.repeats):  # alternate, so drifts of the machine hit both alike
            results["fit"].append(one_fit(model, dataset, args.epochs, args.batch_size, None))
            run_dir = folder / f"run-{repeat}"
            results["fit + LiveCallback"].append(one_fit(model, dataset, args.epochs, args.batch_size, run_dir))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base_wall = statistics.median(wall for wall, _, _ in results["fit"])
    base_rate = statistics.median(rate for _, rate, _ in results["fit"])
    rows = []
    for name, runs in results.items():
        wall, rate = statistics.median(w for w, _, _ in runs), statistics.median(r for _, r, _ in runs)
        inside = statistics.median(s for _, _, s in runs)
        rows.append({"what": name, "fit wall s": wall, "wall ratio": wall / base_wall,
                     "samples/s (epochs 2+)": rate, "speed ratio": rate / base_rate,
                     "s inside callback": inside, "inside / baseline wall": inside / base_wall})
    pairs = [live[0] / plain[0] for plain, live in zip(results["fit"], results["fit + LiveCallback"])]
    rows[1]["median pair wall ratio"] = statistics.median(pairs)  # each pair ran back to back
    rows[0]["median pair wall ratio"] = 1.0
    report(f"LiveCallback overhead ({args.epochs} epochs, {len(dataset.x_train):,} digits, "
           f"median of {args.repeats})", rows, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
