"""The lab's random seed: a number that makes a run repeatable, or "random" for a new one each run."""

from __future__ import annotations

import secrets

from PyQt6.QtWidgets import QCheckBox, QHBoxLayout, QSpinBox, QWidget

MAX_SEED = 2**31 - 1  # the largest a spin box holds (the CLI takes up to 2**32 - 1)


class SeedControl(QWidget):
    """A "Seed" spin box and a "random" check box.

    :meth:`seed_for_run` gives the seed a new run uses: the number shown, or with "random"
    ticked a fresh one, which is then shown so the run can be repeated by unticking it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = QSpinBox(minimum=0, maximum=MAX_SEED, value=0)
        self.spin.setToolTip("The random seed: the same seed and settings give the same initial "
                             "weights and batches, so the same losses")
        self.random = QCheckBox("random")
        self.random.setToolTip("Draw a new seed for every run (the seed used is then shown beside)")
        self.random.toggled.connect(lambda on: self.spin.setEnabled(self.isEnabled() and not on))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.spin, 1)
        layout.addWidget(self.random)

    def seed_for_run(self) -> int:
        """The seed for the run about to start (a new one, shown, when "random" is ticked)."""
        if self.random.isChecked():
            self.spin.setValue(secrets.randbelow(MAX_SEED + 1))
        return self.spin.value()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Keep the spin box off while "random" is ticked, whatever enables the whole control."""
        super().changeEvent(event)
        self.spin.setEnabled(self.isEnabled() and not self.random.isChecked())
