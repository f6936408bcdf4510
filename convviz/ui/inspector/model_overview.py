"""The model at a glance: every layer with its output shape, grouped by block, filterable by name.

Choosing a group (or a layer, which chooses its group) says which layers' maps to draw:
only those are drawn, so a 400-layer model costs what one block costs.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QHeaderView, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from convviz.ui.inspector.layer_groups import group_layers

_INDEX = Qt.ItemDataRole.UserRole


def shape_text(shape) -> str:
    """An output shape as ``16×16×256``."""
    return "×".join(str(v) for v in shape)


class ModelOverview(QWidget):
    """A filter box over a tree of groups and layers; ``layersChosen(list of layer indices)``."""

    layersChosen = pyqtSignal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter layers by name…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setToolTip("Show only the layers whose name contains this text")
        self.filter.textChanged.connect(self.apply_filter)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Layer", "Output"])
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # Keras names differ at the end
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setToolTip("Pick a block or a layer: the maps of its block are drawn")
        self.tree.currentItemChanged.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        self.groups: list[tuple[str, list[int]]] = []
        self._items: dict[int, QTreeWidgetItem] = {}

    def set_layers(self, layers) -> None:
        """List ``layers`` (LayerView objects) by group and choose the first group."""
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items = {}
        self.groups = group_layers([view.name for view in layers])
        for group_index, (name, indices) in enumerate(self.groups):
            group = QTreeWidgetItem([f"{name}  ({len(indices)})", ""])
            group.setData(0, _INDEX, ("group", group_index))
            for index in indices:
                view = layers[index]
                item = QTreeWidgetItem(group, [view.name, shape_text(view.output_shape)])
                item.setData(0, _INDEX, ("layer", index))
                item.setToolTip(0, f"{view.name} ({view.kind}): " + (view.note or "click a cell of its map to replay it"))
                self._items[index] = item
            self.tree.addTopLevelItem(group)
        if len(self.groups) == 1:
            self.tree.expandAll()
        self.tree.blockSignals(False)
        if self.groups:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def layer_item(self, index: int) -> QTreeWidgetItem | None:
        """The tree row of layer ``index``."""
        return self._items.get(index)

    def shown_layers(self) -> list[int]:
        """Indices of the layers the filter leaves visible."""
        return [index for index, item in self._items.items() if not item.isHidden()]

    def choose_layer(self, index: int) -> None:
        """Select layer ``index`` (its group's maps are drawn)."""
        item = self._items.get(index)
        if item is not None:
            self.tree.setCurrentItem(item)

    def apply_filter(self, text: str) -> None:
        """Hide layers whose name lacks ``text`` (case-insensitive) and groups left empty."""
        text = text.strip().lower()
        for group_index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(group_index)
            visible = 0
            for child_index in range(group.childCount()):
                child = group.child(child_index)
                hidden = bool(text) and text not in child.text(0).lower()
                child.setHidden(hidden)
                visible += not hidden
            group.setHidden(visible == 0)
            if text:
                group.setExpanded(visible > 0)

    def _chosen(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        what, number = item.data(0, _INDEX)
        if what == "layer":
            number = next(i for i, (_, members) in enumerate(self.groups) if number in members)
        self.layersChosen.emit(list(self.groups[number][1]))
