"""`convviz animate`: not built yet."""

from __future__ import annotations

from convviz.cli import CliError


def register(subparsers) -> None:
    """Add the ``animate`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser("animate", help="(coming soon)")
    parser.set_defaults(run=run)


def run(args) -> int:
    """Run ``convviz animate``."""
    raise CliError("not available yet")
