"""The house rules on size hold for every module: small files, short functions, documented API.

Read as a newcomer would, a file you cannot review in one sitting is two files; these checks
keep that true as the code grows (limits from the developers' guide).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "convviz"
MODULE_LIMIT, WIDGET_LIMIT, FUNCTION_LIMIT = 400, 300, 60
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_package_is_found():
    assert len(SOURCES) > 50


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_module_is_short(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    limit = WIDGET_LIMIT if "ui" in path.relative_to(PACKAGE).parts[:1] else MODULE_LIMIT
    assert lines <= limit, f"{_name(path)} has {lines} lines (limit {limit}): split it"


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_functions_are_short(path):
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
            for node in ast.walk(_tree(path))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > FUNCTION_LIMIT]
    assert not long, f"{_name(path)}: over {FUNCTION_LIMIT} lines: {', '.join(long)}"


def _public_definitions(tree: ast.Module):
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            yield node
            if isinstance(node, ast.ClassDef):
                yield from (item for item in node.body
                            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                            and not item.name.startswith("_"))


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_public_functions_have_docstrings(path):
    tree = _tree(path)
    missing = [node.name for node in _public_definitions(tree) if ast.get_docstring(node) is None]
    assert ast.get_docstring(tree) is not None or path.name == "__main__.py", f"{_name(path)} has no module docstring"
    assert not missing, f"{_name(path)}: no docstring on {', '.join(missing)}"
