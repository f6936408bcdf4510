"""Output-size formulas with the current numbers, for every convolution kind.

The numbers come from the engine's own size functions, so the text and the
computed shapes cannot disagree.
"""

from __future__ import annotations

from convviz.arithmetic._validate import as_size
from convviz.arithmetic.conv1d import padding_1d
from convviz.arithmetic.formulas import Formula, _span_text, output_size_formula
from convviz.arithmetic.params import conv_kind, layer_channels
from convviz.arithmetic.sizes import effective_kernel
from convviz.arithmetic.transpose import transpose_axis, transpose_padding_keyword


def transpose_output_formula(n, kernel, stride=1, padding="valid", output_padding=None,
                             dilation=1) -> Formula:
    """Return one axis' transposed-convolution size formula with numbers.

    With ``output_padding`` given, Keras' ``o = s(i − 1) + k − 2p + output_padding``
    (p = k // 2 for "same", 0 for "valid"). Without it, Keras' shortcut
    (``i·s + max(k − s, 0)`` valid, ``i·s`` same) followed by the general form:
    ``s(i − 1) + k``, minus the cells "same" crops, plus the zeros added at the end.
    """
    out, before = transpose_axis(n, kernel, stride, padding, output_padding, dilation)
    n, kernel = as_size(n, "input size"), as_size(kernel, "kernel size")
    stride, dilation = as_size(stride, "stride"), as_size(dilation, "dilation")
    keyword = transpose_padding_keyword(padding)
    span = effective_kernel(kernel, dilation)
    k_text = _span_text(kernel, dilation)
    full = (n - 1) * stride + span
    cropped, extra = max(full - out, 0), max(out - full, 0)
    crop_note = f";  'same' crops {before} before and {cropped - before} after" if cropped else ""
    if output_padding is not None:
        half = span // 2 if keyword == "same" else 0
        text = f"{stride}×({n} - 1) + {k_text} - 2×{half} + {output_padding} = {out}"
        return Formula(text + crop_note, out)
    if keyword == "valid":
        shortcut = f"{n}×{stride} + max({k_text} - {stride}, 0) = {out}"
    else:
        shortcut = f"{n}×{stride} = {out}"
    general = f"{stride}×({n} - 1) + {k_text}"
    general += (f" - {cropped}" if cropped else "") + (f" + {extra}" if extra else "")
    return Formula(f"{shortcut};  {general} = {out}{crop_note}", out)


def conv1d_output_formula(n, kernel, stride=1, padding="valid", dilation=1) -> Formula:
    """Return the 1-D output length formula with numbers; "causal" pads (k − 1)·d before only."""
    if isinstance(padding, str) and padding.strip().lower() == "causal":
        before, after = padding_1d(n, kernel, stride, padding, dilation)
        formula = output_size_formula(n, kernel, stride, (before, after), dilation)
        return Formula(f"causal pads {before} before, 0 after;  {formula.text}", formula.value)
    return output_size_formula(n, kernel, stride, padding, dilation)


def family_output_formula(kind, n, kernel, stride=1, padding="valid", dilation=1,
                          output_padding=None) -> Formula:
    """Return one axis' output size formula for ``kind`` ("conv", "conv1d", "depthwise", ...).

    Depthwise and separable layers slide like a plain convolution (the pointwise
    stage keeps the size); "transpose" uses :func:`transpose_output_formula`.
    """
    kind = conv_kind(kind)
    if kind == "transpose":
        return transpose_output_formula(n, kernel, stride, padding, output_padding, dilation)
    if output_padding is not None:
        raise ValueError("output_padding applies to 'transpose' only")
    if kind == "conv1d":
        return conv1d_output_formula(n, kernel, stride, padding, dilation)
    return output_size_formula(n, kernel, stride, padding, dilation)


def output_channels_formula(kind, in_channels, filters=None, depth_multiplier=1) -> Formula:
    """Return how many channels a layer of ``kind`` outputs, as a formula with numbers."""
    kind = conv_kind(kind)
    cin, out, mult, _ = layer_channels(kind, in_channels, filters, depth_multiplier, 1)
    if kind == "depthwise":
        return Formula(f"{_count(cin, 'channel')} × multiplier {mult} = {out}", out)
    return Formula(f"{_count(out, 'filter')} = {_count(out, 'channel')}", out)


def _count(number: int, noun: str) -> str:
    """``1 channel``, ``2 channels``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
