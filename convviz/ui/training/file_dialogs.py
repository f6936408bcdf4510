"""The file pickers of the training tab; each returns a path, or "" when the user cancels."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QFileDialog, QWidget

from convviz.ui.training.model_folder import model_folder, remember_model_folder


def ask_save_model_path(parent: QWidget) -> str:
    """Where to save a model (always ending in .keras); the dialog opens in the last model folder used."""
    path, _ = QFileDialog.getSaveFileName(parent, "Save model", str(Path(model_folder()) / "model.keras"),
                                          "Keras models (*.keras)")
    remember_model_folder(path)
    return path if not path or path.endswith(".keras") else path + ".keras"


def ask_model_path(parent: QWidget) -> str:
    """A .keras model to load; the dialog opens in the last model folder used."""
    path, _ = QFileDialog.getOpenFileName(parent, "Load model", model_folder(), "Keras models (*.keras)")
    remember_model_folder(path)
    return path


def ask_npz_path(parent: QWidget) -> str:
    """A .npz archive of digits (x, y or x_train, y_train, x_test, y_test)."""
    path, _ = QFileDialog.getOpenFileName(parent, "Open training data", "", "NumPy archives (*.npz);;All files (*)")
    return path


def ask_idx_folder(parent: QWidget) -> str:
    """A folder of MNIST IDX files."""
    return QFileDialog.getExistingDirectory(parent, "Open a folder of MNIST IDX files")


def connect_file_actions(controls, parent: QWidget, save, load, use_data) -> None:
    """Ask for a path when the controls' file actions fire, then call ``save``, ``load`` or ``use_data`` with it."""
    controls.save_clicked.connect(lambda: _use(ask_save_model_path(parent), save))
    controls.load_clicked.connect(lambda: _use(ask_model_path(parent), load))
    controls.open_npz_clicked.connect(lambda: _use(ask_npz_path(parent), use_data))
    controls.open_idx_clicked.connect(lambda: _use(ask_idx_folder(parent), use_data))


def _use(path: str, act) -> None:
    if path:  # "" when the user cancelled
        act(path)
