"""Undo and redo for the layer editor: snapshots of the whole stack (LayerSpecs are immutable).

Typing "32" into one spin box fires two edits (3, then 32); they merge into one step as long as
the same setting keeps the focus, so one Ctrl+Z takes back what a person sees as one change.
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QWidget

HISTORY_LIMIT = 200  # steps kept; older ones are forgotten
UNDO_KEYS = (QKeySequence.StandardKey.Undo,)
REDO_KEYS = (QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"))


class SpecHistory:
    """The stacks a layer editor showed, to step back and forth through."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self.limit = limit
        self.current: tuple | None = None
        self._undo: list[tuple] = []
        self._redo: list[tuple] = []
        self._merge: object = None

    def can_undo(self) -> bool:
        """True when there is a step to take back."""
        return bool(self._undo)

    def can_redo(self) -> bool:
        """True when an undone step can be made again."""
        return bool(self._redo)

    def end_merge(self) -> None:
        """The next edit starts a new step (the focus moved to another setting)."""
        self._merge = None

    def record(self, specs, merge: object = None) -> bool:
        """Remember ``specs`` as the stack now shown; returns True if it differs from before.

        An edit with the same non-None ``merge`` key as the previous one replaces that step.
        """
        specs = tuple(specs)
        if specs == self.current:
            return False
        if self.current is not None and not (merge is not None and merge == self._merge and self._undo):
            self._undo = [*self._undo, self.current][-self.limit:]
        self._redo.clear()
        self.current, self._merge = specs, merge
        return True

    def undo(self) -> tuple | None:
        """The stack before the last step (None if there is none); it becomes the current one."""
        return self._step(self._undo, self._redo)

    def redo(self) -> tuple | None:
        """The stack the last undo took back (None if there is none)."""
        return self._step(self._redo, self._undo)

    def _step(self, source: list, target: list) -> tuple | None:
        if not source:
            return None
        target.append(self.current)
        self.current, self._merge = source.pop(), None
        return self.current


def undo_actions(owner: QWidget, undo, redo) -> tuple[QAction, QAction]:
    """Undo (Ctrl+Z) and Redo (Ctrl+Shift+Z, Ctrl+Y) actions that work while the focus is in ``owner``."""
    actions = []
    for text, keys, run, tip in (
        ("Undo", UNDO_KEYS, undo, "Undo the last change to the layers (Ctrl+Z)"),
        ("Redo", REDO_KEYS, redo, "Redo the change just undone (Ctrl+Shift+Z or Ctrl+Y)"),
    ):
        action = QAction(text, owner)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False, run=run: run())
        owner.addAction(action)
        actions.append(action)
    return actions[0], actions[1]


def is_history_key(event) -> bool:
    """True for a key event that is Undo or Redo: a spin box must not keep it for its own text undo."""
    if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
        return False
    combo = QKeySequence(event.keyCombination())
    return event.matches(QKeySequence.StandardKey.Undo) or any(
        combo.matches(key) == QKeySequence.SequenceMatch.ExactMatch for key in REDO_KEYS)
