"""A clicked cell explained: its receptive field over the real graph and the replay of its arithmetic.

Both are computed in the inspector's worker thread; answers for a cell that is no longer the
picked one are dropped. Cells that cannot be replayed (Dense, Flatten, the probabilities) are
described in words, never silently ignored.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QLabel

from convviz.core.gate import safe_name


def describe_value(view, index: int, value: float, class_name: str | None) -> str:
    """One sentence on value ``index`` of a layer whose output is a vector."""
    name = safe_name(view.name)
    if class_name is not None:
        named = "" if class_name == str(index) else f" ({safe_name(class_name)})"
        return f"{name} ({view.kind}) value {index} = {value:.6g}: the model's score for class {index}{named}."
    if view.kind == "Flatten":
        return f"{name} (Flatten) value {index} = {value:.6g}: one cell of the maps before it, laid out in a row."
    return f"{name} ({view.kind}) value {index} = {value:.6g}, computed from every value of the layer before."


def field_text(view, cell, channel: int, mask: np.ndarray | None, spatial: bool) -> str:
    """Where a cell's receptive field lies on the input, in words."""
    where = f"({cell[0]}, {cell[1]}), channel {channel}" if spatial else f"value {channel}"
    if mask is None or not mask.any():
        return f"{safe_name(view.name)} {where} does not depend on the input."
    rows, cols = np.nonzero(mask)
    whole = " (the whole input)" if mask.all() else ""
    return (f"{safe_name(view.name)} {where} depends on {int(mask.sum())} input pixels{whole}, "
            f"rows {rows.min()}–{rows.max()}, columns {cols.min()}–{cols.max()}.")


class CellPicker(QObject):
    """Runs the field and replay jobs for a picked cell and shows their answers; ``replayed(Replay)``."""

    replayed = pyqtSignal(object)

    def __init__(self, tab, field_label: QLabel) -> None:
        super().__init__(tab)
        self._tab = tab
        self.field_label = field_label
        self.picked: tuple[int, int, int, int] | None = None
        self._hint = field_label.text()
        tab.probabilities.barClicked.connect(self._bar_clicked)
        tab.modelReady.connect(lambda _info: field_label.setText(self._hint))  # no old model's field stays

    def _bar_clicked(self, index: int) -> None:
        """A probability bar stands for the output layer's value ``index``: explain that cell."""
        tab = self._tab
        if tab.info is not None and tab.inspection is not None:
            output = tab.info.output_index if tab.info.output_index >= 0 else len(tab.info.layers) - 1
            tab.pick_cell(output, index, 0, 0)

    def pick(self, layer: int, channel: int, row: int, col: int) -> None:
        """Explain cell (row, col) of ``channel`` of ``layer`` (-1: the input)."""
        tab = self._tab
        self.picked = (layer, channel, row, col)
        if layer < 0:
            tab.maps.show_field({}, self.picked)
            value = tab.inspection.image[row, col, channel]
            self.field_label.setText(f"Input pixel ({row}, {col}), channel {channel} = {value:.4g}")
            tab.replay_panel.show_note("An input pixel: nothing was computed to make it.")
            return
        tab.overview.choose_layer(layer)  # its row, and its block's maps so the marker can be seen
        picked = self.picked
        job = tab.jobs.receptive_fields(layer, (row, col))
        tab.run(job, lambda masks: self._field(picked, masks))
        self.replay()

    def replay(self) -> None:
        """(Re)compute the replay of the picked cell on the current input."""
        tab, picked = self._tab, self.picked
        if picked is None or picked[0] < 0 or tab.inspection is None:
            return
        layer, channel, row, col = picked
        view = tab.info.layers[layer]
        output = np.asarray(tab.inspection.activations[layer])
        if view.replayable:
            job = tab.jobs.replay(tab.inspection.image, layer, (row, col), channel)
            tab.run(job, lambda replay: self._replayed(picked, replay))
        elif output.ndim != 3:
            name = tab.class_name(channel) if layer == tab.info.output_index else None
            note = describe_value(view, channel, float(output.ravel()[channel]), name)
            tab.replay_panel.show_note(f"{note} {safe_name(view.note, 300)}".strip())
        else:
            tab.replay_panel.show_note(safe_name(view.note, 300) or
                                       f"{safe_name(view.name)} ({view.kind}) cannot be replayed.")

    def _field(self, picked, masks) -> None:
        if picked != self.picked:
            return
        layer, channel, row, col = picked
        view = self._tab.info.layers[layer]
        self._tab.maps.show_field(masks, picked)
        self.field_label.setText(field_text(view, (row, col), channel, masks.get(-1), len(view.output_shape) == 3))

    def _replayed(self, picked, replay) -> None:
        if picked != self.picked:
            return
        self._tab.replay_panel.show_replay(replay)
        self.replayed.emit(replay)
