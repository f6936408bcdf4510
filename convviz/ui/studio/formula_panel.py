"""The output-size formulas with the current numbers, and where the textbook shortcuts are wrong."""

from __future__ import annotations

import html
import math

from PyQt6.QtCore import QSize, Qt
from PyQt6.QtGui import QTextDocument, QTextOption
from PyQt6.QtWidgets import QLabel, QSizePolicy, QWidget

from convviz.arithmetic import (
    output_size_formula,
    pool_output_formula,
    pool_size_notes,
    same_padding_formula,
    same_padding_notes,
    same_size_notes,
)
from convviz.core.studio import StudioResult
from convviz.core.studio_text import unbreakable_formula
from convviz.ui.studio.full_height import FullHeight
from convviz.ui.studio.readable import accent, dark_window, needs_restyle, set_point_scale, text_colour
from convviz.ui.studio.value_format import axis_value

KERAS_NOTE = (
    "Keras refuses stride > 1 together with dilation > 1 in Conv2D; "
    "the arithmetic below is still what such a convolution would compute."
)


def _axis_padding(padding, axis: int):
    return padding if isinstance(padding, str) else padding[axis]


def formula_lines(result: StudioResult) -> list[tuple[str, str]]:
    """Return ``(kind, text)`` lines: kind is "formula", "note" (a shortcut that fails) or "error".

    Every number comes from the engine's formula and note functions.
    """
    s = result.settings
    lines: list[tuple[str, str]] = []
    if s.input_kind == "model" and s.model_note:
        lines.append(("model", s.model_note))
    if result.in_depth:
        return lines + _depth_lines(result)
    if max(axis_value(s.stride, a) for a in (0, 1)) > 1 and max(axis_value(s.dilation, a) for a in (0, 1)) > 1:
        lines.append(("note", KERAS_NOTE))
    if result.error:
        return lines + [("error", result.error)]
    kh, kw = s.kernel.shape
    same = s.padding == "same"
    notes: list[str] = []
    axes = ((0, "rows", result.x.shape[0], kh), (1, "cols", result.x.shape[1], kw))
    for axis, name, n, k in axes:
        stride, dilation = axis_value(s.stride, axis), axis_value(s.dilation, axis)
        formula = output_size_formula(n, k, stride, _axis_padding(s.padding, axis), dilation)
        lines.append(("formula", f"Output {name}: {formula.text}"))
    if same:
        for axis, name, n, k in axes:
            stride, dilation = axis_value(s.stride, axis), axis_value(s.dilation, axis)
            lines.append(("formula", f"SAME padding, {name}: {same_padding_formula(n, k, stride, dilation).text}"))
            notes += same_padding_notes(n, k, stride, dilation) + same_size_notes(n, stride)
    if s.pool and result.output is not None:
        if result.pool_error:
            lines.append(("error", result.pool_error))
        else:
            stride = s.effective_pool_stride
            for name, n in (("rows", result.output.shape[0]), ("cols", result.output.shape[1])):
                formula = pool_output_formula(n, s.pool_size, stride, s.pool_padding)
                lines.append(("formula", f"Pooled {name}: {formula.text}"))
                notes += pool_size_notes(n, s.pool_size, stride, s.pool_padding)
    lines += [("note", note) for note in dict.fromkeys(notes)]  # each note once, in order
    return lines


def _depth_lines(result: StudioResult) -> list[tuple[str, str]]:
    """The layer's numbers in depth: sizes, channels, parameters, multiply-adds, the comparison."""
    if result.error:
        return [("error", result.error)]
    numbers = result.numbers
    if numbers is None:
        return []
    *formulas, counts, comparison = numbers.lines()
    return [("formula", text) for text in formulas] + [("count", counts), ("compare", comparison)]


_LIGHT_BACKGROUNDS = {"compare": "#e7f6ec", "note": "#fff4d6", "error": "#fde2e1", "model": "#e3effd"}


def line_styles(text: str = "#1f2937", accents: dict[str, str] | None = None, dark: bool = False) -> dict[str, str]:
    """CSS per kind of line: formulas in ``text``, notes in their ``accents`` (tinted boxes in light)."""
    accents = accents or {"good": "#14532d", "note": "#7c4a03", "error": "#7a1b16", "model": "#123f73"}
    styles = {"count": f"color:{text}; font-weight:600", "formula": f"color:{text}"}
    for kind, name in (("compare", "good"), ("note", "note"), ("error", "error"), ("model", "model")):
        background = "" if dark else f"; background:{_LIGHT_BACKGROUNDS[kind]}"
        styles[kind] = f"color:{accents[name]}{background}"
    return styles


CELL_PADDING = 24  # pixels right of each formula column


