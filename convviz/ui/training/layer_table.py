"""The layer editor's table: compact two-line headers that fit 1000 px windows, and a Tab order
that reads each row left to right, then the next row."""

from __future__ import annotations

from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

# (header, tooltip) per column; the headers wrap onto two lines rather than being clipped.
COLUMNS = (
    ("Layer", "The kind of layer"),
    ("Filters /\nunits", "Filters of a convolution, units of a Dense layer, the rate of a Dropout"),
    ("Kernel /\npool", "The side of the square kernel or pooling window"),
    ("Stride", "How far the window moves each step"),
    ("Padding", "valid: no padding; same: zeros around the edge so stride 1 keeps the size"),
    ("Dilation", "The gap between the kernel's taps (1: none)"),
    ("Activation", "The function applied to each output"),
    ("Output\nshape", "The shape this layer outputs, as Keras prints it (None is the batch)"),
    ("Param #", "The weights and biases this layer trains"),
)
HEADERS = tuple(header for header, _tip in COLUMNS)
KIND_COL, OUTPUT_COL, PARAMS_COL = 0, 7, 8


def build_table() -> QTableWidget:
    """The empty table: whole-row selection, no in-place text editing, columns sized to fit."""
    table = QTableWidget(0, len(COLUMNS))
    for col, (header, tip) in enumerate(COLUMNS):
        item = QTableWidgetItem(header)
        item.setToolTip(tip)
        table.setHorizontalHeaderItem(col, item)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab goes to the next setting, not to the next cell
    table.verticalHeader().setDefaultSectionSize(28)
    header = table.horizontalHeader()
    # Every column as wide as its header and cells: never clipped; a narrow window scrolls sideways.
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setToolTip("The layers, top to bottom; row numbers are the layer numbers the messages use. "
                     "Arrow keys choose a row for Remove, Up and Down")
    return table


def chain_tab_order(widgets: list[QWidget]) -> None:
    """Make Tab visit ``widgets`` in the given order (each focusable widget once)."""
    for first, second in zip(widgets, widgets[1:]):
        QWidget.setTabOrder(first, second)
