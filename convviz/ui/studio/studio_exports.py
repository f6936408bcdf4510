"""Save PNG… and Save GIF… of the studio tab: file names with the settings, one line in the message bar.

:class:`StudioExports` is mixed into :class:`~convviz.ui.studio.studio_tab.StudioTab`; it uses its
``state``, ``transport``, ``message_bar`` and ``export_gif_button``.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QFileDialog

from convviz.core.errors import first_line
from convviz.core.gif_stream import ExportCancelled
from convviz.core.studio_text import settings_slug
from convviz.ui.studio.export import export_gif, export_png, gif_export_task
from convviz.ui.worker import Worker


class StudioExports:
    """The studio tab's exports: the current frame as a PNG, the whole animation as a GIF."""

    def default_export_name(self, ext: str) -> str:
        """A file name with the settings in it, e.g. ``convviz_seed5_k3x3-seed_s1_valid_d1_step4.png``."""
        slug = settings_slug(self.state.settings)
        if ext == ".png":
            return f"convviz_{slug}_step{self.state.index + 1}.png"
        return f"convviz_{slug}.gif"

    def export_png_to(self, path) -> Path | None:
        """Write the current frame to ``path``; problems go to the message bar (returns None)."""
        try:
            index = min(self.state.index, max(self.state.result.n_steps - 1, 0))  # the stamps' frames
            written = export_png(self.state.result, index, path)
        except Exception as exc:  # noqa: BLE001 (any failure is shown, the window stays alive)
            self.message_bar.show_error(f"Could not export the frame to {Path(path).name}: {first_line(exc)}")
            return None
        self.message_bar.show_info(f"Saved the frame to {written}")
        return written

    def export_gif_to(self, path, progress=None) -> Path | None:
        """Write the whole animation to ``path``; problems go to the message bar (returns None)."""
        self.transport.pause()
        try:
            written = export_gif(self.state.result, path, fps=min(self.transport.speed.value(), 50),
                                 progress=progress)
        except ExportCancelled:
            self.message_bar.show_info("GIF export cancelled; nothing was written.")
            return None
        except Exception as exc:  # noqa: BLE001
            self.message_bar.show_error(f"Could not export the animation to {Path(path).name}: {first_line(exc)}")
            return None
        self.message_bar.show_info(f"Saved {self.state.n_steps} frames to {written}")
        return written

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export frame as PNG",
                                              str(Path.home() / self.default_export_name(".png")),
                                              "PNG image (*.png)")
        if path:
            self.export_png_to(path)

    def _ask_gif(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export animation as GIF",
                                              str(Path.home() / self.default_export_name(".gif")),
                                              "GIF animation (*.gif)")
        if path:
            self.start_gif_export(path)

    def start_gif_export(self, path) -> Worker:
        """Start writing the whole animation to ``path``, one frame per event-loop turn; return its worker.

        A non-modal dialog shows the progress and its Cancel stops the export (nothing is written);
        the outcome, success, cancel or failure, is one line in the message bar.
        """
        self.transport.pause()
        task = gif_export_task(self, self.state.result, path, min(self.transport.speed.value(), 50), self.message_bar)
        self.export_gif_button.setEnabled(False)
        task.worker.finished.connect(lambda: self.export_gif_button.setEnabled(self.state.result.n_steps > 0))
        task.start()
        self.export_worker = task.worker  # the window stops it when it closes
        return task.worker
