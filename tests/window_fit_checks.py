"""Layout checks for a window that must fit a projector: overlapping siblings, squeezed widgets, sideways scrolling."""

from PyQt6.QtCore import QRect
from PyQt6.QtWidgets import QLayout, QScrollArea, QSizePolicy, QWidget


def _item_rect(item) -> QRect | None:
    """The rectangle a visible layout item covers in its parent widget, or None (hidden, spacer, empty)."""
    widget, layout = item.widget(), item.layout()
    if widget is not None:
        return QRect(widget.geometry()) if widget.isVisible() and not widget.isWindow() else None
    if layout is not None:
        rect = QRect()
        for index in range(layout.count()):
            inner = _item_rect(layout.itemAt(index))
            if inner is not None:
                rect = rect.united(inner)
        return rect if rect.isValid() else None
    return None


def _name(item) -> str:
    """Say which item it is: its class, its text or object name, where it sits and its parent's class."""
    widget, layout = item.widget(), item.layout()
    thing = widget if widget is not None else layout
    label = getattr(thing, "text", None)
    text = label() if callable(label) and widget is not None else ""
    name = repr(text[:24]) if isinstance(text, str) and text else thing.objectName()
    rect = _item_rect(item)
    parent = thing.parentWidget() if widget is not None else layout.parentWidget()
    where = f"{rect.x()},{rect.y()} {rect.width()}x{rect.height()}" if rect is not None else "?"
    return f"{type(thing).__name__}({name}) at {where} in {type(parent).__name__}"


def overlapping_siblings(root: QWidget) -> list[tuple[str, str]]:
    """Pairs of visible items of one layout (anywhere under ``root``, on show) whose rectangles intersect."""
    overlaps = []
    layouts = [root.layout()] if root.layout() is not None else []
    layouts += [layout for layout in root.findChildren(QLayout)
                if layout.parentWidget() is not None and layout.parentWidget().isVisible()]
    for layout in dict.fromkeys(layouts):
        items = [layout.itemAt(index) for index in range(layout.count())]
        shown = [(item, rect) for item in items if (rect := _item_rect(item)) is not None]
        for i, (first, first_rect) in enumerate(shown):
            for second, second_rect in shown[i + 1:]:
                if first_rect.intersects(second_rect):
                    overlaps.append((_name(first), _name(second)))
    return overlaps


def squeezed_widgets(root: QWidget) -> list[str]:
    """Visible widgets under ``root`` narrower than their minimum size hint (their content is cut off)."""
    bad = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow():
            continue
        if widget.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Ignored:
            continue
        if widget.width() < min(widget.minimumSizeHint().width(), widget.maximumWidth()):
            bad.append(f"{type(widget).__name__}{widget.objectName() and ' ' + widget.objectName()} "
                       f"{widget.width()} < {widget.minimumSizeHint().width()}")
    return bad


def sideways_range(window) -> int:
    """How far the window's central scroll area scrolls sideways (0: everything fits its width)."""
    central = window.centralWidget()
    return central.horizontalScrollBar().maximum() if isinstance(central, QScrollArea) else 0


def cut_off_labels(root: QWidget) -> list[str]:
    """Visible word-wrapping labels under ``root`` shorter than their wrapped text (lines cut off)."""
    from PyQt6.QtWidgets import QLabel

    return [f"{label.text()[:30]!r} {label.height()} < {label.heightForWidth(label.width())}"
            for label in root.findChildren(QLabel)
            if label.isVisible() and label.wordWrap() and label.text()
            and label.height() < label.heightForWidth(label.width())]
