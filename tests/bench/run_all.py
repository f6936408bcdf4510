"""Run every convviz bench and print one combined table (and a Markdown one for the README).

Run: ``python tests/bench/run_all.py [--soak-minutes 20] [--quick] [--only engine,soak] [--markdown] [--json]``

Each bench script runs in its own process with ``--json`` (so one bench's TensorFlow, threads
or leaks cannot colour another's figures); its figures are reduced to rows of
``what, figure, baseline, ratio, target, met``. The baseline of every ratio is measured in the
same run of the same script. Targets marked "(assumed)" are not from the issue text but the
level the performance notes make plausible; adjust them in ``TRAINING_TARGETS``.
``--quick`` uses fewer repeats and epochs (minutes instead of a quarter of an hour, noisier).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _report import machine, report  # noqa: E402

# bench name -> (script, arguments for a full run, arguments for --quick)
BENCHES = {
    "startup": ("bench_startup.py", ["--runs", "5"], ["--runs", "3"]),
    "studio": ("bench_studio.py", [], []),
    "engine": ("bench_engine.py", ["--repeats", "300"], ["--repeats", "100"]),
    "training-headless": ("bench_training_headless.py", ["--epochs", "3", "--repeats", "3"],
                          ["--epochs", "2", "--repeats", "1"]),
    "training-gui": ("bench_training_gui.py", ["--epochs", "3", "--repeats", "2"], ["--epochs", "2", "--repeats", "1"]),
    "soak": ("bench_soak.py", [], []),
    "studio-depth": ("bench_studio_depth.py", [], []),
    "inspector": ("bench_inspector.py", ["--seconds", "5"], ["--seconds", "2"]),
    "inspector-graph": ("bench_inspector_graph.py", ["--repeats", "20"], ["--repeats", "5"]),
    "inspector-ui": ("bench_inspector_ui.py", ["--repeats", "3"], ["--repeats", "1"]),
    "live-callback": ("bench_live_callback.py", ["--epochs", "3", "--repeats", "3"], ["--epochs", "2", "--repeats", "1"]),  # rates skip epoch 1
    "trainer-process": ("bench_trainer_process.py", ["--runs", "20"], ["--runs", "5", "--repeats", "1"]),
}
TRAINING_TARGETS = {"session": 0.95, "tab/activations": 0.8, "tab/filters": 0.8}  # x of fit-numpy (assumed; <5% is noise)


def run_bench(name: str, extra: list[str], timeout_s: float) -> tuple[dict | None, str]:
    """Run one bench script with --json; return (its JSON, an error text or "")."""
    script, _, _ = BENCHES[name]
    command = [sys.executable, str(HERE / script), *extra, "--json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, cwd=HERE.parent.parent)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout_s:.0f} s"
    text = done.stdout
    start = text.find("{\n")
    if start < 0:
        start = text.find("{")
    try:
        return json.loads(text[start:]), ("" if done.returncode in (0, 1) else f"exit code {done.returncode}")
    except (ValueError, json.JSONDecodeError):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"exit code {done.returncode}: {tail}"


def _row(bench, what, figure, baseline="-", ratio="-", target="-", met="-") -> dict:
    return {"bench": bench, "what": what, "figure": figure, "baseline": baseline,
            "ratio": ratio if isinstance(ratio, str) else f"{ratio:.2f}", "target": target,
            "met": met if isinstance(met, str) else ("yes" if met else "NO")}


def rows_for(name: str, data: dict) -> list[dict]:
    """Reduce one bench's JSON to combined-table rows."""
    rows = data["rows"]
    if name == "startup":
        bare = rows[0]["seconds"]
        return [_row(name, r["what"], f"{r['seconds']:.2f} s", f"bare QMainWindow {bare:.2f} s", r["ratio"],
                     r["target"], r.get("met", "-")) for r in rows[1:]]
    if name == "studio":
        return [_row(name, r["what"], f"{r['ms']:.2f} ms", r["baseline"], r["ratio"], r["target"], r["met"])
                for r in rows]
    if name == "engine":
        return [_row(name, r["what"], f"{r['engine_ms']:.3f} ms (p90 {r['engine_p90_ms']:.2f})",
                     f"tf.nn {r['tf_ms']:.3f} ms", r["ratio"],
                     r["target"], r["met"]) for r in rows]
    if name in ("training-headless", "training-gui"):
        ratio_key = "x_fit_numpy" if name == "training-headless" else "x_fit"
        fit = next(r for r in rows if r["run"] == "fit-numpy")["samples/s"]
        out = []
        for r in rows:
            if r["run"] == "fit-numpy":
                continue
            if r["run"].startswith("close"):
                out.append(_row(name, "close the tab mid-run", r["max"].replace("close_s ", "") + " s"))
                continue
            wanted = next((v for k, v in TRAINING_TARGETS.items() if r["run"].startswith(k)
                           and (k != "tab/activations" or "," not in r["run"])), None)
            extra = f" (GUI lateness p99 {r['p99']:.0f} ms)" if isinstance(r.get("p99"), float) else ""
            out.append(_row(name, r["run"] + extra, f"{r['samples/s']:,.0f} samples/s", f"fit-numpy {fit:,.0f}/s",
                            r[ratio_key], f">= {wanted:g}x (assumed)" if wanted else "-",
                            r[ratio_key] >= wanted if wanted else "-"))
        return out
    if name == "soak":
        v = data["verdict"]
        leaks = v["extra_threads_after_run1"]
        return [
            _row(name, f"RSS after {v['runs']} runs in one window ({v['minutes']:.1f} min)"
                 + (", stopped at the RSS cap" if v.get("stopped_at_rss_cap") else ""),
                 f"{v['rss_last_mb']:.0f} MB", f"after run 1 {v['rss_run1_mb']:.0f} MB", 1 + v["rss_growth"],
                 "<= 1.10 (+10%)", v["rss_met"]),
            _row(name, "threads above their run-1 count (python/os/QThread); QThreads after close",
                 f"{leaks['py_threads']}/{leaks['os_threads']}/{leaks['qthreads_running']}; "
                 f"{v['qthreads_running_after_close']}", "after run 1", "-", "none", v["threads_met"]),
        ]
    return generic_rows(name, rows)


