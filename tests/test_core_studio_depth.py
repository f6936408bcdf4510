"""The studio's core in depth, without Qt or Keras: every kind's output is the engine's full
function, the steps replay to it in the promised order, inputs have the channels asked for,
and the numbers are the engine's counts."""

import numpy as np
import pytest
from PIL import Image

from convviz.arithmetic import (
    conv1d,
    conv2d,
    conv2d_transpose,
    conv_mult_adds,
    conv_param_count,
    depthwise_conv2d,
    separable_conv2d,
)
from convviz.arithmetic.presets import kernel_preset
from convviz.assets import PHOTOS, bundled_photo
from convviz.core.studio import INPUT_KINDS, StudioSettings, compute_studio

SOBEL = kernel_preset("sobel-x", 3)
CASES = {
    "conv": dict(kind="conv", in_channels=3, filters=4, stride=(2, 1), padding="same"),
    "grouped": dict(kind="conv", in_channels=4, filters=6, groups=2, dilation=(1, 2)),
    "depthwise": dict(kind="depthwise", in_channels=3, depth_multiplier=2, stride=2, padding="same"),
    "separable": dict(kind="separable", in_channels=3, filters=5, depth_multiplier=2),
    "transposed": dict(kind="transposed", in_channels=2, filters=3, stride=2, padding="same",
                       output_padding=1),
    "conv1d": dict(kind="conv1d", in_channels=3, filters=2, stride=2, padding="same"),
}


def _settings(name, **more):
    base = dict(input_kind="photo", input_size=9, kernel=SOBEL, kernel_preset="sobel-x")
    return StudioSettings(**{**base, **CASES[name], **more})


def _engine(s, r):
    if s.kind == "conv":
        return conv2d(r.x, r.weights, s.stride, s.padding, s.dilation, groups=s.groups)
    if s.kind == "depthwise":
        return depthwise_conv2d(r.x, r.weights, s.stride, s.padding, s.dilation)
    if s.kind == "separable":
        return separable_conv2d(r.x, r.weights, r.pointwise, s.stride, s.padding, s.dilation)
    if s.kind == "transposed":
        return conv2d_transpose(r.x, r.weights, s.stride, s.padding, s.output_padding, s.dilation)
    return conv1d(r.x, r.weights, s.stride, s.padding, s.dilation, groups=s.groups)


def _replay(result):
    """Rebuild each stage's output from the steps alone, checking the play order on the way."""
    built = {"conv": np.zeros(result.output.shape), "pointwise": np.zeros(result.output.shape),
             "transpose": np.zeros(result.output.shape),
             "depthwise": np.zeros((result.middle if result.middle is not None else result.output).shape)}
    order = []
    for index in range(result.n_steps):
        stage, step = result.step(index)
        assert step.index == index
        if stage == "transpose":
            hit = step.cells[step.inside]
            built[stage][hit[:, 0], hit[:, 1], step.filter] += step.stamp[step.inside]
            order.append((stage, step.filter, *step.position))
            continue
        position = (step.position,) if np.ndim(step.position) == 0 else tuple(step.position)
        built[stage][(*position, step.filter)] = step.value
        assert step.total == pytest.approx(step.channel_dots.sum())
        order.append((stage, step.filter, *position))
    assert order == sorted(order, key=lambda o: ([n for n, _ in result.stages].index(o[0]), *o[1:]))
    return built


@pytest.mark.parametrize("name", CASES)
def test_every_kind_is_the_engines_full_function_and_its_steps_replay_to_it(name):
    settings = _settings(name)
    result = compute_studio(settings)
    assert result.error is None and result.in_depth
    np.testing.assert_array_equal(result.output, _engine(settings, result))
    built = _replay(result)
    stage = result.stages[-1][0]
    np.testing.assert_allclose(built[stage], result.output, atol=1e-9)
    if settings.kind == "separable":
        np.testing.assert_array_equal(built["depthwise"], result.middle)
        assert [n for n, _ in result.stages] == ["depthwise", "pointwise"]
    assert result.n_steps == sum(count for _, count in result.stages)


