"""`convviz evaluate`: not built yet."""

from __future__ import annotations

from convviz.cli import CliError


def register(subparsers) -> None:
    """Add the ``evaluate`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser("evaluate", help="(coming soon)")
    parser.set_defaults(run=run)


def run(args) -> int:
    """Run ``convviz evaluate``."""
    raise CliError("not available yet")
