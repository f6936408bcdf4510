"""Training speed with the Training tab live, against headless training, and GUI responsiveness.

Run: ``python tests/bench/bench_training_gui.py [--epochs 3] [--repeats 2] [--json]``
(offscreen Qt unless QT_QPA_PLATFORM is set; offline, on the bundled 10,000-digit sample).

Rows, all measured in this process with the same model ("seed"), data and batch size:

* ``fit-numpy``: plain ``model.fit`` on numpy arrays, no GUI (the baseline the target names);
* ``session``: ``TrainingSession.run`` with a no-op receiver, no GUI (what the tab runs);
* ``tab/<panel>``: the session inside a shown TrainingTab, with curves, progress and the
  ``<panel>`` page (activations or filters) redrawing live; a 10 ms heartbeat QTimer measures
  how late the GUI thread answers (p50/p99/max) and ``gui_cpu`` is the GUI thread's CPU share.
  "every batch sent" turns off the bundling of batch events (one queued signal per batch);
  "no heartbeat" is the tab alone (the 100 Hz heartbeat itself wakes the GUI thread).

samples/s is measured from batch-end times inside each epoch after the first (tracing and
warm-up), medians over the repeats; ``x_fit`` and ``x_session`` are ratios to the baselines.
``close_s`` is how long closing the tab takes while a run is mid-epoch.
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import report  # noqa: E402

HEARTBEAT_MS = 10


def rate_from_batches(times_by_epoch: dict[int, list[float]], batch_size: int) -> float:
    """Samples/s over the epochs after the first, from each batch's end time."""
    batches, seconds = 0, 0.0
    for epoch, times in sorted(times_by_epoch.items()):
        if epoch == 0 or len(times) < 2:
            continue
        batches += len(times) - 1
        seconds += times[-1] - times[0]
    return batches * batch_size / seconds if seconds else float("nan")