@pytest.mark.parametrize("name", CASES)
def test_step_index_finds_every_cell_of_every_filter(name):
    result = compute_studio(_settings(name))
    for index in range(0, result.n_steps, 7):
        stage, step = result.step(index)
        if np.ndim(step.position) == 0:
            assert result.step_index(stage, int(step.position), filter=step.filter) == index
        else:
            assert result.step_index(stage, *step.position, filter=step.filter) == index
    with pytest.raises(ValueError, match="filter 99 does not exist"):
        result.step_index(result.stages[0][0], 0, None if name == "conv1d" else 0, filter=99)
    with pytest.raises(ValueError, match="no pool stage"):
        result.step_index("pool", 0, 0)


def test_bias_and_activation_give_the_layers_output():
    s = _settings("conv", use_bias=True, bias=(1.5, -200, 0, 3), activation="relu")
    result = compute_studio(s)
    np.testing.assert_array_equal(result.activated, np.maximum(result.output + np.array(s.bias), 0))
    assert compute_studio(s.with_(bias=(1, 2))).error == (
        "the bias needs one value per output channel: 4, got 2")


def test_weights_start_from_the_preset_differ_per_filter_and_repeat_by_seed():
    result = compute_studio(_settings("conv"))
    w = result.weights
    assert w.shape == (3, 3, 3, 4) and w.dtype.kind == "i"
    np.testing.assert_array_equal(w[:, :, 0, 0], SOBEL)
    slices = {w[:, :, c, f].tobytes() for c in range(3) for f in range(4)}
    assert len({w[:, :, 0, f].tobytes() for f in range(4)}) == 4 and len(slices) > 4
    again = compute_studio(_settings("conv"))
    np.testing.assert_array_equal(again.weights, w)
    other = compute_studio(_settings("conv", random_seed=7))
    assert not np.array_equal(other.weights, w)
    shapes = {name: compute_studio(_settings(name)).weights.shape for name in CASES}
    assert shapes == {"conv": (3, 3, 3, 4), "grouped": (3, 3, 2, 6), "depthwise": (3, 3, 3, 2),
                      "separable": (3, 3, 3, 2), "transposed": (3, 3, 3, 2), "conv1d": (3, 3, 2)}
    assert compute_studio(_settings("separable")).pointwise.shape == (1, 1, 6, 5)


@pytest.mark.parametrize("channels", [1, 2, 3, 5, 8])
def test_the_photo_is_the_bundled_picture_with_the_channels_asked_for(channels):
    result = compute_studio(_settings("conv", in_channels=channels, input_size=16))
    x = result.x
    assert x.shape == (16, 16, channels) and len(result.channel_names) == channels
    pixels = bundled_photo(PHOTOS[0])
    side = min(pixels.shape[:2])
    top, left = (pixels.shape[0] - side) // 2, (pixels.shape[1] - side) // 2
    square = Image.fromarray(np.ascontiguousarray(pixels[top:top + side, left:left + side]))
    rgb = square.resize((16, 16), Image.Resampling.LANCZOS)
    grey = np.asarray(rgb.convert("L"))
    if channels == 1:
        np.testing.assert_array_equal(x[:, :, 0], grey)
        return
    np.testing.assert_array_equal(x[:, :, :min(channels, 3)], np.asarray(rgb)[:, :, :min(channels, 3)])
    if channels >= 5:
        np.testing.assert_array_equal(x[:, :, 3], grey)
        np.testing.assert_array_equal(x[:, :, 4], 255 - np.asarray(rgb)[:, :, 0])
        assert result.channel_names[3:5] == ("grey", "255−R")


