"""Formulas with numbers, the textbook-shortcut notes, and the seed tutorial's own examples.

A formula's text is evaluated independently (its numbers parsed and computed here), so
the text a student reads is proven to come out at the value the engine uses.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest

from convviz.arithmetic import (
    conv2d,
    conv_output_shape,
    conv_output_size,
    conv_steps,
    output_size_formula,
    pool2d,
    pool_output_formula,
    pool_output_shape,
    pool_size_notes,
    same_padding,
    same_padding_formula,
    same_padding_notes,
    same_size_notes,
)

SEED = 20261127


def evaluate(expression: str) -> int:
    """Evaluate a formula's arithmetic (floor, ceil, max, ×, +, -, /) exactly, with Fractions."""
    python = expression.replace("×", "*")
    assert re.fullmatch(r"[0-9+\-*/(), a-z]*", python), expression
    python = re.sub(r"(\d+)", r"Fraction(\1)", python)
    names = {"Fraction": Fraction, "floor": math.floor, "ceil": math.ceil, "max": max}
    return eval(python, {"__builtins__": {}}, names)  # noqa: S307  (digits and operators only)


def equations(text: str) -> list[tuple[str, int]]:
    """Split "expr = value;  expr = value" into (expr, value) pairs."""
    pairs = []
    for part in text.split(";"):
        expression, _, value = part.strip().rpartition("=")
        pairs.append((expression.strip(), int(value)))
    return pairs


def _configs(count: int, offset: int):
    rng = np.random.default_rng([SEED, offset])
    for _ in range(count):
        n, kernel = int(rng.integers(1, 33)), int(rng.integers(1, 8))
        stride, dilation = int(rng.integers(1, 5)), int(rng.integers(1, 4))
        choice = int(rng.integers(4))
        explicit = tuple(int(p) for p in rng.integers(0, 4, 2))
        padding = ["valid", "same", int(rng.integers(0, 4)), explicit][choice]
        yield n, kernel, stride, padding, dilation


def test_output_size_formula_text_evaluates_to_its_value():
    checked = 0
    for n, kernel, stride, padding, dilation in _configs(600, 1):
        config = (n, kernel, stride, padding, dilation)
        try:
            expected = conv_output_size(n, kernel, stride, padding, dilation)
        except ValueError:
            with pytest.raises(ValueError):
                output_size_formula(n, kernel, stride, padding, dilation)
            continue
        formula = output_size_formula(n, kernel, stride, padding, dilation)
        assert formula.value == expected, config
        parts = equations(formula.text)
        assert len(parts) == (2 if padding == "same" else 1), formula.text
        for expression, value in parts:
            assert value == expected, (config, formula.text)
            assert evaluate(expression) == expected, (config, formula.text)
        assert str(n) in formula.text and str(stride) in formula.text
        checked += 1
    assert checked > 300


def test_same_padding_formula_text_evaluates_to_the_split():
    rng = np.random.default_rng([SEED, 2])
    for n, kernel, stride, dilation in rng.integers((1, 1, 1, 1), (33, 8, 5, 4), (300, 4)).tolist():
        before, after = same_padding(n, kernel, stride, dilation)
        formula = same_padding_formula(n, kernel, stride, dilation)
        assert formula.value == before + after
        total_part, _, split_part = formula.text.partition("→")
        expression, value = equations(total_part.removeprefix("total =").strip())[0]
        assert evaluate(expression) == value == before + after, formula.text
        assert re.fullmatch(rf"\s*{before} before, {after} after", split_part), formula.text


def test_pool_output_formula_text_evaluates_to_the_pooled_size():
    rng = np.random.default_rng([SEED, 3])
    for _ in range(300):
        n, size = int(rng.integers(1, 33)), int(rng.integers(1, 6))
        stride = None if rng.random() < 0.4 else int(rng.integers(1, 5))
        padding = ["valid", "same"][int(rng.integers(2))]
        try:
            expected = pool_output_shape((n, n), size, stride, padding)[0]
        except ValueError:
            with pytest.raises(ValueError, match="pool window"):
                pool_output_formula(n, size, stride, padding)
            continue
        formula = pool_output_formula(n, size, stride, padding)
        assert formula.value == expected
        for expression, value in equations(formula.text):
            assert evaluate(expression) == value == expected, formula.text


def test_the_dilated_span_is_bracketed_so_the_text_reads_right():
    formula = output_size_formula(7, 3, 1, "valid", 2)
    assert "- ((3 - 1)×2 + 1)" in formula.text
    assert evaluate(equations(formula.text)[0][0]) == formula.value == 3


# ---- the shortcut notes ---------------------------------------------------------------------


