"""The model summary as a table, with the same rows and totals as Keras' ``model.summary()``."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from convviz.core.model_titles import model_title
from convviz.training.events import ModelReady

HEADERS = ("Layer (type)", "Output shape", "Param #")


def keras_shape(shape: tuple) -> str:
    """``(26, 26, 32)`` -> ``"(None, 26, 26, 32)"`` as Keras prints it (batch axis first)."""
    return "(" + ", ".join(["None", *(str(size) for size in shape)]) + ")"


class ModelSummaryTable(QWidget):
    """One row per layer plus total, trainable and non-trainable parameter counts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("The model appears when training starts or a model is loaded.")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.title.setWordWrap(True)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        self.total_params = 0
        self.trainable_params = 0

    def show_model(self, event: ModelReady) -> None:
        """Fill the table from ``event``."""
        self.title.setText(f'Model: "{model_title(event.name)}"')
        self.table.setRowCount(len(event.layers))
        for row, layer in enumerate(event.layers):
            cells = (f"{layer.name} ({layer.kind})", keras_shape(layer.output_shape), f"{layer.params:,}")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.total_params = event.total_params
        self.trainable_params = event.trainable_params
        self.totals.setText(
            f"<b>Total params:</b> {event.total_params:,} &nbsp;&nbsp; "
            f"<b>Trainable params:</b> {event.trainable_params:,} &nbsp;&nbsp; "
            f"<b>Non-trainable params:</b> {event.total_params - event.trainable_params:,}"
        )

    def row_params(self) -> list[int]:
        """The parameter count of each row, as shown."""
        return [int(self.table.item(row, 2).text().replace(",", "")) for row in range(self.table.rowCount())]