def _text(value) -> str:
    return f"{value:,.3g}" if isinstance(value, float) else str(value)


def generic_rows(name: str, rows: list[dict]) -> list[dict]:
    """Rows of a bench that reports ``what`` plus figures: its ratio, target and verdict when it has them."""
    out = []
    for r in rows:
        what = str(r.get("what", r.get("run", "?")))
        ratio = next((v for k, v in r.items() if "ratio" in k.lower() and isinstance(v, (int, float))), "-")
        figures = [f"{k} {_text(v)}" for k, v in r.items()
                   if k not in ("what", "run", "target", "met", "baseline") and "ratio" not in k.lower()]
        out.append(_row(name, what, "; ".join(figures)[:90], _text(r.get("baseline", "-")), ratio,
                        _text(r.get("target", "-")), r.get("met", "-")))
    return out


def markdown(rows: list[dict]) -> str:
    """The combined rows as a Markdown table."""
    keys = ["bench", "what", "figure", "baseline", "ratio", "target", "met"]
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]).replace("|", "/") for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soak-minutes", type=float, default=3.0, help="soak duration (default 3; the issue's is 20)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and epochs")
    parser.add_argument("--only", default="", help="comma-separated bench names: " + ", ".join(BENCHES))
    parser.add_argument("--timeout-minutes", type=float, default=40.0, help="per bench")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table for the README")
    parser.add_argument("--json", action="store_true", help="print the combined rows as JSON")
    args = parser.parse_args(argv)
    chosen = [name for name in BENCHES if not args.only or name in args.only.split(",")]
    rows, problems = [], []
    for name in chosen:
        _, full, quick = BENCHES[name]
        extra = list(quick if args.quick else full)
        if name == "soak":
            extra += ["--minutes", str(args.soak_minutes)]
        started = time.monotonic()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        data, error = run_bench(name, extra, args.timeout_minutes * 60 + (args.soak_minutes * 60 if name == "soak" else 0))
        print(f"  {name}: {time.monotonic() - started:.0f} s{' - ' + error if error else ''}", file=sys.stderr, flush=True)
        if data is None:
            problems.append(name)
            rows.append(_row(name, "(bench failed)", error, met="NO"))
        else:
            rows.extend(rows_for(name, data))
    if args.json:
        print(json.dumps({"machine": machine(), "rows": rows}, indent=2))
    else:
        report("convviz benchmarks (each ratio against a baseline measured in the same run)", rows)
        if args.markdown:
            info = machine()
            print(f"\nMachine: {info['cores']} cores, {info['cpu']}; Python {info['python']}, numpy {info['numpy']}, "
                  f"TensorFlow {info['tensorflow']}, Keras {info['keras']}, PyQt6 {info['PyQt6']}, "
                  f"pyqtgraph {info['pyqtgraph']}.\n")
            print(markdown(rows))
    missed = [r for r in rows if r["met"] == "NO"]
    return 1 if missed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
