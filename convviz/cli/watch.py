"""`convviz watch RUN_DIR`: the app's window showing a run folder in the Training tab, live while it grows."""

from __future__ import annotations

from convviz.cli import CliError, options


def register(subparsers) -> None:
    """Add the ``watch`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "watch", help="open the window showing a run folder in the Training tab, live while it grows",
        description="Open convviz with a run folder (written by 'convviz train --run-dir', LiveCallback "
        "or the app) in the Training tab: curves, filters, activations and timeline follow the run "
        "while it is written and show all of it once it has ended.",
    )
    parser.add_argument("run_dir", type=options.existing_path, metavar="RUN_DIR", help="the run folder")
    parser.set_defaults(run=run)


def run(args) -> int:
    """Run ``convviz watch``: the window's exit code; CliError (exit 2) for a folder that is not a run."""
    from convviz.core.runs import RunFormatError, RunReader

    try:
        RunReader(args.run_dir)  # checked before any window opens
    except RunFormatError as exc:
        raise CliError(str(exc)) from None
    from convviz.ui.launch import display_problem

    problem = display_problem()
    if problem:
        raise CliError(problem)
    from convviz.ui.training.run_source import watch_run_in_window

    return watch_run_in_window(args.run_dir)
