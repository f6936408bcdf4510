"""Runs are folders: every training run written as it happens, readable while it grows (no Qt).

The format is described in ``FORMAT.md`` beside this file. :class:`RunWriter` appends events
(it is an ``emit``), :class:`RunReader` reads them back (incrementally with ``poll()``),
:class:`RunFollower` follows a growing run, :func:`default_runs_dir` is where runs go by default,
:func:`mark_ended` marks a run cut short (its process killed) as ended.
"""

from convviz.core.runs.follower import RunFollower
from convviz.core.runs.liveness import CUT_SHORT, mark_ended, writer_gone
from convviz.core.runs.locations import default_runs_dir, is_chief, new_run_dir
from convviz.core.runs.reader import RunFormatError, RunReader
from convviz.core.runs.records import RunRecord, from_record, json_ready, to_record
from convviz.core.runs.writer import FORMAT_VERSION, RunWriteError, RunWriter

__all__ = ["CUT_SHORT", "FORMAT_VERSION", "RunFollower", "RunFormatError", "RunReader", "RunRecord", "RunWriteError",
           "RunWriter", "default_runs_dir", "from_record", "is_chief", "json_ready", "mark_ended", "new_run_dir", "to_record",
           "writer_gone"]
