"""Command-line entry point: ``convviz`` opens the window, subcommands work headless.

Nothing here imports TensorFlow or Qt at module level: the window has to appear
before TensorFlow's slow import, and headless commands must not need a display.
"""

from __future__ import annotations

import argparse
import sys

from convviz import __version__
from convviz.cli import CliError, animate, evaluate, report, silence_tensorflow_logs, train, watch


class OneLineErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (exit code 2), like every other
    convviz error: the full usage of a command runs to seven lines and buries the mistake."""

    def error(self, message: str):
        """Print ``message`` as one line naming the command and exit with code 2."""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for ``convviz`` and all its subcommands."""
    parser = OneLineErrorParser(
        prog="convviz",
        description="See what a convolutional neural network does. "
        "Run without a command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"convviz {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineErrorParser)
    for command in (animate, train, evaluate, watch, report):
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run convviz with ``argv`` (defaults to ``sys.argv[1:]``) and return the exit code."""
    silence_tensorflow_logs()  # before anything imports TensorFlow, in the window as in the commands
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from convviz.ui.launch import run_gui

        return run_gui()
    try:
        return int(args.run(args) or 0)
    except CliError as exc:
        from convviz.core.gate import safe_line  # names from others' files: escape codes shown, not run

        print(f"convviz {args.command}: error: {safe_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"convviz {args.command}: interrupted", file=sys.stderr)
        return 130
