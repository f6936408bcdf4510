"""What the CLI and the studio import loads no window: the core and the CLI's parsing and studio
settings load neither Qt nor TensorFlow, training's data and models load no Qt, and
import-linter's contracts in pyproject.toml hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("PyQt6", "pyqtgraph", "tensorflow", "keras")
QT = ("PyQt6", "pyqtgraph")

CORE_AND_CLI = """
import sys
import numpy as np
import convviz.arithmetic
from convviz.app import build_parser
from convviz.cli.animate import build_settings
from convviz.core.errors import first_line
from convviz.core.gif_stream import write_frames_gif
from convviz.core.replay_request import StudioRequest, studio_request
from convviz.core.studio import StudioSettings, compute_studio
from convviz.core.studio_text import settings_slug
from convviz.core.tiling import tile_maps

args = build_parser().parse_args(["animate", "--input", "digit:3", "--pool", "max", "--out", "x.gif"])
result = compute_studio(build_settings(args))
assert result.n_steps == 26 * 26 + 13 * 13, result.n_steps
request = StudioRequest(np.arange(36.0).reshape(6, 6), np.ones((3, 3)), "map", cell=("conv", 2, 3))
landed = compute_studio(request.settings(StudioSettings()))
assert landed.step(landed.step_index(*request.cell))[1].position == (2, 3)
print(settings_slug(result.settings))
print("\\n".join(sorted(sys.modules)))
"""

TRAINING = """
import sys
import convviz.training.data, convviz.training.models
print("\\n".join(sorted(sys.modules)))
"""


def _modules_after(code: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def _loaded(modules: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(name for name in modules if name.split(".")[0] in roots)


def test_the_core_and_the_cli_settings_load_neither_qt_nor_tensorflow():
    modules = _modules_after(CORE_AND_CLI)
    assert {"numpy", "PIL.Image", "convviz.core.studio", "convviz.core.gif_stream", "convviz.cli.animate",
            "convviz.core.replay_request"} <= modules  # the check sees the imports
    assert "digit328_k3x3-seed_s1_valid_d1_maxpool2" in modules  # and the CLI's settings were computed
    loaded = _loaded(modules, HEAVY)
    assert not loaded, f"the core and the CLI's settings loaded {loaded[:5]}"


def test_training_data_and_models_load_no_qt():
    modules = _modules_after(TRAINING)
    assert {"convviz.training.data", "convviz.training.models"} <= modules
    loaded = _loaded(modules, QT)
    assert not loaded, f"training's data and models loaded {loaded[:5]}"


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
    for contract in ("The arithmetic engine is pure numpy", "Training code never touches Qt",
                     "The core needs no window"):
        assert f"{contract} KEPT" in report, report


def test_import_linter_contracts_are_kept():
    _assert_contracts_kept(*_run_lint_imports(REPO / "pyproject.toml"))
