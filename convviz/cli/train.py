"""`convviz train`: not built yet."""

from __future__ import annotations

from convviz.cli import CliError


def register(subparsers) -> None:
    """Add the ``train`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser("train", help="(coming soon)")
    parser.set_defaults(run=run)


def run(args) -> int:
    """Run ``convviz train``."""
    raise CliError("not available yet")
