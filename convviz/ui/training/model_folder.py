"""The folder Save model… and Load model… open in: the last one used (kept in the app's settings),
else the home folder, never the folder the app happened to be started from."""

from __future__ import annotations

from pathlib import Path

from convviz.ui.app_settings import open_settings

FOLDER_KEY = "files/model_folder"


def model_folder() -> str:
    """The folder of the last model saved or loaded, if it still exists; else the home folder."""
    folder = open_settings().value(FOLDER_KEY, "")
    if isinstance(folder, str) and folder and Path(folder).is_dir():
        return folder
    return str(Path.home())


def remember_model_folder(path: str) -> None:
    """Remember the folder of the model file ``path`` for the next dialog ("" : nothing to remember)."""
    if not path:
        return
    settings = open_settings()
    settings.setValue(FOLDER_KEY, str(Path(path).resolve().parent))
    settings.sync()
