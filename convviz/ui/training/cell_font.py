"""A table font that grows with its cells: on a big screen the confusion matrix's numbers fill their
cells instead of staying 11 px in 70x48 px cells, and it follows the zoom like every other font."""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, QTimer
from PyQt6.QtGui import QFont, QFontMetricsF
from PyQt6.QtWidgets import QApplication, QTableWidget

from convviz.ui.zoom import zoom_level

TEXT_SHARE = 0.45  # of the cell height the digits may take
WIDEST_TEXT = "0000"  # four digits: the counts of a 10,000-image test set
MARGIN_PX = 4  # left free across the cell


class CellSizedFont(QObject):
    """Keeps ``table``'s font between ``low`` and ``high`` times the application font's size,
    as large as its cells allow (the widest count must still fit across a cell)."""

    def __init__(self, table: QTableWidget, low: float = 0.9, high: float = 1.8) -> None:
        super().__init__(table)
        self.table, self.low, self.high = table, low, high
        # The viewport's Resize comes before the stretched sections take their new size: the font
        # follows the sections, once per event-loop turn however many of them moved.
        self.pending = QTimer(self, singleShot=True, interval=0)
        self.pending.timeout.connect(self.apply)
        for header in (table.horizontalHeader(), table.verticalHeader()):
            header.sectionResized.connect(lambda *_sizes: self.pending.start())
        table.viewport().installEventFilter(self)
        zoom_level().changed.connect(self.apply)  # a child of the table: gone (and disconnected) with it
        self.apply()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        """The cells may change size with the viewport: size the font again once they have."""
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.apply()  # the sections may have moved already
            self.pending.start()
        return False

    def scale(self) -> float:
        """The factor on the application font's size the cells call for now."""
        base = QApplication.instance().font()
        table = self.table
        if table.rowCount() == 0 or table.columnCount() == 0:
            return self.low
        metrics = QFontMetricsF(base)
        tall = TEXT_SHARE * table.rowHeight(0) / max(metrics.height(), 1.0)
        wide = (table.columnWidth(0) - MARGIN_PX) / max(metrics.horizontalAdvance(WIDEST_TEXT), 1.0)
        return min(max(min(tall, wide), self.low), self.high)

    def apply(self, *_factor) -> None:
        """Set the table's font from the application's current one and the cells' size."""
        font = QFont(QApplication.instance().font())
        size = font.pointSizeF() if font.pointSizeF() > 0 else 9.0
        half_points = round(size * self.scale() * 2) / 2  # steps of half a point: fewer relayouts
        font.setPointSizeF(min(max(half_points, self.low * size), self.high * size))
        if font != self.table.font():
            self.table.setFont(font)
