"""Small "?" buttons beside the studio's settings: "What is stride?" with the numbers on show.

The button's tooltip explains the setting in one or two sentences using the current
settings and sizes ("Stride 2: the window jumps 2 cells, so 16 input rows give 8 output
rows"); a click, or Space/Enter when Tab has reached it, writes the same text in the
message bar. Texts follow the state.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QFont, QFontMetrics
from PyQt6.QtWidgets import QApplication, QFormLayout, QHBoxLayout, QToolButton, QWidget

from convviz.core.studio_text import padding_sides, plural
from convviz.ui.studio.readable import points, set_style
from convviz.ui.studio.value_format import axis_value

TOPICS = ("padding", "stride", "dilation", "pooling", "filters", "channels")
PLURAL_TOPICS = ("filters", "channels")


def question(topic: str) -> str:
    """The button's question: ``What is padding?``, ``What are channels?``."""
    return f"What {'are' if topic in PLURAL_TOPICS else 'is'} {topic}?"


def _rows(result) -> tuple[int, int, int]:
    """(input rows, kernel rows, output rows) along the first axis (a sequence's length for conv1d)."""
    one_d = result.settings.kind == "conv1d"
    kernel = result.settings.kernel.shape[1 if one_d else 0]
    if result.output is None:
        return result.x.shape[0], kernel, 0
    return result.x.shape[0], kernel, result.output.shape[0]


def _padding(result) -> str:
    s = result.settings
    (t, b), (l, r) = result.pads
    rows, _, out = _rows(result)
    mode = s.padding if isinstance(s.padding, str) else "explicit"
    if not (t or b or l or r):
        return (f"Padding {mode}: no zeros are added, so the kernel only visits places where it fits "
                f"whole: {rows} input rows give {out} output rows.")
    return (f"Padding {mode}: zeros around the input ({padding_sides(result.pads)}), so the kernel can also "
            f"centre on border cells: {rows} input rows + {t + b} padding rows give {out} output rows.")


def _stride(result) -> str:
    s = axis_value(result.settings.stride, 1 if result.settings.kind == "conv1d" else 0)
    rows, _, out = _rows(result)
    return (f"Stride {s}: the window jumps {plural(s, 'cell')} between steps, so {rows} input rows give "
            f"{out} output rows.")


def _dilation(result) -> str:
    d = axis_value(result.settings.dilation, 1 if result.settings.kind == "conv1d" else 0)
    _, k, _ = _rows(result)
    span = d * (k - 1) + 1
    return (f"Dilation {d}: the kernel's taps are {plural(d, 'cell')} apart, so its {k} rows of weights "
            f"reach over {span} input rows (a wider view, no more weights).")


def _pooling(result) -> str:
    s = result.settings
    if not s.pool or result.pooled is None:
        return ("Pooling: a small window slides over the convolution's output and keeps one number per "
                "window (its max, average or sum); tick the box to see it with these maps.")
    out, pooled = result.output.shape, result.pooled.shape
    return (f"Pooling {s.pool_mode} {s.pool_size}×{s.pool_size}, stride {s.effective_pool_stride}: each "
            f"window of the {out[0]}×{out[1]} output becomes one number, giving {pooled[0]}×{pooled[1]}.")


def _filters(result) -> str:
    s = result.settings
    channels = result.volume.shape[-1]
    if s.kind == "depthwise":
        return (f"Filters: a depthwise layer has no free choice: each of the {plural(channels, 'input channel')} "
                f"gets {plural(s.depth_multiplier, 'kernel')} of its own, so "
                f"{plural(channels * s.depth_multiplier, 'output map')}.")
    reads = channels // max(s.groups, 1)
    return (f"Filters {s.filters}: each filter holds one kernel slice per input channel it reads ({reads}) "
            f"and makes one output map, so the output has {plural(s.filters, 'channel')}.")


def _channels(result) -> str:
    s = result.settings
    channels = result.volume.shape[-1]
    names = ", ".join(result.channel_names[:6]) if result.channel_names else ""
    named = f" ({names})" if names else ""
    if s.kind in ("depthwise", "separable"):
        return (f"Input depth {channels}: the input is {plural(channels, 'slice')}{named}; a depthwise stage "
                f"convolves each slice on its own, no sum across them.")
    reads = channels // max(s.groups, 1)
    if reads == 1:
        return (f"Input depth {channels}: the input is {plural(channels, 'slice')}{named}; each filter reads "
                f"{'it' if channels == 1 else 'one of them'}, and that one dot product is the number in each output cell.")
    return (f"Input depth {channels}: the input is {plural(channels, 'slice')}{named}; each filter reads "
            f"{reads} of them and adds their {reads} dot products into one number per cell.")


