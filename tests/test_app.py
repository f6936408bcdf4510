"""The package starts: version, main window with its three tabs, and no TensorFlow at startup."""

import subprocess
import sys

import convviz
from convviz.app import main


def test_version_flag_prints_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert capsys.readouterr().out.strip() == f"convviz {convviz.__version__}"


def test_python_m_convviz_runs():
    result = subprocess.run(
        [sys.executable, "-m", "convviz", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert convviz.__version__ in result.stdout


def test_main_window_has_title_and_three_tabs(qtbot):
    from convviz.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "convviz"
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert tabs == ["Studio", "Training", "Inspector"]


def _modules_after_import(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return set(result.stdout.split())


def test_window_modules_do_not_import_tensorflow():
    modules = _modules_after_import(
        "import convviz.app, convviz.ui.launch, convviz.ui.main_window"
    )
    assert "PyQt6.QtWidgets" in modules  # the check itself sees imports
    assert not {"tensorflow", "keras"} & modules


def test_engine_and_training_do_not_import_qt():
    modules = _modules_after_import("import convviz.arithmetic, convviz.training")
    assert "numpy" in modules
    assert not any(name.split(".")[0] in ("PyQt6", "pyqtgraph") for name in modules)


def test_gui_refuses_cleanly_without_a_display():
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "convviz"], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 2
    assert "no display" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_view_menu_switches_tabs(qtbot):
    from convviz.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    view_menu = [a.menu() for a in window.menuBar().actions() if a.text() == "&View"][0]
    view_menu.actions()[2].trigger()
    assert window.tabs.currentWidget() is window.inspector
    view_menu.actions()[0].trigger()
    assert window.tabs.currentWidget() is window.studio
