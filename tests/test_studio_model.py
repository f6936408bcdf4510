"""Studio computations without widgets: presets, inputs, steps and the written-out arithmetic."""

import re

import numpy as np
import pytest

from convviz.arithmetic import conv2d, conv_output_shape, pool2d, pool_output_shape
from convviz.arithmetic.presets import (
    KERNEL_PRESETS, SEED_INPUT, SEED_KERNEL, checker_input, kernel_preset, preset_sizes, resize_kernel,
)
from convviz.assets import bundled_digits
from convviz.ui.studio.dot_product_view import dot_product_text
from convviz.ui.studio.formula_panel import KERAS_NOTE, formula_lines
from convviz.core.studio import StudioSettings, compute_studio
from convviz.core.studio_text import settings_slug


@pytest.mark.parametrize("size", [(1, 1), (2, 3), (3, 3), (4, 4), (5, 2), (9, 9)])
def test_identity_preset_with_same_padding_returns_the_input(size):
    x = np.random.default_rng(1).integers(-5, 9, (11, 10))
    assert np.array_equal(conv2d(x, kernel_preset("identity", size), padding="same"), x)


@pytest.mark.parametrize("name", ["box", "gaussian"])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, (3, 5)])
def test_blur_presets_average_so_a_constant_map_stays_constant(name, size):
    x = np.full((12, 12), 6.0)
    out = conv2d(x, kernel_preset(name, size))
    assert np.allclose(out, 6.0)