EXPLAIN = {"padding": _padding, "stride": _stride, "dilation": _dilation, "pooling": _pooling,
           "filters": _filters, "channels": _channels}


def explain(topic: str, result) -> str:
    """What ``topic`` (one of TOPICS) does, written with the numbers of ``result``."""
    if result.error or result.output is None:
        return f"{topic.capitalize()}: change the settings first: {result.error or 'there is no output'}."
    return EXPLAIN[topic](result)


class InfoButton(QToolButton):
    """A small "?" whose tooltip explains ``topic`` with the current numbers; a click says it too."""

    explained = pyqtSignal(str)

    def __init__(self, topic: str, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.topic, self.state = topic, state
        self.setText("?")  # "ⓘ" is missing from many fonts (a box on a bare Linux)
        self.fit()
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab reaches it; a click leaves the keys where they were
        self.setAccessibleName(question(topic))
        self.clicked.connect(lambda: self.explained.emit(self.text_now()))
        state.changed.connect(self.refresh)
        self.refresh()

    def fit(self) -> None:
        """Size the round button for the app font (it follows the zoom); blue on its own light blue."""
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        font.setBold(True)
        side = max(18, QFontMetrics(font).height() + 4)
        self.setFixedSize(side, side)
        set_style(self, f"QToolButton {{ border: 1px solid #93c5fd; border-radius: {side // 2}px; color: #1d4ed8;"
                        f" font-weight: 700; font-size: {points(0.9)}; background: #eff6ff; }}"
                        f" QToolButton:focus {{ border: 2px solid #1d4ed8; background: #dbeafe; }}")

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Enter says the note, as Space and a click do."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
        else:
            super().keyPressEvent(event)

    def changeEvent(self, event) -> None:  # noqa: N802
        """The app font changed (the zoom): size the button again."""
        super().changeEvent(event)
        if event.type() == event.Type.ApplicationFontChange:
            self.fit()

    def text_now(self) -> str:
        """The explanation for the state on show."""
        return explain(self.topic, self.state.result)

    def refresh(self) -> None:
        """Rewrite the tooltip for the new settings."""
        self.setToolTip(f"{question(self.topic)} {self.text_now()} (Space or Enter: show it in the message bar)")


def _row_of(form: QFormLayout, widget: QWidget) -> int:
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if item is not None and (item.widget() is widget or (item.layout() and item.layout().indexOf(widget) >= 0)):
            return row
    raise ValueError(f"{widget!r} is not a field of this form")


def beside_label(widget: QWidget, button: InfoButton) -> None:
    """Put ``button`` right after the label of the form row that holds ``widget``."""
    form = widget.parentWidget().layout()
    row = _row_of(form, widget)
    label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
    form.removeWidget(label)
    box = QWidget()
    line = QHBoxLayout(box)
    line.setContentsMargins(0, 0, 0, 0)
    line.setSpacing(2)
    line.addWidget(label)
    line.addWidget(button)
    line.addStretch(1)
    form.setWidget(row, QFormLayout.ItemRole.LabelRole, box)


def add_info_buttons(state, fields: dict[str, QWidget]) -> dict[str, InfoButton]:
    """One :class:`InfoButton` per topic, beside the label of its field's row, just before the field for Tab."""
    buttons = {}
    for topic, widget in fields.items():
        buttons[topic] = InfoButton(topic, state)
        beside_label(widget, buttons[topic])
        QWidget.setTabOrder(_tab_stop_before(widget), buttons[topic])  # Tab: the "?", then its field
    return buttons


def _tab_stop_before(widget: QWidget) -> QWidget:
    """The Tab stop before ``widget``, not a container of it (Qt puts a widget after a container's children)."""
    before = widget.previousInFocusChain()
    while before is not widget and (before.isAncestorOf(widget)
                                    or not before.focusPolicy() & Qt.FocusPolicy.TabFocus):
        before = before.previousInFocusChain()
    return before
