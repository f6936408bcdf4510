"""One step in depth written out: each channel's dot product, their sum, + bias, the activation.

Pure text (no Qt): lines of ``(text, role)`` that the dot-product view styles and tests read.
Roles: "channel" (one input channel's dot product), "sum", "bias", "value", "note".
"""

from __future__ import annotations

import numpy as np

from convviz.core.studio_text import plural
from convviz.ui.studio.term_list import ROUNDED_NOTE, is_rounded, summarise_terms
from convviz.ui.studio.value_format import format_value as fv

MAX_CHANNEL_LINES = 6  # more channels: the first ones, an ellipsis, the last one
MAX_TERMS = 12


def _terms(inputs: np.ndarray, kernel: np.ndarray, padding: np.ndarray) -> str:
    terms = [(f"[{fv(x)}]×{fv(k)}" if pad else f"{fv(x)}×{fv(k)}", float(x) * float(k), bool(pad))
             for x, k, pad in zip(inputs.ravel(), kernel.ravel(), padding.ravel())]
    return " + ".join(text for text, _ in summarise_terms(terms, MAX_TERMS, 8, 2))


def channel_label(result, stage: str, channel: int) -> str:
    """The name of input channel ``channel`` of ``stage`` (pointwise reads the depthwise maps)."""
    if stage == "pointwise":
        return f"dw{channel + 1}"
    names = result.channel_names
    return names[channel] if channel < len(names) else f"ch{channel}"


def _finish(result, stage: str, flt: int, cell: tuple, total: float, where: str) -> list[tuple[str, str]]:
    """The bias and activation lines after the channels' sum (none inside a separable's first stage);
    with neither, the value written to ``where``."""
    s = result.settings
    if stage == "depthwise" and s.kind == "separable":
        return [(f"{fv(total)} is written to the depthwise map dw{flt + 1} (the pointwise stage reads it)", "value")]
    lines = []
    value = total
    if s.use_bias:
        bias = float(result.bias[flt])
        value = total + bias
        lines.append((f"+ bias {fv(bias)} = {fv(value)}", "bias"))
    if s.activation != "none":
        layer = float(result.activated[(*cell, flt)])
        lines.append((f"{s.activation}({fv(value)}) = {fv(layer)}", "value"))
    elif not s.use_bias:
        lines.append((f"{where} = {fv(total)}", "value"))
    return lines


def filter_step_lines(result, stage: str, step) -> list[tuple[str, str]]:
    """Lines for a FilterStep or Conv1DStep (``stage`` "conv", "depthwise", "pointwise" or "equivalent")."""
    one_d = np.ndim(step.position) == 0
    cell = (int(step.position),) if one_d else tuple(int(v) for v in step.position)
    where = f"out[{', '.join(map(str, cell))}] of filter {step.filter + 1}"
    lines = [(f"{where} = Σ over {plural(len(step.channels), 'input channel')}:", "note")]
    padding = step.is_padding if one_d else step.window.is_padding
    count = len(step.channels)
    shown = range(count) if count <= MAX_CHANNEL_LINES else [*range(MAX_CHANNEL_LINES - 1), count - 1]
    for j in shown:
        if j == count - 1 and count > MAX_CHANNEL_LINES:
            lines.append((f"… {plural(count - MAX_CHANNEL_LINES, 'more channel')} …", "note"))
        name = channel_label(result, stage, int(step.channels[j]))
        pad = np.broadcast_to(padding if one_d else padding, step.inputs.shape[:-1])
        body = _terms(step.inputs[..., j], step.kernel[..., j], pad)
        lines.append((f"{name}: {body} = {fv(step.channel_dots[j])}", "channel"))
    dots = [fv(d) for d in step.channel_dots]
    if len(dots) > 8:
        dots = dots[:6] + ["…"] + dots[-1:]
    if count > 1:  # one channel: its dot product is the sum already, said once
        lines.append((f"sum = {' + '.join(dots)} = {fv(step.total)}", "sum"))
    lines += _finish(result, "conv" if stage == "equivalent" else stage, step.filter, cell, step.total, where)
    if is_rounded([*step.inputs.ravel(), *step.kernel.ravel(), *step.channel_dots, step.total]):
        lines.append((f"({ROUNDED_NOTE})", "note"))
    return lines


def _input_values(result, values) -> str:
    """One input cell's values: ``0.5`` for one channel, ``(R: 0.5, G: 0.2, B: 0.1)`` named for several."""
    if len(values) == 1:
        return fv(values[0])
    names = result.channel_names
    return "(" + ", ".join(f"{names[j] if j < len(names) else f'ch{j}'}: {fv(v)}" for j, v in enumerate(values)) + ")"


def transpose_step_lines(result, step) -> list[tuple[str, str]]:
    """Lines for a TransposeStep: the input cell's values scaling the kernel, and where the stamp lands."""
    r, c = (int(v) for v in step.position)
    lines = [(f"in[{r}, {c}] = {_input_values(result, step.inputs)} scales filter {step.filter + 1}'s kernel"
              + (", channel by channel:" if len(step.inputs) > 1 else ":"), "note")]
    inside = np.argwhere(step.inside)
    if len(inside):
        i, j = max(inside, key=lambda tap: abs(step.stamp[tap[0], tap[1]]))  # the tap that adds most
        body = " + ".join(f"{fv(x)}×{fv(k)}" for x, k in zip(step.inputs, step.kernel[i, j]))
        orow, ocol = step.cells[i, j]
        lines.append((f"tap ({i}, {j}): {body} = {fv(step.stamp[i, j])} added to out[{orow}, {ocol}], "
                      f"now {fv(step.value[i, j])} after {plural(int(step.overlaps[i, j]), 'stamp')}", "channel"))
    landed = int(step.inside.sum())
    lines.append((f"{landed} of {step.inside.size} taps land inside the output"
                  + ("" if landed == step.inside.size else " (the rest are cropped by the padding)"), "sum"))
    return lines


def depth_lines(result, stage: str, step) -> list[tuple[str, str]]:
    """The lines for any step in depth."""
    if stage == "transpose":
        return transpose_step_lines(result, step)
    return filter_step_lines(result, stage, step)
