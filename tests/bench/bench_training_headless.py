"""Throughput of a TrainingSession (events + probes) against plain Keras fit, in one process.

Run: ``python tests/bench/bench_training_headless.py [--epochs 3] [--repeats 3] [--json]``. Prints
samples/s (median of the repeats, epoch 1 excluded as warm-up) for:

* ``fit-numpy``: ``model.fit`` on numpy arrays, as the tutorial does (the baseline);
* ``fit-tf.data``: ``model.fit`` on the session's tf.data pipeline, no callback;
* ``session``: ``TrainingSession.run`` with a no-op receiver, probing every 20 batches;

and the ratios against the baseline. Offline: uses the bundled 10,000-digit sample.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("CONVVIZ_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class EpochTimer:
    """A Keras callback recording the duration of every epoch's training batches."""

    def __new__(cls):
        import keras

        class _Timer(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.seconds = []

            def on_epoch_begin(self, epoch, logs=None):
                self._start = time.perf_counter()

            def on_train_batch_end(self, batch, logs=None):
                self._last = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.seconds.append(self._last - self._start)

        return _Timer()


def _rate(samples: int, epoch_seconds: list[float]) -> float:
    """Samples/s over the epochs after the first (tracing and warm-up)."""
    return samples * len(epoch_seconds[1:]) / sum(epoch_seconds[1:])


def bench_fit(dataset, epochs: int, batch_size: int, pipeline: bool) -> float:
    import keras

    from convviz.training.models import build_model
    from convviz.training.session import TrainingConfig, TrainingSession

    keras.utils.set_random_seed(0)
    model = build_model("seed")
    timer = EpochTimer()
    if pipeline:
        session = TrainingSession(TrainingConfig(batch_size=batch_size), dataset=dataset)
        steps = -(-len(dataset.x_train) // batch_size)
        model.fit(session._training_pipeline(), epochs=epochs, steps_per_epoch=steps,
                  callbacks=[timer], verbose=0, shuffle=False)
        samples = steps * batch_size
    else:
        model.fit(dataset.x_train, dataset.y_train, batch_size=batch_size, epochs=epochs,
                  callbacks=[timer], verbose=0)
        samples = len(dataset.x_train)
    return _rate(samples, timer.seconds)


def bench_session(dataset, epochs: int, batch_size: int) -> float:
    """Epoch spans as the fit timer measures them: from the previous EpochEnd to the last BatchEnd."""
    from convviz.training import events
    from convviz.training.session import TrainingConfig, TrainingSession

    last_batch, epoch_ends, steps = {}, {}, [0]

    def receive(event):
        if isinstance(event, events.BatchEnd):
            last_batch[event.epoch] = time.perf_counter()
            steps[0] = event.steps_per_epoch
        elif isinstance(event, events.EpochEnd):
            epoch_ends[event.epoch] = time.perf_counter()

    config = TrainingConfig(epochs=epochs, batch_size=batch_size, probe_every=20)
    TrainingSession(config, dataset=dataset).run(receive)
    spans = [0.0] + [last_batch[e] - epoch_ends[e - 1] for e in range(1, epochs)]
    return _rate(steps[0] * batch_size, spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--json", action="store_true", help="print only one JSON object with the figures")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _report import report

    from convviz.training.data import load_dataset

    dataset = load_dataset("mnist")
    if not args.json:
        print(f"data: {dataset.source}; {len(dataset.x_train):,} training samples, batch {args.batch_size}")
    runs = {
        "fit-numpy": lambda: bench_fit(dataset, args.epochs, args.batch_size, pipeline=False),
        "fit-tf.data": lambda: bench_fit(dataset, args.epochs, args.batch_size, pipeline=True),
        "session": lambda: bench_session(dataset, args.epochs, args.batch_size),
    }
    results = {name: [] for name in runs}
    for _ in range(args.repeats):  # interleaved, so machine noise hits every variant alike
        for name, run in runs.items():
            results[name].append(run())
    baseline = statistics.median(results["fit-numpy"])
    rows = []
    for name, rates in results.items():
        median = statistics.median(rates)
        rows.append({"run": name, "samples/s": median, "x_fit_numpy": median / baseline,
                     "runs": ", ".join(f"{rate:,.0f}" for rate in rates)})
    report(f"Headless training throughput ({dataset.source}; batch {args.batch_size}, {args.epochs} epochs, "
           f"epoch 1 excluded)", rows, args.json)


if __name__ == "__main__":
    main()
