"""The engine stays pure numpy: importing it (and training) loads neither Qt nor TensorFlow,
and import-linter's layer contracts in pyproject.toml hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("PyQt6", "pyqtgraph", "tensorflow", "keras")


def test_engine_and_training_import_without_qt_or_tensorflow():
    code = (
        "import sys\n"
        "import convviz.arithmetic, convviz.training\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    modules = set(result.stdout.split())
    assert {"numpy", "convviz.arithmetic", "convviz.training"} <= modules  # the check sees imports
    loaded = sorted(name for name in modules if name.split(".")[0] in HEAVY)
    assert not loaded, f"importing the engine loaded {loaded[:5]}"


def _lint_imports() -> str:
    beside_python = Path(sys.executable).with_name("lint-imports")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("lint-imports")
    if found is None:
        pytest.fail("lint-imports not found: install the test extras (pip install -e '.[test]')")
    return found


def _run_lint_imports(config: Path) -> tuple[int, str]:
    result = subprocess.run(
        [_lint_imports(), str(config), "--no-cache", "--no-logo"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    return result.returncode, result.stdout + result.stderr


def _assert_contracts_kept(returncode: int, report: str) -> None:
    assert returncode == 0, report
    assert "0 broken" in report, report
    for contract in ("The arithmetic engine is pure numpy", "Training code never touches Qt"):
        assert f"{contract} KEPT" in report, report


def test_import_linter_contracts_are_kept():
    _assert_contracts_kept(*_run_lint_imports(REPO / "pyproject.toml"))
