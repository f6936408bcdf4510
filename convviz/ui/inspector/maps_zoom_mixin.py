"""The inspector maps' selection, keyboard and enlarged view (:class:`~convviz.ui.map_zoom.MapZoom`).

A mixin of :class:`~convviz.ui.inspector.layer_maps_view.LayerMapsView`: it uses the view's
``_cells`` ({layer: cell}), ``_entries``, ``_data``, ``_picked``, ``shown``, ``zoom`` and ``cellClicked``.
"""

from __future__ import annotations

import html

import numpy as np

from convviz.ui.tile_select import frame_tile

HINT = "Click: explain this cell. Double-click or Enter: enlarge the map."


class MapsZoomMixin:
    """Select a map (frame), enlarge it, read values on hover, move between maps with the keys."""

    def _tiles(self, layer: int) -> int:
        """How many maps ``layer`` shows (one for a vector or a colour picture)."""
        layout = self._cells[layer].layout
        return 1 if layout.flat or layout.colour else layout.count

    def _describe(self, layer: int, row: int, col: int) -> str:
        """The tooltip over pixel (row, col) of ``layer``'s image: where it is and its value."""
        cell = self._cells.get(layer)
        located = None if cell is None or self._data is None else cell.layout.locate(row, col)
        if located is None:
            return ""
        channel, r, c = located
        data = np.asarray(self._data[layer + 1])
        name = html.escape(self._entries[layer + 1][0])
        if cell.layout.flat:
            return f"{name} value {channel} = {float(data.ravel()[channel]):.4g}. {HINT}"
        if cell.layout.colour:
            rgb = ", ".join(f"{float(v):.3g}" for v in data[r, c])
            return f"{name} pixel row {r}, col {c}: red, green, blue = {rgb}. {HINT}"
        return f"{name} channel {channel}: row {r}, col {c} = {float(data[r, c, channel]):.4g}. {HINT}"

    def select(self, layer: int, channel: int) -> None:
        """Frame map ``channel`` of ``layer`` (-1: the input); an open enlarged view follows."""
        self.selected = (layer, channel)
        for index, cell in self._cells.items():
            frame_tile(cell.frame, cell.layout.tile_rect(channel) if index == layer else None)
        if self.zoom.isVisible():
            self.enlarge()

    def _zoom_values(self) -> tuple[np.ndarray, tuple[float, float]]:
        layer, channel = self.selected
        cell = self._cells.get(layer)
        data = np.asarray(self._data[layer + 1], np.float32)
        if cell is None:  # a layer of another block: its own colour range
            return data[..., channel] if data.ndim == 3 else data, (float(np.nanmin(data)), float(np.nanmax(data)))
        return cell.layout.values(data, channel), cell.levels

    def enlarge(self) -> None:
        """Open (or update) the enlarged view of the selected map, the picked cell ringed in it."""
        if self.selected is None or self._data is None or self.selected[0] not in self._cells:
            return
        layer, channel = self.selected
        name, kind, shape = self._entries[layer + 1]
        layout = self._cells[layer].layout
        values, levels = self._zoom_values()
        which = "" if layout.flat else f", channel {channel}"
        if layout.colour:
            which = f", {('red', 'green', 'blue')[channel]} channel"
        title = f"<b>{html.escape(name)}</b> ({html.escape(kind)}){which}, {'×'.join(str(v) for v in shape)}"
        reference = tuple(self._entries[0][2][:2])
        self.zoom.show_map(self.selected, title, values, levels, "viridis" if layer >= 0 else "CET-L1",
                           reference, layout.cols if layout.flat else None)
        self._mark_zoom()

    def _mark_zoom(self) -> None:
        """Ring the picked cell in the enlarged view when it is on that map."""
        picked, layer = self._picked, None if self.selected is None else self.selected[0]
        if picked is None or layer != picked[0] or layer not in self._cells:
            self.zoom.mark(None)
            return
        layout = self._cells[layer].layout
        if layout.flat:
            self.zoom.mark(divmod(picked[1], layout.cols))
        else:
            self.zoom.mark(picked[2:] if layout.colour or picked[1] == self.selected[1] else None)

    def _zoom_chosen(self, row: int, col: int) -> None:
        """A cell clicked in the enlarged view is picked like one clicked in the small map."""
        layer, channel = self.selected
        layout = self._cells[layer].layout
        if layout.flat:
            index = row * layout.cols + col
            if index < layout.size:
                self.cellClicked.emit(layer, index, 0, 0)
        else:
            self.cellClicked.emit(layer, channel, row, col)

    def _move(self, dx: int, dy: int) -> None:
        """Arrows: ←/→ the previous/next map (on through the layers), ↑/↓ the previous/next layer."""
        layers = [layer for layer in [-1, *self.shown] if layer in self._cells]
        if not layers:
            return
        layer, channel = self.selected if self.selected and self.selected[0] in layers else (layers[0], -dx)
        position = layers.index(layer)
        if dy:
            position = max(0, min(len(layers) - 1, position + dy))
            channel = min(channel, self._tiles(layers[position]) - 1)
        else:
            channel += dx
            if channel >= self._tiles(layer) and position + 1 < len(layers):
                position, channel = position + 1, 0
            elif channel < 0 and position > 0:
                position -= 1
                channel = self._tiles(layers[position]) - 1
        layer = layers[position]
        self.select(layer, max(0, min(self._tiles(layer) - 1, channel)))

    def _focused(self) -> None:
        """Tabbing in selects the input, so the frame shows where the keys act."""
        if self.selected is None and self._cells and self._data is not None:
            self.select(-1, 0)