@pytest.mark.parametrize("size", [3, 5])
def test_sobel_laplacian_sharpen_respond_as_their_names_say(size):
    ramp_x = np.tile(np.arange(12.0), (12, 1))  # values grow to the right
    assert np.all(conv2d(ramp_x, kernel_preset("sobel-x", size)) > 0)
    assert np.allclose(conv2d(ramp_x, kernel_preset("sobel-y", size)), 0)
    assert np.allclose(conv2d(ramp_x, kernel_preset("laplacian", size)), 0)  # linear: no curvature
    assert np.allclose(conv2d(ramp_x, kernel_preset("sharpen", size)), ramp_x[: 13 - size, size // 2: 12 - size // 2])
    assert np.array_equal(kernel_preset("sobel-y", size), kernel_preset("sobel-x", size).T)


def test_fixed_size_presets_refuse_other_sizes():
    assert preset_sizes("sobel-x") == (3, 5) and preset_sizes("random") is None
    with pytest.raises(ValueError, match="3×3 and 5×5"):
        kernel_preset("laplacian", 4)
    with pytest.raises(ValueError, match="unknown kernel preset"):
        kernel_preset("emboss", 3)
    assert set(KERNEL_PRESETS) >= {"identity", "box", "gaussian", "sharpen", "sobel-x", "sobel-y",
                                   "laplacian", "random", "seed"}


def test_resize_kernel_keeps_the_centre():
    k = np.arange(9).reshape(3, 3)
    assert resize_kernel(k, (1, 1))[0, 0] == 4
    grown = resize_kernel(k, (5, 5))
    assert np.array_equal(grown[1:4, 1:4], k) and grown.sum() == k.sum()


def test_seed_example_matches_the_engine():
    result = compute_studio(StudioSettings())
    assert np.array_equal(result.x, SEED_INPUT) and np.array_equal(result.kernel, SEED_KERNEL)
    assert np.array_equal(result.output, conv2d(SEED_INPUT, SEED_KERNEL))
    assert [s.position for s in result.conv_steps] == [divmod(i, 3) for i in range(9)]


def test_checker_and_digit_inputs():
    board = checker_input(8)
    assert set(np.unique(board)) == {0, 1} and board[0, 0] != board[0, 2]
    result = compute_studio(StudioSettings(input_kind="digit", digit_index=17))
    images, labels = bundled_digits()
    assert np.array_equal(result.x, images[17])
    assert f"label {labels[17]}" in result.caption


@pytest.mark.parametrize("padding", ["valid", "same", ((2, 0), (1, 3))])
@pytest.mark.parametrize("stride,dilation", [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_steps_and_pool_follow_the_engine(padding, stride, dilation):
    x = np.random.default_rng(3).integers(0, 10, (10, 9))
    settings = StudioSettings(input_kind="draw", input_size=10, canvas=np.zeros((10, 10), np.int64),
                              kernel=kernel_preset("random", (3, 2), 4), stride=stride, padding=padding,
                              dilation=dilation, pool=True, pool_mode="max", pool_size=2)
    settings = settings.with_(canvas=np.pad(x, ((0, 0), (0, 1))))
    result = compute_studio(settings)
    expected = conv_output_shape((10, 10), (3, 2), stride, padding, dilation)
    assert result.output.shape == expected and len(result.conv_steps) == expected[0] * expected[1]
    assert result.pooled.shape == pool_output_shape(expected, 2)
    assert np.array_equal(result.pooled, pool2d(result.output, 2))
    assert result.n_steps == expected[0] * expected[1] + result.pooled.size


def test_kernel_that_does_not_fit_is_an_error_not_an_exception():
    settings = StudioSettings(input_kind="random", input_size=3, kernel=np.ones((5, 5)), kernel_preset="box")
    result = compute_studio(settings)
    with pytest.raises(ValueError) as engine:
        conv_output_shape((3, 3), (5, 5))
    assert result.error == str(engine.value) and result.n_steps == 0
    assert formula_lines(result)[-1] == ("error", str(engine.value))


def test_input_size_is_capped():
    result = compute_studio(StudioSettings(input_kind="random", input_size=10000))
    assert "between 3 and 64" in result.error


def _evaluate(text: str) -> float:
    body = text.split(" = ", 1)[1].rsplit(" = ", 1)[0]
    total = 0.0
    for term in body.split(" + "):
        a, b = term.replace("−", "-").replace("[", "").replace("]", "").split("×")
        total += float(a) * float(b)
    return total


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_dot_product_text_adds_up_to_the_output_cell(padding):
    x = np.random.default_rng(5).integers(0, 10, (6, 6))
    k = kernel_preset("random", 3, 2)
    result = compute_studio(StudioSettings(input_kind="draw", input_size=6, canvas=x, kernel=k,
                                           kernel_preset="random", padding=padding, stride=2))
    out = conv2d(x, k, stride=2, padding=padding)
    for step in result.conv_steps:
        text = dot_product_text("conv", step)
        assert text.startswith(f"out[{step.position[0]}, {step.position[1]}] = ")
        assert text.endswith(f"= {int(out[step.position])}".replace("-", "−"))
        assert _evaluate(text) == out[step.position]
        assert text.count("[") - 1 == int(step.window.is_padding.sum())  # "out[" + one per padding term


def test_long_dot_products_are_abbreviated():
    result = compute_studio(StudioSettings(input_kind="random", input_size=12, kernel=np.ones((9, 9), np.int64),
                                           kernel_preset="custom"))
    text = dot_product_text("conv", result.conv_steps[0])
    assert "68 more terms" in text and text.count("×") == 13
    assert text.endswith(f"= {int(result.output[0, 0])}")


def test_pool_text_names_the_winner_and_the_average():
    x = np.array([[1, 5, 2, 0], [3, 4, 8, 1], [0, 0, 1, 1], [2, 2, 1, 7]])
    base = StudioSettings(input_kind="draw", input_size=4, canvas=x, kernel=np.ones((1, 1), np.int64),
                          kernel_preset="custom", pool=True)
    step = compute_studio(base).pool_steps[1]
    assert dot_product_text("pool", step) == "pool[0, 1] = max(2, 0, 8, 1) = 8"
    avg = compute_studio(base.with_(pool_mode="avg")).pool_steps[3]
    assert dot_product_text("pool", avg) == f"pool[1, 1] = (1 + 1 + 1 + 7) / 4 = {pool2d(x, 2, mode='avg')[1, 1]:g}"


def test_formulas_and_notes_come_from_the_engine():
    from convviz.arithmetic import output_size_formula, same_padding_notes, same_size_notes

    settings = StudioSettings(input_kind="digit", kernel=kernel_preset("sobel-x", 5), kernel_preset="sobel-x",
                              stride=2, padding="same", dilation=2)
    lines = formula_lines(compute_studio(settings))
    texts = [text for _, text in lines]
    assert f"Output rows: {output_size_formula(28, 5, 2, 'same', 2).text}" in texts
    notes = [text for kind, text in lines if kind == "note"]
    assert KERAS_NOTE in notes
    for note in same_padding_notes(28, 5, 2, 2) + same_size_notes(28, 2):
        assert note in notes


def test_settings_slug_names_the_settings():
    slug = settings_slug(StudioSettings(stride=2, padding="same", pool=True, pool_size=3))
    assert re.fullmatch(r"seed5_k3x3-seed_s2_same_d1_maxpool3", slug)


def test_steps_are_made_on_demand_but_equal_the_engines():
    from convviz.arithmetic import conv_steps

    x = np.random.default_rng(8).integers(0, 10, (9, 9))
    settings = StudioSettings(input_kind="draw", input_size=9, canvas=x, padding="same", stride=2)
    steps = compute_studio(settings).conv_steps
    expected = list(conv_steps(x, SEED_KERNEL, 2, "same"))
    assert len(steps) == len(expected) == 25
    assert steps[-1].position == expected[-1].position and steps[3].value == expected[3].value
    assert [s.value for s in steps] == [s.value for s in expected]
    with pytest.raises(IndexError):
        steps[25]