def formula_html(lines: list[tuple[str, str]], styles: dict[str, str] | None = None, columns: int = 2,
                 glued: bool = True) -> str:
    """Render formula lines as rich text: formulas in ``columns`` columns (rows | cols), notes below.

    ``glued``: each formula wraps only between whole expressions (see :func:`unbreakable_formula`)."""
    styles = styles or line_styles()
    formulas = [text for kind, text in lines if kind == "formula"]
    rows = []
    if formulas:
        cells = [f"<td style='padding-right:{CELL_PADDING}px'>{html.escape(unbreakable_formula(text) if glued else text)}"
                 "</td>" for text in formulas]
        pairs = ["<tr>" + "".join(cells[i:i + columns]) + "</tr>" for i in range(0, len(cells), columns)]
        rows.append(f"<table style='{styles['formula']}'>{''.join(pairs)}</table>")
    for kind, text in lines:
        if kind == "formula":
            continue
        mark = {"note": "⚠ ", "error": "✖ ", "model": "◆ ", "compare": "⇄ "}.get(kind, "")
        rows.append(f"<div style='{styles[kind]}; margin:1px 0'>{mark}{html.escape(text)}</div>")
    return "".join(rows)


class FormulaPanel(FullHeight, QLabel):
    """Shows :func:`formula_lines` for the current settings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.lines: list[tuple[str, str]] = []
        self._forms: dict[tuple[int, bool], tuple[str, float]] | None = None
        self.restyle()

    def styles(self) -> dict[str, str]:
        """The CSS of each kind of line, readable on this widget's palette."""
        accents = {name: accent(self, name) for name in ("good", "note", "error", "model")}
        return line_styles(text_colour(self), accents, dark_window(self))

    def restyle(self) -> None:
        """Pick the font size (it follows the zoom) and the colours again."""
        set_point_scale(self, 1.1)
        self._forms = None
        self._render(self.width())

    def layout_for(self, width: int) -> tuple[int, bool]:
        """``(columns, glued)`` for ``width`` pixels: two columns if the whole expressions fit, else one
        column; if an expression is wider than the whole width, it may break inside (never clipped)."""
        forms = self._prepared()
        return next((mode for mode in ((2, True), (1, True)) if forms[mode][1] <= width), (1, False))

    def _prepared(self) -> dict[tuple[int, bool], tuple[str, float]]:
        """Each layout's rich text and the width it needs, for the current lines, font and colours."""
        if self._forms is None:
            styles = self.styles()
            self._forms = {mode: (text, self._needed_width(text)) for mode in ((2, True), (1, True), (1, False))
                           for text in [formula_html(self.lines, styles, *mode)]}
        return self._forms

    def _needed_width(self, text: str) -> float:
        """The narrowest width at which every line of ``text`` ends inside it: laid out as narrow as it goes,
        where the lines reach (a table squeezed below its words overflows, which ``idealWidth`` does not tell)."""
        document = self._document(text)
        document.setTextWidth(1)
        layout, block, reach = document.documentLayout(), document.begin(), 0.0
        while block.isValid():
            left = layout.blockBoundingRect(block).x()
            lines = [block.layout().lineAt(i) for i in range(block.layout().lineCount())]
            reach = max([reach] + [left + line.x() + line.naturalTextWidth() for line in lines])
            block = block.next()
        return reach + document.documentMargin()

    def _document(self, text: str) -> QTextDocument:
        """``text`` in a document laid out as this label lays it out."""
        document = QTextDocument()
        document.documentLayout().setPaintDevice(self)  # the widget's resolution
        document.setDefaultFont(self.font())
        option = document.defaultTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)  # as in a word-wrapping label: never inside a word
        document.setDefaultTextOption(option)
        document.setHtml(text)
        return document

    def _render(self, width: int) -> None:
        text = self._prepared()[self.layout_for(width)][0]
        if text != self.text():
            self.setText(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Narrow enough for any text block: the formulas re-flow to the width they get (see :meth:`layout_for`)."""
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 8 * self.fontMetrics().averageCharWidth()), hint.height())

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        """The height of the formulas laid out for ``width`` (columns and breaks chosen for it); asking does not
        change the text (that would make the layout ask again, for ever)."""
        text = self._prepared()[self.layout_for(width)][0]
        if text == self.text():
            return super().heightForWidth(width)
        document = self._document(text)
        document.setTextWidth(width)
        return math.ceil(document.size().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        """A new width may take another number of columns."""
        self._render(event.size().width())
        super().resizeEvent(event)

    def changeEvent(self, event) -> None:  # noqa: N802
        """A new palette or font: restyle."""
        super().changeEvent(event)
        if needs_restyle(event):
            self.restyle()

    def show_result(self, result: StudioResult) -> None:
        """Show the formulas and notes of ``result``."""
        self.lines, self._forms = formula_lines(result), None
        self._render(self.width())

    def notes(self) -> list[str]:
        """The notes on show (shortcuts that give a different answer, Keras caveats)."""
        return [text for kind, text in self.lines if kind == "note"]
