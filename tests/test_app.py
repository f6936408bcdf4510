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
