"""Soak: many training runs in ONE app session; memory and threads must not creep up.

Run: ``python tests/bench/bench_soak.py [--minutes 20] [--limit 2000] [--epochs 1] [--json]``
(offscreen Qt unless QT_QPA_PLATFORM is set; offline, on the bundled digits).

A real :class:`~convviz.ui.main_window.MainWindow` is shown; on its Training tab the Train
button is clicked, and the run is awaited through the tab's ``task_finished`` signal, again
and again until ``--minutes`` have passed. After each run (once its worker thread has ended)
the process's resident memory (VmRSS of /proc/self/status) and threads are read: Python
threads (``threading.active_count()``), OS threads (/proc/self/task) and QThreads still
running (``py_dummy_threads``, foreign threads Python saw, is shown but not judged: the OS
count already covers them). The baseline is the state after the first run (TensorFlow's import, its thread pools
and the first traced functions all land in run 1). Targets: RSS after the last run at most
10% above the baseline, and no thread count above its baseline. ``--max-rss-mb`` (4096) ends
the soak early, target missed, rather than let a leak exhaust the machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("CONVVIZ_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import machine, report  # noqa: E402

RSS_GROWTH_TARGET = 0.10
RUN_TIMEOUT_S = 600


def rss_mb() -> float:
    """Resident memory of this process in MB (VmRSS)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def python_threads() -> tuple[int, int]:
    """(threads Python started, foreign threads Python merely saw: QThreads or TensorFlow's own
    pools that ran Python code get a ``_DummyThread`` entry, which is not a thread of ours)."""
    dummies = sum(isinstance(t, threading._DummyThread) for t in threading.enumerate())
    return threading.active_count() - dummies, dummies


def os_threads() -> int:
    """Threads of this process as the kernel sees them."""
    return len(os.listdir("/proc/self/task"))


def running_qthreads() -> int:
    """QThread objects known to Python that are still running."""
    from PyQt6.QtCore import QThread

    return sum(1 for obj in gc.get_objects() if isinstance(obj, QThread) and obj.isRunning())


def wait_for(app, condition, timeout_s: float, poll_s: float = 0.01) -> bool:
    """Process Qt events until ``condition()`` holds or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(poll_s)  # a bench, not a test: polling the event loop is fine here
    return True


def one_run(app, tab, idle_qthreads: int) -> float:
    """Click Train, wait for the tab's task_finished; return the seconds it took."""
    done = []
    tab.task_finished.connect(done.append)
    start = time.perf_counter()
    tab.controls.run_button.click()
    if not tab.is_busy():
        raise RuntimeError(f"the Train button did not start a run: {tab.messages.text}")
    finished = wait_for(app, lambda: bool(done), RUN_TIMEOUT_S)
    tab.task_finished.disconnect(done.append)
    if not finished:
        raise RuntimeError("a run did not finish within the timeout")
    if tab.messages.level == "error":
        raise RuntimeError(f"a run failed: {tab.messages.text}")
    seconds = time.perf_counter() - start
    # the worker's thread winds down just after the signal; the Inspector's thread always runs
    wait_for(app, lambda: running_qthreads() <= idle_qthreads, 30, poll_s=0.2)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0, help="how long to keep training (default 20)")
    parser.add_argument("--limit", type=int, default=2000, help="samples per split (default 2000)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--min-runs", type=int, default=3, help="at least this many runs, however short --minutes")
    parser.add_argument("--max-rss-mb", type=float, default=4096,
                        help="stop early (target missed) when RSS passes this, so a leak cannot exhaust the machine")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from PyQt6.QtWidgets import QApplication

    from convviz.ui.launch import configure_pyqtgraph
    from convviz.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_pyqtgraph()
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    tab = window.training
    window.tabs.setCurrentWidget(tab)
    tab.limit = args.limit
    tab.controls.epochs.setValue(args.epochs)
    start_rss, start_threads, idle_qthreads = rss_mb(), python_threads()[0], running_qthreads()

    rows: list[dict] = []
    began = time.monotonic()
    capped = False
    while len(rows) < args.min_runs or time.monotonic() - began < args.minutes * 60:
        if rows and rows[-1]["rss_mb"] > args.max_rss_mb:
            capped = True
            break
        seconds = one_run(app, tab, idle_qthreads)
        gc.collect()
        real, seen = python_threads()
        rows.append({"run": len(rows) + 1, "seconds": seconds, "rss_mb": rss_mb(),
                     "py_threads": real, "py_dummy_threads": seen, "os_threads": os_threads(),
                     "qthreads_running": running_qthreads()})
        rows[-1]["rss_vs_run1"] = rows[-1]["rss_mb"] / rows[0]["rss_mb"] - 1
        if not args.json:
            print(f"run {len(rows)}: {seconds:.1f} s, RSS {rows[-1]['rss_mb']:.0f} MB "
                  f"({rows[-1]['rss_vs_run1']:+.1%}), threads py {rows[-1]['py_threads']}+{rows[-1]['py_dummy_threads']} "
                  f"os {rows[-1]['os_threads']} qthreads {rows[-1]['qthreads_running']}", flush=True)
    window.close()
    app.processEvents()
    closed_qthreads = running_qthreads()

    first, last = rows[0], rows[-1]
    growth = last["rss_mb"] / first["rss_mb"] - 1
    peak = max(row["rss_mb"] for row in rows) / first["rss_mb"] - 1
    leaks = {key: max(row[key] for row in rows[1:]) - first[key] if len(rows) > 1 else 0
             for key in ("py_threads", "os_threads", "qthreads_running")}
    verdict = {
        "runs": len(rows), "stopped_at_rss_cap": capped, "minutes": (time.monotonic() - began) / 60,
        "rss_before_mb": start_rss, "rss_run1_mb": first["rss_mb"], "rss_last_mb": last["rss_mb"],
        "rss_growth": growth, "rss_peak_growth": peak, "rss_met": growth <= RSS_GROWTH_TARGET,
        "py_threads_before": start_threads, "qthreads_idle": idle_qthreads, "extra_threads_after_run1": leaks,
        "qthreads_running_after_close": closed_qthreads,
        "threads_met": all(v <= 0 for v in leaks.values()) and closed_qthreads == 0,
    }
    title = (f"Soak: {len(rows)} training runs in one MainWindow (limit {args.limit}, {args.epochs} epoch(s)); "
             f"baseline: after run 1")
    if args.json:
        print(json.dumps({"bench": title, "machine": machine(), "rows": rows, "verdict": verdict}, indent=2))
    else:
        report(title, rows)
        if capped:
            print(f"stopped early: RSS passed --max-rss-mb {args.max_rss_mb:g}")
        print(f"RSS: {start_rss:.0f} MB before, {first['rss_mb']:.0f} MB after run 1, {last['rss_mb']:.0f} MB after "
              f"run {len(rows)}: {growth:+.1%} (peak {peak:+.1%}); target <= +{RSS_GROWTH_TARGET:.0%}: "
              f"{'met' if verdict['rss_met'] else 'MISSED'}")
        print(f"threads above their run-1 count at any later run: {leaks}; QThreads running after close: "
              f"{closed_qthreads}; target none: {'met' if verdict['threads_met'] else 'MISSED'}")
    return 0 if verdict["rss_met"] and verdict["threads_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
