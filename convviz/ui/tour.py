"""Help > Guided tour: a few callouts per tab, each pointing at a real widget.

A step names its widget by attribute path from the tab (``"transport.play_button"``); a step
whose widget is missing or hidden (the studio's depth view hides the flat maps) is left out.
The widget is scrolled into view and the callout placed beside it, never on it. Enter presses
Next, Esc ends the tour, and the keyboard goes back where it was when the tour ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtCore import QPoint, QRect, Qt, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (
    QApplication, QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

from convviz.ui.message_bar import message_bar_of

GAP = 12  # between the callout and the widget it points at


@dataclass(frozen=True)
class TourStep:
    """One callout: the widget (attribute path from the tab), a title and a sentence or two."""

    path: str
    title: str
    text: str


STEPS = {
    "studio": (
        TourStep("controls.input_kind", "Pick a picture",
                 "Start with a small grid of numbers, a handwritten digit, or draw your own."),
        TourStep("controls.preset", "Pick a kernel",
                 "The kernel is the small grid of weights that slides over the picture."),
        TourStep("controls.padding", "Padding",
                 "Padding adds a border of zeros so the kernel can also sit on the edges."),
        TourStep("canvas.input_view", "Where the kernel is now",
                 "The highlighted square is the part of the picture the kernel covers at this step."),
        TourStep("canvas.output_view", "What it writes",
                 "Each step multiplies, adds up, and writes one number into the output."),
        TourStep("transport.play_button", "Play it",
                 "Play the whole animation, or step one kernel position at a time with the buttons beside it."),
    ),
    "training": (
        TourStep("controls.data", "The examples",
                 "The network learns from these labelled pictures."),
        TourStep("controls.preset", "The network",
                 "Choose which layers to stack, or build your own with the layer editor."),
        TourStep("controls.epochs", "How long",
                 "One epoch means the network has seen every training picture once."),
        TourStep("controls.run_button", "Start learning",
                 "Press Train. The same button pauses and resumes the run."),
        TourStep("panels", "Watch it learn",
                 "Curves, filters and activations change here while the network trains."),
        TourStep("timeline", "Go back in time",
                 "Drag along the timeline to see the network as it was earlier in the run."),
    ),
    "inspector": (
        TourStep("load_button", "A trained network",
                 "Use the one you just trained, or open a saved .keras file."),
        TourStep("input", "Draw a digit",
                 "Draw with the mouse, or pick a test digit the network never saw."),
        TourStep("probabilities", "Its answer",
                 "How sure the network is about each digit."),
        TourStep("maps", "Inside the network",
                 "Every layer's feature maps. Click a cell to see which pixels it looks at."),
        TourStep("details", "The arithmetic",
                 "The exact sum behind the clicked cell, which you can replay in the Studio."),
    ),
}


#: The quiet line each tab's message bar shows while there is no message: what to try, which keys.
HINTS = {
    "studio": "Tip: ← and → step the kernel, Space plays; Tab to the kernel grid to edit its cells with the keys, "
              "Ctrl+Z undoes an edit; click an output cell to jump to its step. F1: a guided tour of this tab.",
    "training": "Tip: press Train and watch it learn; click a feature map or filter to enlarge it, and a "
                "confusion-matrix cell (Test results) to see its test images. F1: a guided tour.",
    "inspector": "Tip: draw a digit or show a test image; click a cell to light up what it sees, double-click "
                 "a map to enlarge it, and see Why it decided. F1: a guided tour.",
}


def show_hints(window: QMainWindow) -> None:
    """Give each tab's message bar its quiet hint line."""
    for name, hint in HINTS.items():
        tab = getattr(window, name, None)
        bar = message_bar_of(tab)
        if bar is not None:
            bar.set_hint(hint)


def find_widget(root: QWidget, path: str) -> QWidget | None:
    """The widget at attribute ``path`` under ``root``, or None when it is missing or not on show."""
    target = root
    for name in path.split("."):
        target = getattr(target, name, None)
        if target is None:
            return None
    return target if isinstance(target, QWidget) and target.isVisible() else None


