"""The studio's core without Qt: step indices of output cells, the pooling-stride rule, settings in words."""

import numpy as np
import pytest

from convviz.arithmetic import conv_output_shape, pool_output_shape
from convviz.core.studio import StudioSettings, compute_studio
from convviz.core.studio_text import settings_slug, settings_text


@pytest.mark.parametrize("settings", [
    StudioSettings(),
    StudioSettings(input_kind="random", input_size=9, stride=2, padding="same", pool=True, pool_size=2),
    StudioSettings(input_kind="checker", input_size=11, dilation=2, pool=True, pool_size=3, pool_stride=1,
                   pool_padding="same"),
])
def test_step_index_round_trips_with_step(settings):
    result = compute_studio(settings)
    seen = []
    for index in range(result.n_steps):
        kind, step = result.step(index)
        assert result.step_index(kind, *step.position) == index
        seen.append((kind, step.position))
    conv = conv_output_shape(result.x.shape, settings.kernel.shape, settings.stride, settings.padding,
                             settings.dilation)
    assert seen[: conv[0] * conv[1]] == [("conv", (r, c)) for r in range(conv[0]) for c in range(conv[1])]
    if settings.pool:
        pooled = pool_output_shape(conv, settings.pool_size, settings.pool_stride, settings.pool_padding)
        assert len(seen) == conv[0] * conv[1] + pooled[0] * pooled[1]


def test_step_index_refuses_cells_that_are_not_computed():
    result = compute_studio(StudioSettings())  # 5x5 ∗ 3x3 valid: a 3x3 output, no pooling
    with pytest.raises(ValueError, match=r"outside the 3×3 conv output"):
        result.step_index("conv", 3, 0)
    with pytest.raises(ValueError, match="no pool stage"):
        result.step_index("pool", 0, 0)
    with pytest.raises(ValueError, match="unknown step kind"):
        result.step_index("dense", 0, 0)
    broken = compute_studio(StudioSettings(kernel=np.ones((7, 7))))
    assert broken.error and broken.n_steps == 0
    with pytest.raises(ValueError, match="no conv stage"):
        broken.step_index("conv", 0, 0)


@pytest.mark.parametrize("pool_stride, effective", [(None, 3), (1, 1), (3, 3), (2, 2)])
def test_the_pooling_stride_rule_is_one_property_used_everywhere(pool_stride, effective):
    settings = StudioSettings(input_kind="random", input_size=12, pool=True, pool_size=3, pool_stride=pool_stride)
    assert settings.effective_pool_stride == effective
    result = compute_studio(settings)
    assert result.pooled.shape == pool_output_shape(result.output.shape, 3, effective)
    assert f"max pool 3, stride {effective}, valid" in settings_text(settings)
    assert settings_slug(settings).endswith("_maxpool3" if effective == 3 else f"_maxpool3s{effective}")


def test_captions_name_kernels_as_people_read_them():
    from convviz.arithmetic.presets import kernel_preset

    sobel = StudioSettings(kernel=kernel_preset("sobel-x", 3), kernel_preset="sobel-x")
    assert "kernel 3×3 (Sobel x)" in settings_text(sobel)
    classic = StudioSettings()
    assert "(Conv-arithmetic example)" in settings_text(classic) and "(seed)" not in settings_text(classic)