@pytest.mark.parametrize("kind", [k for k in INPUT_KINDS if k != "model"])
def test_every_input_kind_gives_the_channels_asked_for(kind):
    size = {"seed": 5, "digit": 28}.get(kind, 10)
    result = compute_studio(_settings("conv", input_kind=kind, input_size=10, in_channels=4))
    assert result.error is None and result.x.shape == (size, size, 4)
    seq = compute_studio(_settings("conv1d", input_kind=kind, input_size=10, in_channels=4))
    assert seq.x.shape == (size, 4)
    np.testing.assert_array_equal(seq.x, result.x[size // 2])


def test_a_multi_channel_model_map_keeps_its_channels():
    fmap = np.random.default_rng(1).normal(size=(6, 6, 12))
    result = compute_studio(_settings("conv", input_kind="model", model_map=fmap, in_channels=1))
    assert result.error is None and result.x.shape == (6, 6, 12) and result.weights.shape[2] == 12


@pytest.mark.parametrize("name", CASES)
def test_numbers_are_the_engines_counts(name):
    s = _settings(name, use_bias=True)
    result = compute_studio(s)
    n = result.numbers
    engine_kind = {"transposed": "transpose"}.get(s.kind, s.kind)
    kernel = 3 if s.kind == "conv1d" else (3, 3)
    filters = None if s.kind == "depthwise" else s.filters
    assert n.params == conv_param_count(kernel, s.in_channels, filters, engine_kind, True,
                                        s.depth_multiplier, s.groups)
    shape = result.x.shape[:1] if s.kind == "conv1d" else result.x.shape[:2]
    assert n.mult_adds == conv_mult_adds(shape, kernel, s.in_channels, filters, engine_kind, s.stride,
                                         s.padding, s.dilation, s.depth_multiplier, s.groups,
                                         s.output_padding)
    assert [f.value for f in n.sizes] == list(result.output.shape[:-1])
    assert n.channels.value == result.output.shape[-1]


def test_the_separable_comparison_is_computed_not_written_in():
    result = compute_studio(_settings("separable", in_channels=8, filters=8, depth_multiplier=1,
                                      input_size=16, use_bias=False))
    n = result.numbers
    assert n.standard_params == 3 * 3 * 8 * 8 and n.params == 3 * 3 * 8 + 8 * 8
    ratio = n.standard_params / n.params
    assert f"{ratio:.1f}x fewer parameters here" in n.comparison
    grouped = compute_studio(_settings("grouped")).numbers
    assert grouped.comparison.startswith("grouped convolution (2 groups): 2.0x fewer parameters")


def test_transposed_views_explain_the_checkerboard_and_equal_the_output():
    result = compute_studio(_settings("transposed", padding="valid", output_padding=None, input_size=5))
    views = result.transposed
    counts = np.zeros(result.output.shape[:2], int)
    for index in range(result.n_steps):
        _, step = result.step(index)
        if step.filter == 0:
            counts[tuple(step.cells[step.inside].T)] += 1
    np.testing.assert_array_equal(views.overlaps, counts)
    assert views.uneven and set(np.unique(views.overlaps)) == {1, 2, 4}
    equivalent = np.zeros(result.output.shape)
    for step in views.equivalent_steps:
        equivalent[(*step.position, step.filter)] = step.value
    np.testing.assert_allclose(equivalent, result.output)
    assert views.is_input.sum() == result.x.shape[0] * result.x.shape[1]
    np.testing.assert_array_equal(views.zero_inserted[views.is_input], result.x.reshape(-1, 2))


@pytest.mark.parametrize("changes, words", [
    (dict(kind="conv", in_channels=3, filters=4, groups=2), "groups must divide"),
    (dict(kind="transposed", stride=2, output_padding=2), "output_padding must be smaller than the stride"),
    (dict(kind="depthwise", groups=2, in_channels=2), "groups apply to 'conv' and 'conv1d'"),
    (dict(kind="conv", in_channels=2, output_padding=1), "output padding applies"),
    (dict(kind="conv", in_channels=99), "input channels must be between 1 and 64"),
    (dict(kind="sideways"), "unknown kind"),
])
def test_impossible_combinations_are_one_line_errors(changes, words):
    result = compute_studio(StudioSettings(input_kind="random", input_size=8, **changes))
    assert result.error and words in result.error and "\n" not in result.error
    assert result.n_steps == 0


def test_the_classic_studio_is_unchanged():
    result = compute_studio(StudioSettings())
    assert not result.in_depth and result.x.shape == (5, 5) and result.output.shape == (3, 3)
    assert type(result.step(0)[1]).__name__ == "ConvStep" and result.numbers.params == 9


@pytest.mark.parametrize("name", ["conv", "depthwise", "separable"])
def test_pads_are_where_the_engines_windows_start(name):
    result = compute_studio(_settings(name, padding="same", input_size=8))
    _, first = result.step(0)
    assert first.window.offset == (result.pads[0][0], result.pads[1][0])
    assert sum(map(sum, result.pads)) > 0
