"""Start the Qt application and show the main window, then warm TensorFlow up in the background."""

from __future__ import annotations

import os
import sys
import threading


def configure_pyqtgraph() -> None:
    """Set pyqtgraph options once, before any view is built (row-major images, antialiasing)."""
    import pyqtgraph as pg

    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


def display_problem() -> str | None:
    """Return why no window can be opened here (Linux without a display), or None if it can."""
    if not sys.platform.startswith("linux"):
        return None
    if os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display found (DISPLAY and WAYLAND_DISPLAY are unset): run convviz in a desktop "
        "session, or use the headless commands (convviz animate / train / evaluate)"
    )


def _import_tensorflow_quietly() -> None:
    # Importing TensorFlow takes seconds; doing it now, off the GUI thread, means
    # pressing Train later does not wait for it. A failure here is reported by
    # whichever view needs TensorFlow, so it is ignored.
    try:
        from convviz.training.tf_quiet import quiet_tensorflow_import

        quiet_tensorflow_import()  # its start-up notes would otherwise land in the user's terminal
    except Exception:  # pragma: no cover - depends on the installation
        pass


def warm_up_tensorflow() -> threading.Thread:
    """Start importing TensorFlow in a daemon thread and return the thread."""
    thread = threading.Thread(target=_import_tensorflow_quietly, name="tf-warmup", daemon=True)
    thread.start()
    return thread


def build_window():
    """Build the main window with last launch's geometry, tab, zoom and theme (saved again on close)."""
    from convviz.ui.classroom import remember_window
    from convviz.ui.main_window import MainWindow

    window = MainWindow()
    window.memory = remember_window(window)
    return window


def run_gui(argv: list[str] | None = None) -> int:
    """Open the convviz window and run the Qt event loop; return its exit code."""
    problem = display_problem()
    if problem:
        print(f"convviz: error: {problem}", file=sys.stderr)
        return 2
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("convviz")
    app.setApplicationDisplayName("convviz")
    configure_pyqtgraph()
    window = build_window()
    window.show()
    QTimer.singleShot(200, warm_up_tensorflow)
    return app.exec()