def bench_fit_numpy(dataset, epochs: int, batch_size: int) -> float:
    """Plain Keras fit on numpy arrays, as the tutorial trains."""
    import keras

    from convviz.training.models import build_model

    keras.utils.set_random_seed(0)
    model = build_model("seed")
    times: dict[int, list[float]] = {}

    class Recorder(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            times.setdefault(self.epoch, []).append(time.perf_counter())

    model.fit(dataset.x_train, dataset.y_train, batch_size=batch_size, epochs=epochs,
              validation_data=(dataset.x_val, dataset.y_val), callbacks=[Recorder()], verbose=0)
    return rate_from_batches(times, batch_size)


def _recorder(times: dict[int, list[float]]):
    from convviz.training.events import BatchEnd

    def record(event) -> None:
        if isinstance(event, BatchEnd):
            times.setdefault(event.epoch, []).append(time.perf_counter())

    return record


def bench_session(dataset, epochs: int, batch_size: int) -> float:
    """The session the tab runs, with nobody listening."""
    from convviz.training.session import TrainingConfig, TrainingSession

    times: dict[int, list[float]] = {}
    config = TrainingConfig(epochs=epochs, batch_size=batch_size)
    TrainingSession(config, dataset=dataset).run(_recorder(times))
    return rate_from_batches(times, batch_size)


def bench_tab(epochs: int, batch_size: int, panel: str, refresh_ms: int, coalesce: bool = True,
              heartbeat_on: bool = True) -> dict:
    """A shown TrainingTab training live; returns samples/s, heartbeat lateness and GUI CPU share."""
    import numpy as np
    from PyQt6.QtCore import QEventLoop, Qt, QTimer

    import convviz.training.session as session_module
    from convviz.ui.training.training_tab import TrainingTab

    times: dict[int, list[float]] = {}
    record = _recorder(times)

    class TimedSession(session_module.TrainingSession):
        """Times each batch where the session emits it, before the tab's bundling."""

        def run(self, emit):
            def timed(event):
                record(event)
                emit(event)

            super().run(timed)

    real_session = session_module.TrainingSession
    session_module.TrainingSession = TimedSession
    tab = TrainingTab()
    tab.resize(1340, 800)
    tab.show()
    tab.timer.setInterval(refresh_ms)
    if not coalesce:
        tab.forward_interval = 0.0
    tab.panels.setCurrentWidget(getattr(tab, panel))
    tab.controls.epochs.setValue(epochs)
    tab.controls.batch_size.setValue(batch_size)
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    tab.task_finished.connect(loop.quit)
    tab.start_training()
    session_module.TrainingSession = real_session
    if heartbeat_on:
        heartbeat.start(HEARTBEAT_MS)
    cpu_start, wall_start = time.thread_time(), time.perf_counter()
    loop.exec()
    gui_cpu = (time.thread_time() - cpu_start) / (time.perf_counter() - wall_start)
    heartbeat.stop()
    first_batch = min((t[0] for t in times.values()), default=wall_start)
    late = np.diff([t for t in ticks if t >= first_batch]) * 1000 - HEARTBEAT_MS if heartbeat_on else np.full(1, np.nan)
    tab.shutdown()
    tab.deleteLater()
    return {
        "rate": rate_from_batches(times, batch_size),
        "p50": float(np.percentile(late, 50)), "p99": float(np.percentile(late, 99)),
        "max": float(late.max()), "gui_cpu": gui_cpu,
    }


def bench_close(batch_size: int) -> tuple[float, bool]:
    """Seconds ``shutdown()`` takes when called mid-epoch (what closing the window costs), and
    whether the worker had ended by then (False: shutdown's wait ran out and left it behind)."""
    from PyQt6.QtCore import QEventLoop, QTimer

    from convviz.ui.training.training_tab import TrainingTab

    tab = TrainingTab()
    tab.show()
    tab.controls.epochs.setValue(20)
    tab.controls.batch_size.setValue(batch_size)
    loop = QEventLoop()
    tab.start_training()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if tab.event_counts["BatchEnd"] >= 30 else None)
    poll.start(20)
    loop.exec()
    poll.stop()
    start = time.perf_counter()
    tab.shutdown()
    seconds = time.perf_counter() - start
    ended = not tab.is_busy() or not tab.task.is_running()
    tab.deleteLater()
    return seconds, ended


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--refresh-ms", type=int, default=None, help="the tab's redraw interval (default: its own)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from PyQt6.QtWidgets import QApplication

    from convviz.training.data import load_dataset
    from convviz.ui.launch import configure_pyqtgraph
    from convviz.ui.training.training_tab import REFRESH_MS

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_pyqtgraph()
    refresh_ms = args.refresh_ms or REFRESH_MS
    dataset = load_dataset("mnist")
    fit, session = [], []
    tabs: dict[str, list[dict]] = {
        "activations": [], "filters": [], "activations, every batch sent": [], "activations, no heartbeat": []
    }
    # One untimed run first: the first tab of a process pays one-off costs (Qt and pyqtgraph
    # warm-up, first layout of every panel) that would otherwise land on whichever row runs first.
    bench_tab(1, args.batch_size, "activations", refresh_ms)
    app.processEvents()
    for _ in range(args.repeats):  # interleaved, so drift in machine load hits every row alike
        fit.append(bench_fit_numpy(dataset, args.epochs, args.batch_size))
        session.append(bench_session(dataset, args.epochs, args.batch_size))
        for panel, results in tabs.items():
            results.append(bench_tab(args.epochs, args.batch_size, panel.split(",")[0], refresh_ms,
                                     coalesce="every batch" not in panel, heartbeat_on="no heartbeat" not in panel))
            app.processEvents()
    fit_rate, session_rate = statistics.median(fit), statistics.median(session)
    rows = [
        {"run": "fit-numpy", "samples/s": fit_rate, "x_fit": 1.0, "x_session": fit_rate / session_rate},
        {"run": "session", "samples/s": session_rate, "x_fit": session_rate / fit_rate, "x_session": 1.0},
    ]
    for panel, results in tabs.items():
        rate = statistics.median(r["rate"] for r in results)
        rows.append({
            "run": f"tab/{panel} ({refresh_ms} ms redraw)", "samples/s": rate,
            "x_fit": rate / fit_rate, "x_session": rate / session_rate,
            **{key: statistics.median(r[key] for r in results) for key in ("p50", "p99", "max", "gui_cpu")},
        })
    close, ended = bench_close(args.batch_size)
    for row in rows:
        row.setdefault("p50", "-")
        row.setdefault("p99", "-")
        row.setdefault("max", "-")
        row.setdefault("gui_cpu", "-")
    rows.append({"run": "close mid-run", "samples/s": "-", "x_fit": "-", "x_session": "-",
                 "p50": "-", "p99": "-", "max": f"close_s {close:.2f}" + ("" if ended else " (left running)"),
                 "gui_cpu": "-"})
    report(f"Training tab live vs headless (seed, batch {args.batch_size}, {args.epochs} epochs, "
           f"lateness in ms of a {HEARTBEAT_MS} ms heartbeat)", rows, args.json)


if __name__ == "__main__":
    main()
