"""The studio's numbers for one layer: output size formulas, parameters, multiply-adds, and how
they compare with a standard convolution of the same input and output channels (no Qt).

Everything is computed by the engine (``family_output_formula``, ``conv_param_count``,
``conv_mult_adds``); nothing here is a hard-coded ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

from convviz.arithmetic import (
    Formula,
    conv_mult_adds,
    conv_param_count,
    family_output_formula,
    output_channels_formula,
)

ENGINE_KIND = {"conv": "conv", "depthwise": "depthwise", "separable": "separable",
               "transposed": "transpose", "conv1d": "conv1d"}
KIND_NAMES = {"conv": "standard convolution", "depthwise": "depthwise convolution",
              "separable": "depthwise separable convolution", "transposed": "transposed convolution",
              "conv1d": "1-D convolution"}


@dataclass(frozen=True)
class StudioNumbers:
    """One layer's numbers, each with the formula that gives it.

    ``sizes`` has one :class:`Formula` per axis (rows, cols; or length for conv1d);
    ``standard_*`` are a standard convolution (Conv2D, or Conv1D) with the same kernel,
    input, output channels, stride, padding and dilation, for the comparison.
    """

    kind: str
    sizes: tuple[Formula, ...]
    channels: Formula
    params: int
    mult_adds: int
    standard_params: int
    standard_mult_adds: int
    comparison: str  # e.g. "depthwise separable convolution: 7.4x fewer parameters here (…)"

    def lines(self) -> list[str]:
        """The numbers as lines of text for a panel or a frame."""
        axes = ("length",) if len(self.sizes) == 1 else ("rows", "cols")
        out = [f"output {axis}: {formula.text}" for axis, formula in zip(axes, self.sizes)]
        out.append(f"output channels: {self.channels.text}")
        out.append(f"parameters: {self.params:,} · multiply-adds: {self.mult_adds:,}")
        out.append(self.comparison)
        return out


def _ratio_text(what: str, mine: int, standard: int) -> str:
    if mine == standard:
        return f"the same {what}"
    if mine < standard:
        return f"{standard / mine:.1f}x fewer {what}"
    return f"{mine / standard:.1f}x more {what}"


def _comparison(kind: str, groups: int, params, mult_adds, std_params, std_mult_adds) -> str:
    if kind == "transposed":
        return (f"transposed convolution: {std_params:,} parameters, as a standard convolution with "
                f"these channels; its stamps do {mult_adds:,} multiply-adds, the equivalent stride-1 "
                f"convolution over the zero-inserted input {std_mult_adds:,} "
                f"({_ratio_text('', std_mult_adds, mult_adds).strip()} multiply-adds, the rest on zeros)")
    if kind in ("conv", "conv1d") and groups == 1:
        return (f"{KIND_NAMES[kind]}: the baseline (a grouped or separable layer with these "
                "channels needs fewer weights)")
    name = f"grouped convolution ({groups} groups)" if kind in ("conv", "conv1d") else KIND_NAMES[kind]
    return (f"{name}: {_ratio_text('parameters', params, std_params)} here and "
            f"{_ratio_text('multiply-adds', mult_adds, std_mult_adds)}, compared with a standard "
            f"convolution with the same channels ({std_params:,} parameters, "
            f"{std_mult_adds:,} multiply-adds)")


def _axis_padding(padding, axis: int):
    if isinstance(padding, str) or isinstance(padding, int):
        return padding
    return tuple(padding[axis])


def _pair(value, axis: int) -> int:
    return int(value) if isinstance(value, (int,)) or not hasattr(value, "__len__") else int(value[axis])


def studio_numbers(settings, input_shape, weights_shape, in_channels: int, out_channels: int) -> StudioNumbers:
    """Return the :class:`StudioNumbers` of ``settings`` on an input of ``input_shape``.

    ``weights_shape`` is the layer's weight tensor's shape (its first axes are the kernel);
    ValueError (one sentence) when the engine refuses the combination.
    """
    s, kind = settings, ENGINE_KIND[settings.kind]
    one_d = kind == "conv1d"
    kernel = weights_shape[:1] if one_d else weights_shape[:2]
    spatial = input_shape[:1] if one_d else input_shape[:2]
    extra = None if kind != "transpose" else s.output_padding
    sizes = tuple(
        family_output_formula(kind, spatial[a], kernel[a], _pair(s.stride, a), _axis_padding(s.padding, a),
                              _pair(s.dilation, a), None if extra is None else _pair(extra, a))
        for a in range(len(spatial)))
    mult = s.depth_multiplier if kind in ("depthwise", "separable") else 1
    groups = s.groups if kind in ("conv", "conv1d") else 1
    filters = None if kind == "depthwise" else out_channels
    channels = output_channels_formula(kind, in_channels, filters, mult)
    size_arg = kernel[0] if one_d else kernel
    params = conv_param_count(size_arg, in_channels, filters, kind, s.use_bias, mult, groups)
    counted = dict(stride=s.stride, padding=s.padding, dilation=s.dilation)
    mult_adds = conv_mult_adds(tuple(spatial), size_arg, in_channels, filters, kind,
                               depth_multiplier=mult, groups=groups, output_padding=extra, **counted)
    standard = "conv1d" if one_d else "conv"
    std_params = conv_param_count(size_arg, in_channels, out_channels, standard, s.use_bias)
    if kind == "transpose":  # the equivalent stride-1 convolution over the zero-inserted input
        dilation = tuple(_pair(s.dilation, a) for a in (0, 1))
        zero_inserted = tuple(f.value + (k - 1) * d for f, k, d in zip(sizes, kernel, dilation))
        std_mult_adds = conv_mult_adds(zero_inserted, size_arg, in_channels, out_channels, "conv",
                                       dilation=dilation)
    else:
        std_mult_adds = conv_mult_adds(tuple(spatial), size_arg, in_channels, out_channels, standard,
                                       **counted)
    comparison = _comparison(s.kind, groups, params, mult_adds, std_params, std_mult_adds)
    return StudioNumbers(s.kind, sizes, channels, params, mult_adds, std_params, std_mult_adds,
                         comparison)
