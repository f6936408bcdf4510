"""Start the Qt application and show the main window."""

from __future__ import annotations

import sys


def configure_pyqtgraph() -> None:
    """Set pyqtgraph options once, before any view is built (row-major images, antialiasing)."""
    import pyqtgraph as pg

    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


def run_gui(argv: list[str] | None = None) -> int:
    """Open the convviz window and run the Qt event loop; return its exit code."""
    from PyQt6.QtWidgets import QApplication

    from convviz.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("convviz")
    configure_pyqtgraph()
    window = MainWindow()
    window.show()
    return app.exec()
