"""`convviz report RUN_DIR --out report.png`: a run's dashboard as one PNG, no window needed."""

from __future__ import annotations

from pathlib import Path

from convviz.cli import CliError, options


def register(subparsers) -> None:
    """Add the ``report`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "report", help="draw a run folder's curves, filters, activations and summary as one PNG",
        description="Draw a run folder (written by the Training tab, 'convviz train --run-dir' or "
        "LiveCallback) as one 1600x1000 PNG: loss and accuracy curves, the first convolution's "
        "filters and the activations at the last snapshot, the model summary and final metrics.",
    )
    parser.add_argument("run_dir", type=options.existing_path, metavar="RUN_DIR", help="the run folder")
    parser.add_argument("--out", default="report.png", type=options.output_path, metavar="FILE.png", help="default: report.png")
    parser.set_defaults(run=run)


def run(args) -> int:
    """Run ``convviz report``: 0 when the PNG is written; CliError for a bad folder or output."""
    from convviz.core.report import write_report
    from convviz.core.runs import RunFormatError

    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".png":
        raise CliError(f"{out}: the report is a PNG; use a name ending in .png")
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise CliError(f"{out}: the folder {out.parent} does not exist")
    try:
        written = write_report(args.run_dir, out)
    except RunFormatError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{out}: could not write the report ({exc.strerror or exc})") from None
    print(f"Report written to {written}")
    return 0