class GuidedTour(QFrame):
    """A callout inside the main window, with a frame drawn around the widget it talks about."""

    stepShown = pyqtSignal(int)  # index into ``steps``
    finished = pyqtSignal()

    def __init__(self, window: QMainWindow, tab_name: str) -> None:
        super().__init__(window)
        self.setObjectName("GuidedTour")
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        self.window_, self.tab = window, getattr(window, tab_name)
        self.return_focus = QApplication.focusWidget()  # back there when the tour ends
        self.steps = [step for step in STEPS[tab_name] if find_widget(self.tab, step.path)]
        self.index = -1
        self.anchor: QWidget | None = None
        self.frame = QFrame(window)  # the highlight round the anchor
        self.frame.setObjectName("GuidedTourHighlight")
        self.frame.setStyleSheet("#GuidedTourHighlight { border: 3px solid #e8a100; border-radius: 4px; }")
        self.frame.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._build()

    def _build(self) -> None:
        self.title, self.text, self.counter = QLabel(), QLabel(), QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.text.setWordWrap(True)
        self.back_button, self.next_button = QPushButton("Back"), QPushButton("Next")
        self.close_button = QPushButton("Close")
        for button, tip in ((self.back_button, "The previous step of the tour"),
                            (self.next_button, "The next step (Enter)"), (self.close_button, "End the tour (Esc)")):
            button.setToolTip(tip)
            button.setAutoDefault(True)  # Enter presses the button with the keyboard
        self.next_button.setDefault(True)
        self.back_button.clicked.connect(lambda: self.show_step(self.index - 1))
        self.next_button.clicked.connect(self.next_step)
        self.close_button.clicked.connect(self.close_tour)
        escape = QAction(self)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        escape.triggered.connect(self.close_tour)
        self.addAction(escape)
        buttons = QHBoxLayout()
        buttons.addWidget(self.counter, 1)
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)

    def start(self) -> bool:
        """Show the first step; False (and nothing shown) when no step's widget is on show."""
        if not self.steps:
            self.close_tour()
            return False
        self.show_step(0)
        return True

    def next_step(self) -> None:
        """The next step, or the end of the tour after the last."""
        if self.index + 1 >= len(self.steps):
            self.close_tour()
        else:
            self.show_step(self.index + 1)

    def show_step(self, index: int) -> None:
        """Show step ``index`` beside its widget."""
        self.index = max(0, min(index, len(self.steps) - 1))
        step = self.steps[self.index]
        self.anchor = find_widget(self.tab, step.path) or self.tab
        self.title.setText(step.title)
        self.text.setText(step.text)
        self.counter.setText(f"{self.index + 1} of {len(self.steps)}")
        self.back_button.setEnabled(self.index > 0)
        self.next_button.setText("Done" if self.index == len(self.steps) - 1 else "Next")
        scroll_into_view(self.anchor)
        self._place()
        self.show()
        self.raise_()
        self.next_button.setFocus(Qt.FocusReason.ShortcutFocusReason)  # a keyboard focus: its ring shows
        self.stepShown.emit(self.index)

    def target_rect(self) -> QRect:
        """The anchor's rectangle in window coordinates (the part inside the window)."""
        top_left = self.anchor.mapTo(self.window_, QPoint(0, 0))
        return QRect(top_left, self.anchor.size()).intersected(self.window_.rect())

    def _place(self) -> None:
        window, target = self.window_, self.target_rect()
        self.frame.setGeometry(target.adjusted(-4, -4, 4, 4))
        self.frame.show()
        self.frame.raise_()
        self.setFixedWidth(min(360, window.width() - 20))
        self.adjustSize()
        self.move(callout_position(target, self.size(), window.rect()))

    def close_tour(self) -> None:
        """Hide the callout and its highlight for good; the keyboard goes back where it was."""
        self.hide()
        self.frame.hide()
        self.frame.deleteLater()
        self.deleteLater()
        self._give_focus_back()
        self.finished.emit()

    def _give_focus_back(self) -> None:
        """To the widget that had the keyboard before the tour, else the tab itself (the studio's maps)."""
        for widget in (self.return_focus, self.tab):
            try:
                usable = widget is not None and widget.isVisible() and widget.isEnabled() \
                    and not self.isAncestorOf(widget) and widget is not self
            except RuntimeError:  # deleted meanwhile
                usable = False
            if usable:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return


def scroll_into_view(widget: QWidget) -> None:
    """Scroll every scroll area holding ``widget`` so that it shows."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None and parent.widget().isAncestorOf(widget):
            parent.ensureWidgetVisible(widget, 8, 8)
        parent = parent.parentWidget()


def callout_position(target: QRect, size, bounds: QRect) -> QPoint:
    """Where a callout of ``size`` sits beside ``target`` inside ``bounds`` without covering it.

    Right, left, below, then above; when none fits whole, the side with the most room (the callout
    may then overlap the target a little, but stays inside ``bounds``)."""
    inner = bounds.adjusted(10, 10, -10, -10)
    w, h = size.width(), size.height()
    y_beside = max(inner.top(), min(target.top(), inner.bottom() - h))
    x_across = max(inner.left(), min(target.left(), inner.right() - w))
    places = [
        (QPoint(target.right() + GAP, y_beside), inner.right() - target.right() - GAP - w),
        (QPoint(target.left() - GAP - w, y_beside), target.left() - GAP - w - inner.left()),
        (QPoint(x_across, target.bottom() + GAP), inner.bottom() - target.bottom() - GAP - h),
        (QPoint(x_across, target.top() - GAP - h), target.top() - GAP - h - inner.top()),
    ]
    for point, room in places:
        if room >= 0 and inner.contains(QRect(point, size)) and not QRect(point, size).intersects(target):
            return point
    point, _ = max(places, key=lambda place: place[1])
    return QPoint(max(inner.left(), min(point.x(), inner.right() - w)), max(inner.top(), min(point.y(), inner.bottom() - h)))


def start_tour(window: QMainWindow) -> GuidedTour | None:
    """Start the guided tour of the window's current tab (ending one already going); None if none."""
    previous = getattr(window, "tour", None)
    if previous is not None:
        previous.close_tour()
    names = {id(getattr(window, name)): name for name in STEPS}
    name = names.get(id(window.tabs.currentWidget()))
    if name is None:
        return None
    tour = GuidedTour(window, name)
    window.tour = tour
    tour.finished.connect(lambda: setattr(window, "tour", None) if window.tour is tour else None)
    return tour if tour.start() else None
