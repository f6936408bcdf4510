"""``--run-dir``: a headless run written as a run folder (see ``convviz/core/runs/FORMAT.md``)."""

from __future__ import annotations

from dataclasses import asdict

from convviz.cli import CliError

PROBE_EVERY = 20  # batches between snapshots in a run folder, as the Training tab probes


def open_run(path, config, source: str = "convviz train"):
    """A RunWriter for ``path`` storing ``config`` (a TrainingConfig), None without a path or on a
    non-chief worker; CliError (one line) if the folder cannot be written."""
    from convviz.core.runs import RunWriteError, RunWriter, is_chief, json_ready

    if not path or not is_chief():
        return None
    try:
        return RunWriter(path, config=json_ready(asdict(config)), source=source)
    except RunWriteError as exc:
        raise CliError(str(exc)) from None


def tee(emit, writer):
    """``emit``, also writing every event to ``writer`` first when there is one."""
    if writer is None:
        return emit

    def both(event) -> None:
        writer(event)
        emit(event)

    return both


def finish_run(writer, model) -> None:
    """Save ``model`` into the run folder (if there is one and a model) and mark the run ended."""
    if writer is None:
        return
    try:
        if model is not None:
            writer.save_model(model)
    finally:
        writer.close()
