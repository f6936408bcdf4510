"""How the training tab's panels sit on screen (fits 1360x860 with the main window's tabs)."""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, Qt, QTimer
from PyQt6.QtWidgets import QHBoxLayout, QLayout, QSplitter, QTabWidget, QVBoxLayout, QWidget

LEFT_COLUMN_WIDTH = 300  # leaves the Layers page room for all its columns at 1000 px


def arrange(tab) -> QTabWidget:
    """Lay out ``tab``: message bar on top; controls and progress on the left; data preview and
    curves top right; below them the timeline, then a page each for activations, filters, summary, results.

    Returns the page widget (so the tab can tell which page is visible).
    """
    left = QWidget()
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(0, 0, 0, 0)
    left_layout.addWidget(tab.controls)
    left_layout.addWidget(tab.progress)
    left_layout.addStretch(1)
    left.setFixedWidth(LEFT_COLUMN_WIDTH)

    pages = QTabWidget()
    pages.addTab(tab.activations, "Activations")
    pages.addTab(tab.filters, "Filters")
    pages.addTab(tab.layer_editor, "Layers")
    pages.addTab(tab.summary, "Model summary")
    pages.addTab(tab.results, "Test results")
    pages.installEventFilter(HiddenPagesFollowFont(pages))
    top = QWidget()
    top_layout = QHBoxLayout(top)
    top_layout.setContentsMargins(0, 0, 0, 0)
    top_layout.addWidget(tab.preview)
    top_layout.addWidget(tab.curves, 1)
    right = QSplitter(Qt.Orientation.Vertical)
    right.addWidget(top)
    bottom = QWidget()  # the timeline sits between the curves (its cursor) and the pages it pins
    bottom_layout = QVBoxLayout(bottom)
    bottom_layout.setContentsMargins(0, 0, 0, 0)
    bottom_layout.setSpacing(2)
    bottom_layout.addWidget(tab.timeline)
    bottom_layout.addWidget(pages, 1)
    right.addWidget(bottom)
    right.setStretchFactor(0, 2)
    right.setStretchFactor(1, 3)
    right.setChildrenCollapsible(False)

    body = QHBoxLayout()
    body.addWidget(left)
    body.addWidget(right, 1)
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(tab.messages)
    layout.addLayout(body, 1)
    return pages


class HiddenPagesFollowFont(QObject):
    """Re-measures the hidden pages of ``pages`` after a zoom, so their old minimum sizes do not linger.

    Qt measures a hidden widget's layout only when it is shown; until then the page widget keeps the
    minimum size of the font before, and zoomed in then back to 100% the tab no longer fit.
    """

    def __init__(self, pages: QTabWidget) -> None:
        super().__init__(pages)
        self.pages = pages

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        """On a font change, measure every page again once the children have the new font."""
        if watched is self.pages and event.type() == QEvent.Type.FontChange:
            QTimer.singleShot(0, self.remeasure)
        return False

    def remeasure(self) -> None:
        """Invalidate and activate every layout under every page, then let the page widget ask again."""
        for index in range(self.pages.count()):
            page = self.pages.widget(index)
            for layout in reversed([page.layout(), *page.findChildren(QLayout)]):
                if layout is not None:
                    layout.invalidate()
                    layout.activate()
        self.pages.updateGeometry()
