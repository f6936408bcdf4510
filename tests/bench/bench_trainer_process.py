"""The Training tab with its trainer process: GUI heartbeat, training speed, click to first batch, memory.

Run: ``python tests/bench/bench_trainer_process.py [--runs 20] [--epochs 3] [--json]`` (``--runs 100``
for the long soak; offscreen Qt unless QT_QPA_PLATFORM is set; offline, bundled digits).

Rows, each with its baseline measured in the same run:

* ``fit-numpy``: plain ``model.fit`` on numpy arrays of the same model, data and batch size, in a
  process of its own (the tab's training runs in one too);
* ``tab, activations page``: a run of the same length in the tab, activations page live; rate from
  the child's own per-epoch figures, epochs after the first; heartbeat: a 10 ms QTimer in the GUI
  process from the click on Train to the end (lateness p50 / p99 / max);
  Its baseline: the same heartbeat in this process, window idle, while fit-numpy trains;
* ``click to first batch``: cold (no trainer yet: TensorFlow imports in the child), first run on
  a warm trainer (TensorFlow imported, model not built yet), later runs (median);
* ``hand-off``: the heartbeat's worst lateness after the run until the tab is idle (the tab loads
  no model: Save model… copies the run's ``model.keras``);
* ``window after a run``: a whole window, heartbeat max for 3 s after each run's Finished with the
  Training tab on show (first run / later runs), then on first showing the Inspector, which loads
  its own copy of the ``.keras`` only then (the first load imports TensorFlow into the window);
  its baseline: the same window idle for 3 s (``--handoff-only`` measures just this row);
* ``window RSS``: the GUI process' resident memory after run 1 and after run N of short runs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("CONVVIZ_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CONVVIZ_TRAINER"] = "process"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import report  # noqa: E402

HEARTBEAT_MS = 10


def fit_numpy_rate(epochs: int, batch_size: int) -> float:
    """Samples/s of ``model.fit`` on numpy arrays, epochs after the first (epoch start to last batch)."""
    import keras

    from convviz.training.data import load_dataset
    from convviz.training.models import build_model

    data = load_dataset("mnist")
    keras.utils.set_random_seed(0)
    model = build_model("seed")
    marks: dict[int, list[float]] = {}

    class Recorder(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            marks[epoch] = [time.perf_counter()]

        def on_train_batch_end(self, batch, logs=None):
            marks[self.epoch].append(time.perf_counter())

    model.fit(data.x_train, data.y_train, batch_size=batch_size, epochs=epochs,
              validation_data=(data.x_val, data.y_val), callbacks=[Recorder()], verbose=0)
    rates = [(len(m) - 1) * batch_size / (m[-1] - m[0]) for e, m in marks.items() if e > 0]
    return statistics.median(rates)


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class Run:
    """One click on Train in ``tab`` and everything timed until the run is over."""

    def __init__(self, tab, epochs: int, limit: int | None, heartbeat: bool = False) -> None:
        from PyQt6.QtCore import QEventLoop, Qt, QTimer

        self.first_batch = None
        self.finished_at = float("inf")
        self.rates: dict[int, float] = {}
        self.ticks: list[float] = []
        tab.limit = limit
        tab.controls.epochs.setValue(epochs)
        loop = QEventLoop()
        tab.task_finished.connect(loop.quit)
        tab.link.events.connect(self._events)
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self.clicked = time.perf_counter()
        if heartbeat:
            timer.start(HEARTBEAT_MS)
        tab.controls.run_button.click()
        loop.exec()
        timer.stop()
        tab.task_finished.disconnect(loop.quit)
        tab.link.events.disconnect(self._events)
        self.error = tab.messages.text if tab.messages.level == "error" else ""

    def _events(self, events) -> None:
        for event in events:
            if type(event).__name__ == "BatchEnd":
                if self.first_batch is None:
                    self.first_batch = time.perf_counter() - self.clicked
                self.rates[event.epoch] = event.samples_per_second  # the last batch's: the epoch's rate
            elif type(event).__name__ == "Finished":
                self.finished_at = time.perf_counter()

    def lateness(self, training: bool = True):
        """Heartbeat lateness (ms) while training (click to Finished), or during the hand-off after it
        (the window loads its copy of the saved model)."""
        import numpy as np

        ticks = np.asarray(self.ticks)
        late = np.diff(ticks) * 1000 - HEARTBEAT_MS
        during = ticks[1:] <= self.finished_at
        return late[during] if training else late[~during]

    def rate(self) -> float:
        """Median samples/s of the epochs after the first, as the child measured them."""
        return statistics.median(rate for epoch, rate in self.rates.items() if epoch > 0)


def _new_tab():
    from convviz.ui.training.training_tab import TrainingTab

    tab = TrainingTab(trainer="process")
    tab.resize(1340, 800)
    tab.show()
    tab.panels.setCurrentWidget(tab.activations)
    return tab


def _wait_ready(tab) -> None:
    from PyQt6.QtCore import QEventLoop, QTimer

    loop, poll = QEventLoop(), QTimer()
    poll.timeout.connect(lambda: loop.quit() if tab.link.client.ready else None)
    poll.start(20)
    loop.exec()
    poll.stop()


def measure(args) -> list[dict]:
    """Every row of the report (see the module docstring)."""
    tab = _new_tab()
    cold = Run(tab, epochs=1, limit=1000, heartbeat=True)  # no trainer yet: the click starts one
    lives, baselines, idle_lates = [], [], []
    for _ in range(args.repeats):  # alternated: the machine's load drifts between the two
        lives.append(Run(tab, epochs=args.epochs, limit=None, heartbeat=True))
        rate, idle = _baseline(args.epochs)
        baselines.append(rate)
        idle_lates.append(idle)
    live = max(lives, key=lambda run: _p99(run.lateness()))  # the worst heartbeat of the repeats
    live_rate = statistics.median(run.rate() for run in lives)
    baseline, idle_late = statistics.median(baselines), max(idle_lates, key=_p99)
    warm = [Run(tab, epochs=1, limit=1000).first_batch for _ in range(3)]
    rss = [_rss_mb()]
    for _ in range(args.runs - 1):
        Run(tab, epochs=1, limit=1000)
        rss.append(_rss_mb())
    tab.shutdown()
    tab.deleteLater()
    fresh = _new_tab()  # first run on a warm trainer: TensorFlow imported, this model never built
    fresh.warm_up()
    _wait_ready(fresh)
    first_warm = Run(fresh, epochs=1, limit=1000).first_batch
    fresh.shutdown()
    late = live.lateness()
    cold_late = cold.lateness()
    handoff = max(live.lateness(training=False).max(initial=0), cold.lateness(training=False).max(initial=0))
    errors = [run.error for run in (cold, live) if run.error]
    return [
        {"what": "training, activations page live (samples/s)", "figure": round(live_rate),
         "baseline": f"fit-numpy {baseline:.0f}", "ratio": round(live_rate / baseline, 3), "target": ">= 0.95"},
        {"what": "heartbeat lateness, warm run, p50/p99/max ms",
         "figure": "/".join(f"{v:.1f}" for v in (statistics.median(late), _p99(late), late.max())),
         "baseline": "idle window, fit-numpy training: " + "/".join(
             f"{v:.1f}" for v in (statistics.median(idle_late), _p99(idle_late), idle_late.max())),
         "ratio": "-", "target": "p99 <= 15, max <= 50"},
        {"what": "heartbeat lateness, cold first run, p50/p99/max ms",
         "figure": "/".join(f"{v:.1f}" for v in (statistics.median(cold_late), _p99(cold_late), cold_late.max())),
         "baseline": "-", "ratio": "-", "target": "p99 <= 15, max <= 50"},
        {"what": "heartbeat max during the hand-off (Finished to idle; the tab loads no .keras)",
         "figure": f"{handoff:.0f} ms", "baseline": "-", "ratio": "-", "target": "-"},
        {"what": "click to first batch: cold / first on warm trainer / warm (s)",
         "figure": f"{cold.first_batch:.2f} / {first_warm:.2f} / {statistics.median(warm):.2f}",
         "baseline": "-", "ratio": "-", "target": "warm <= 1 s"},
        {"what": f"window RSS after run 1 / run {args.runs} (MB)", "figure": f"{rss[0]:.0f} / {rss[-1]:.0f}",
         "baseline": f"run 1: {rss[0]:.0f}", "ratio": round(rss[-1] / rss[0], 3), "target": "<= 1.10"},
        *({"what": "errors", "figure": e, "baseline": "", "ratio": "", "target": ""} for e in errors),
    ]


def _baseline(epochs: int):
    """fit-numpy's rate, in a process of its own, and the heartbeat of this GUI process meanwhile
    (event loop idle: what the machine's load alone does to a 10 ms timer)."""
    import numpy as np
    from PyQt6.QtCore import QEventLoop, Qt, QTimer

    ticks: list[float] = []
    loop, heartbeat, poll = QEventLoop(), QTimer(), QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result = pool.apply_async(fit_numpy_rate, (epochs, 64))
        poll.timeout.connect(lambda: loop.quit() if result.ready() else None)
        poll.start(50)
        heartbeat.start(HEARTBEAT_MS)
        loop.exec()
        heartbeat.stop()
        poll.stop()
        return result.get(), np.diff(ticks) * 1000 - HEARTBEAT_MS


def _beat(seconds: float, ticks: list) -> None:
    """Run the event loop ``seconds`` with a 10 ms heartbeat appending to ``ticks``."""
    from PyQt6.QtCore import QEventLoop, Qt, QTimer

    loop, heartbeat = QEventLoop(), QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(HEARTBEAT_MS)
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    heartbeat.stop()


def _late_max(ticks, after: float = 0.0) -> float:
    import numpy as np

    ticks = np.asarray(ticks)
    late = (np.diff(ticks) * 1000 - HEARTBEAT_MS)[ticks[1:] > after]
    return float(late.max(initial=0))


def window_handoff() -> dict:
    """The ``window after a run`` row: a MainWindow, three short runs, then the Inspector shown."""
    from convviz.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    tab, idle, after_runs, shown = window.training, [], [], []
    for _ in range(3):
        run = Run(tab, epochs=1, limit=300, heartbeat=True)
        _beat(3.0, run.ticks)
        after_runs.append(_late_max(run.ticks, run.finished_at))
    _beat(3.0, idle)
    window.tabs.setCurrentWidget(window.inspector)
    _beat(3.0, shown)
    error = window.inspector.messages.text if window.inspector.info is None else ""
    window.close()
    return {"what": "window after a run: heartbeat max, Training tab on show 3 s after Finished, "
                    "first run / later runs; then first showing the Inspector (loads the .keras)",
            "figure": f"{after_runs[0]:.0f} / {max(after_runs[1:]):.0f} ms; Inspector {_late_max(shown):.0f} ms"
                      + (f" ({error})" if error else ""),
            "baseline": f"idle window: {_late_max(idle):.0f} ms", "ratio": "-", "target": "-"}


def _p99(values) -> float:
    import numpy as np

    return float(np.percentile(values, 99))


def main(argv: list[str] | None = None) -> None:
    """Measure and print the table (``--json``: one JSON object)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="short runs for the memory figure (100: the soak)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2, help="live runs and baselines, alternated (medians)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--handoff-only", action="store_true", help="only the 'window after a run' row")
    args = parser.parse_args(argv)

    from PyQt6.QtWidgets import QApplication

    from convviz.ui.launch import configure_pyqtgraph

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_pyqtgraph()
    import tempfile

    with tempfile.TemporaryDirectory() as runs:
        os.environ["CONVVIZ_RUNS_DIR"] = runs
        rows = [] if args.handoff_only else measure(args)
        rows.append(window_handoff())
    report("Training tab with its trainer process", rows, args.json)
    del app


if __name__ == "__main__":
    main()
