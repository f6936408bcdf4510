"""Time from process start to a visible convviz window, against a bare QMainWindow.

Run: python tests/bench/bench_startup.py [--runs 5] [--json]
Each run is a fresh process (offscreen Qt unless a display is set); the figure is
the median. Target: convviz's window visible <= 1.5 s after launch.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from _report import report

_PROBE = r"""
import time, sys
start = float(sys.argv[1])
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
{build}
window.show()
def shown():
    print(time.time() - start, flush=True)
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""

BARE = "window = QMainWindow()"
CONVVIZ = (
    "from convviz.ui.launch import configure_pyqtgraph\n"
    "from convviz.ui.main_window import MainWindow\n"
    "configure_pyqtgraph()\n"
    "window = MainWindow()\n"
    "assert 'tensorflow' not in sys.modules, 'tensorflow imported before the window'"
)


def time_to_window(build: str) -> float:
    """Launch a fresh interpreter that shows a window; return seconds until it is shown."""
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(build=build), repr(start)],
        capture_output=True, text=True, env=env, check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure and print the startup figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    bare, app = [], []
    for _ in range(args.runs):  # interleaved so both see the same machine noise
        bare.append(time_to_window(BARE))
        app.append(time_to_window(CONVVIZ))
    bare_s, app_s = statistics.median(bare), statistics.median(app)
    report(
        "time to a visible window",
        [
            {"what": "bare QMainWindow", "seconds": bare_s, "ratio": 1.0, "target": "-"},
            {"what": "convviz MainWindow", "seconds": app_s, "ratio": app_s / bare_s,
             "target": "<= 1.5 s", "met": app_s <= 1.5},
        ],
        args.json,
    )


if __name__ == "__main__":
    main()
