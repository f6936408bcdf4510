"""The current step written out as arithmetic: ``3×0 + 3×1 + … = 12`` (or max/avg/sum for pooling)."""

from __future__ import annotations

import html

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QSizePolicy, QWidget

from convviz.core.studio_text import plural
from convviz.ui.studio.full_height import FullHeight
from convviz.ui.studio.readable import ACCENTS, accent, needs_restyle, points, set_point_scale, text_colour
from convviz.ui.studio.term_list import ROUNDED_NOTE, is_rounded, summarise_terms
from convviz.ui.studio.value_format import format_value

MAX_TERMS = 18  # longer sums show their first and last terms around an ellipsis
HEAD_TERMS, TAIL_TERMS = 10, 3


def _abbreviate(terms: list) -> list:
    if len(terms) <= MAX_TERMS:
        return terms
    skipped = len(terms) - HEAD_TERMS - TAIL_TERMS
    return terms[:HEAD_TERMS] + [(f"… {plural(skipped, 'more term')} …", "skip")] + terms[-TAIL_TERMS:]


def step_terms(kind: str, step) -> tuple[str, list, str]:
    """Return (operator, terms, result) for a step; each term is (text, role).

    Roles: "term", "pad" (a padding cell, written ``[0]×k``), "win" (the max winner),
    "skip" (an ellipsis).
    """
    pad = step.window.is_padding
    rows, cols = pad.shape
    terms = []
    if kind == "conv":
        for r in range(rows):
            for c in range(cols):
                value = format_value(step.inputs[r, c])
                if pad[r, c]:
                    value = f"[{value}]"  # brackets mark a padding cell
                product = float(step.inputs[r, c]) * float(step.kernel[r, c])
                terms.append((f"{value}×{format_value(step.kernel[r, c])}", product, bool(pad[r, c])))
        return "+", summarise_terms(terms, MAX_TERMS, HEAD_TERMS, TAIL_TERMS), format_value(step.value)
    for r in range(rows):
        for c in range(cols):
            if pad[r, c]:
                continue  # padding never takes part in pooling
            role = "win" if step.winner is not None and (r, c) == tuple(step.winner) else "term"
            terms.append((format_value(step.inputs[r, c]), role))
    return step.mode, terms, format_value(step.value)


def _lhs(kind: str, step) -> str:
    row, col = step.position
    return f"out[{row}, {col}]" if kind == "conv" else f"pool[{row}, {col}]"


def dot_product_text(kind: str, step) -> str:
    """Return the plain-text arithmetic of a step, e.g. ``out[0, 0] = 3×0 + 3×1 + … = 12``."""
    op, terms, result = step_terms(kind, step)
    parts = [text for text, _ in _abbreviate(terms)]
    if op == "+":
        body = " + ".join(parts)
    elif op == "max":
        body = f"max({', '.join(parts)})"
    elif op == "sum":
        body = " + ".join(parts)
    else:
        body = f"({' + '.join(parts)}) / {step.count}"
    return f"{_lhs(kind, step)} = {body} = {result}"


def dot_product_html(kind: str, step, colours: dict[str, str] | None = None) -> str:
    """Return the same arithmetic as rich text: padding terms grey, the max winner bold red.

    ``colours`` maps "pad", "win", "muted" and "value" to colours (default: the light theme's).
    """
    colours = colours or {name: light for name, (light, _dark) in ACCENTS.items()} | {"pad": "#6b7280"}
    op, terms, result = step_terms(kind, step)
    styled = []
    for text, role in _abbreviate(terms):
        text = html.escape(text)
        if role == "pad":
            text = f"<span style='color:{colours['pad']}'>{text}</span>"
        elif role == "win":
            text = f"<b style='color:{colours['win']}'>{text}</b>"
        elif role == "skip":
            text = f"<i style='color:{colours['muted']}'>{text}</i>"
        styled.append(text)
    joiner = " + " if op in ("+", "sum", "avg") else ", "
    body = joiner.join(styled)
    if op == "max":
        body = f"max({body})"
    elif op == "avg":
        body = f"({body}) / {step.count}"
    return f"<b>{_lhs(kind, step)}</b> = {body} = <b style='color:{colours['value']}'>{html.escape(result)}</b>"


class DotProductView(FullHeight, QLabel):
    """A wrapped label showing the arithmetic of the current step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.plain_text = ""
        self._shown: tuple = ("step", None, None)  # what to write again when the palette changes
        self.restyle()

    def colours(self) -> dict[str, str]:
        """The colours of the terms, readable on this widget's palette."""
        names = ("pad", "win", "muted", "value", "bias")
        return {name: accent(self, "muted" if name == "pad" else name) for name in names} | {"text": text_colour(self)}

    def restyle(self) -> None:
        """Pick the font size (it follows the zoom) and the colours again."""
        set_point_scale(self, 1.45, ("DejaVu Sans Mono", "monospace"))
        how, *args = self._shown
        (self.show_step if how == "step" else self.show_depth_step)(*args)

    def changeEvent(self, event) -> None:  # noqa: N802
        """A new palette or font: restyle."""
        super().changeEvent(event)
        if needs_restyle(event):
            self.restyle()

    def show_step(self, kind: str | None, step) -> None:
        """Write out ``step`` (``kind`` "conv" or "pool"); None clears the view."""
        self._shown = ("step", kind, step)
        colours = self.colours()
        if step is None:
            self.plain_text = ""
            self.setText(f"<span style='color:{colours['muted']}'>No step to show.</span>")
            return
        self.plain_text = dot_product_text(kind, step)
        rich = dot_product_html(kind, step, colours)
        if is_rounded([*step.inputs.ravel(), *(step.kernel.ravel() if kind == "conv" else ()), step.value]):
            self.plain_text += f"\n({ROUNDED_NOTE})"
            rich += f"<div style='color:{colours['muted']}; font-size:{points(1.0)}'>({ROUNDED_NOTE})</div>"
        self.setText(rich)

    def show_depth_step(self, result, stage: str, step) -> None:
        """Write out a step in depth: every channel's dot product, their sum, the bias, the activation."""
        from convviz.ui.studio.depth_arith import depth_lines

        self._shown = ("depth", result, stage, step)
        lines = depth_lines(result, stage, step)
        self.plain_text = "\n".join(text for text, _ in lines)
        c = self.colours()
        style = {"channel": f"color:{c['text']}", "sum": f"color:{c['text']}; font-weight:600",
                 "bias": f"color:{c['bias']}", "value": f"color:{c['value']}; font-weight:700",
                 "note": f"color:{c['muted']}"}
        rows = [f"<div style='{style[role]}'>{html.escape(text)}</div>" for text, role in lines]
        self.setText(f"<div style='font-size:{points(1.1)}'>{''.join(rows)}</div>")