def _windows_by_counting(n: int, size: int, stride: int, before: int, after: int) -> int:
    """How many window positions fit, counted one by one."""
    return sum(1 for start in range(0, n + before + after) if start % stride == 0
               and start + size <= n + before + after)


def test_same_padding_note_appears_exactly_when_the_shortcut_is_wrong():
    rng = np.random.default_rng([SEED, 4])
    for n, kernel, stride, dilation in rng.integers((1, 1, 1, 1), (33, 8, 5, 4), (400, 4)).tolist():
        span = (kernel - 1) * dilation + 1
        shortcut = Fraction(span - 1, 2)
        before, after = same_padding(n, kernel, stride, dilation)
        notes = same_padding_notes(n, kernel, stride, dilation)
        wrong = not (shortcut == before == after)
        assert bool(notes) == wrong, (n, kernel, stride, dilation, notes)
        if notes:
            assert len(notes) == 1 and "\n" not in notes[0]
            assert f"pads {before} before and {after} after" in notes[0]
            assert ("extra cell" in notes[0]) == (after > before), notes[0]


@pytest.mark.parametrize("kernel", range(1, 8))
def test_same_padding_shortcut_is_wrong_exactly_for_even_kernels_at_stride_1(kernel):
    for n in range(1, 20):
        notes = same_padding_notes(n, kernel)
        assert bool(notes) == (kernel % 2 == 0), (n, kernel, notes)


def test_same_size_note_appears_exactly_when_same_changes_the_size():
    for n in range(1, 30):
        for stride in range(1, 6):
            out = conv_output_size(n, 3, stride, "same")
            assert bool(same_size_notes(n, stride)) == (out != n), (n, stride)


def test_pool_size_note_appears_exactly_when_input_over_pool_size_is_wrong():
    rng = np.random.default_rng([SEED, 5])
    for _ in range(400):
        n, size = int(rng.integers(1, 33)), int(rng.integers(1, 6))
        stride = None if rng.random() < 0.5 else int(rng.integers(1, 5))
        if size > n:
            continue
        real = _windows_by_counting(n, size, size if stride is None else stride, 0, 0)
        notes = pool_size_notes(n, size, stride)
        shortcut = Fraction(n, size)
        assert bool(notes) == (shortcut != real), (n, size, stride, notes)
        if notes:
            assert f"the real output is {real}" in notes[0]
            assert ("does not divide" in notes[0]) == (n % size != 0), notes[0]
            assert ("stride" in notes[0]) == (stride not in (None, size)), notes[0]


def test_pool_size_note_with_padding_that_adds_windows():
    notes = pool_size_notes(4, 2, padding=1)
    assert notes and "padding adds windows" in notes[0] and "real output is 3" in notes[0]
    assert pool_output_formula(4, 2, padding=1).value == _windows_by_counting(4, 2, 2, 1, 1) == 3


# ---- the seed tutorial's own examples -------------------------------------------------------


def test_tutorial_5x5_input_3x3_kernel_valid_gives_3x3_from_9_positions():
    x, w = np.arange(25).reshape(5, 5), np.ones((3, 3), dtype=int)
    assert conv_output_shape((5, 5), 3) == (3, 3)
    steps = list(conv_steps(x, w))
    assert len(steps) == 9
    out = conv2d(x, w)
    assert out.shape == (3, 3)
    assert out[0, 0] == x[:3, :3].sum() and out[2, 2] == x[2:, 2:].sum()


def test_tutorial_same_padding_keeps_5x5_with_one_cell_each_side():
    assert same_padding(5, 3) == (1, 1)
    assert conv_output_shape((5, 5), 3, padding="same") == (5, 5)
    assert conv2d(np.ones((5, 5)), np.ones((3, 3)), padding="same")[0, 0] == 4  # corner: 2x2 real
    assert same_padding_notes(5, 3) == []  # "(3 - 1) / 2 = 1" is right here


def test_tutorial_stride_2_downsamples_by_two():
    assert conv_output_shape((5, 5), 3, stride=2) == (2, 2)
    assert len(list(conv_steps(np.ones((5, 5)), np.ones((3, 3)), stride=2))) == 4
    assert conv_output_shape((28, 28), 3, stride=2, padding="same") == (14, 14)


def test_tutorial_2x2_max_pool_halves_a_28x28_map():
    x = np.random.default_rng(SEED).normal(size=(28, 28, 32))
    out = pool2d(x, 2)
    assert out.shape == (14, 14, 32)
    assert out[3, 5, 7] == x[6:8, 10:12, 7].max()
    assert pool_size_notes(28, 2) == []  # the tutorial's "input / pool size" holds here
    assert pool_output_shape((13, 13), 2) == (6, 6) and pool_size_notes(13, 2)
