"""``convviz animate``: the studio's animation as a GIF (one frame per step) or one step as a PNG.

Settings and steps come from :mod:`convviz.core.studio` (no Qt). The classic single-channel
convolution is drawn with the studio's own views, offscreen, so files look like the app; the
kinds in depth (``--kind``, ``--in-channels``, ``--filters``, …) with the core's Pillow
renderer (:mod:`convviz.cli.animate_depth`). GIF frames are streamed, with progress on stderr.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from convviz.cli import CliError, options
from convviz.cli.animate_depth import FRAME_COUNTS, add_arguments, depth_changes, write_depth

MAX_KERNEL = 9


def register(subparsers) -> None:
    """Add the ``animate`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "animate",
        help="write the convolution studio's animation (GIF) or one step (PNG), no window needed",
        description="Slide a kernel over a feature map and write every step to a GIF (one frame per "
        "kernel position and filter, then one per pooling window) or one step to a PNG. " + FRAME_COUNTS,
    )
    parser.add_argument("--input", default="random", metavar="KIND",
                        help="seed (the 5x5 conv-arithmetic map), digit:N (bundled MNIST digit N, 28x28), "
                        "random (integers 0-9), checker, or photo[:NAME] (a colour photo: chelsea, coffee "
                        "or astronaut); default random")
    parser.add_argument("--input-size", type=int, default=None, metavar="N",
                        help="side of random/checker/photo inputs, 3-64 (default 7)")
    parser.add_argument("--seed", type=options.seed, default=0, help="random seed for random inputs and kernels")
    parser.add_argument("--kernel-size", default="3", metavar="K",
                        help="kernel size K or HxW, 1-9 (default 3)")
    parser.add_argument("--kernel", default=None, metavar="PRESET",
                        help="seed, identity, box, gaussian, sharpen, sobel-x, sobel-y, laplacian or random "
                        "(default: seed at 3x3, random otherwise)")
    parser.add_argument("--stride", type=int, default=1)
    parser.add_argument("--padding", default="valid", help="valid, same, or a number of cells on every side")
    parser.add_argument("--dilation", type=int, default=1)
    parser.add_argument("--pool", choices=("max", "avg", "sum"), default=None, help="add a pooling stage")
    parser.add_argument("--pool-size", type=int, default=2)
    parser.add_argument("--pool-stride", type=int, default=None, help="default: the pool size")
    parser.add_argument("--pool-padding", choices=("valid", "same"), default="valid")
    parser.add_argument("--step", type=int, default=None,
                        help="PNG only: which step to draw, 1-based (default: the last)")
    parser.add_argument("--fps", type=float, default=4.0, help="GIF frames per second, 0.5-50 (default 4)")
    parser.add_argument("--out", required=True, type=options.output_path,
                        help="output file: .gif (all steps) or .png (one step)")
    add_arguments(parser)
    parser.set_defaults(run=run)


def _kernel_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*(?:[xX×]\s*(\d+))?\s*", text)
    if not match:
        raise CliError(f"--kernel-size must be K or HxW, got {text!r}")
    kh = int(match.group(1))
    kw = int(match.group(2) or kh)
    if not (1 <= kh <= MAX_KERNEL and 1 <= kw <= MAX_KERNEL):
        raise CliError(f"--kernel-size must be between 1 and {MAX_KERNEL}, got {text.strip()}")
    return kh, kw


def _padding(text: str):
    word = text.strip().lower()
    if word in ("valid", "same"):
        return word
    if word.isdigit() and int(word) <= 64:
        return ((int(word), int(word)), (int(word), int(word)))
    raise CliError(f"--padding must be valid, same or a number of cells 0-64, got {text!r}")


def build_settings(args):
    """Turn parsed arguments into StudioSettings; CliError for anything out of range."""
    from convviz.arithmetic.presets import KERNEL_PRESETS, kernel_preset
    from convviz.core.studio import MAX_INPUT_SIZE, MIN_INPUT_SIZE, StudioSettings, digit_count

    from convviz.assets import PHOTOS

    kind, digit, photo = args.input.strip().lower(), 0, PHOTOS[0]
    if kind.startswith("digit:"):
        number = kind.split(":", 1)[1]
        if not number.isdigit() or int(number) >= digit_count():
            raise CliError(f"digit index must be between 0 and {digit_count() - 1}, got {number!r}")
        kind, digit = "digit", int(number)
    elif kind == "photo" or kind.startswith("photo:"):
        kind, photo = "photo", kind.partition(":")[2] or photo
        if photo not in PHOTOS:
            raise CliError(f"unknown photo {photo!r}: use {', '.join(PHOTOS)}")
    elif kind not in ("seed", "random", "checker"):
        raise CliError(f"unknown --input {args.input!r}: use seed, digit:N, random, checker or photo[:NAME]")
    size = 7 if args.input_size is None else args.input_size
    if not MIN_INPUT_SIZE <= size <= MAX_INPUT_SIZE:
        raise CliError(f"--input-size must be between {MIN_INPUT_SIZE} and {MAX_INPUT_SIZE}, got {size}")
    if args.input_size is not None and kind in ("seed", "digit"):
        fixed = 5 if kind == "seed" else 28
        if size != fixed:
            raise CliError(f"the {kind} input is {fixed}x{fixed}; --input-size applies to random, checker and photo only")
    kh, kw = _kernel_size(args.kernel_size)
    preset = args.kernel or ("seed" if (kh, kw) == (3, 3) else "random")
    if preset not in KERNEL_PRESETS:
        raise CliError(f"unknown --kernel {preset!r}: choose one of {', '.join(KERNEL_PRESETS)}")
    try:
        kernel = kernel_preset(preset, (kh, kw), args.seed)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    for name in ("stride", "dilation", "pool_size"):
        if not 1 <= getattr(args, name) <= 64:
            raise CliError(f"--{name.replace('_', '-')} must be between 1 and 64, got {getattr(args, name)}")
    if args.pool_stride is not None and not 1 <= args.pool_stride <= 64:
        raise CliError(f"--pool-stride must be between 1 and 64, got {args.pool_stride}")
    return StudioSettings(
        input_kind=kind, input_size=size, digit_index=digit, random_seed=args.seed, kernel=kernel,
        kernel_preset=preset, stride=args.stride, padding=_padding(args.padding), dilation=args.dilation,
        pool=args.pool is not None, pool_mode=args.pool or "max", pool_size=args.pool_size,
        pool_stride=args.pool_stride, pool_padding=args.pool_padding, photo=photo, **depth_changes(args),
    )


def _check_output(path: Path, ext: str) -> None:
    if ext not in (".gif", ".png"):
        raise CliError(f"--out must end in .gif (animation) or .png (one step), got {path.name!r}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"the output folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise CliError(f"cannot write to the output folder {folder}")
    if path.is_dir():
        raise CliError(f"--out {path} is a folder, not a file name")


def ensure_qapplication():
    """Return the QApplication, creating one (offscreen when there is no display)."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtCore import qInstallMessageHandler
    from PyQt6.QtWidgets import QApplication

    def quiet(_mode, _context, message: str) -> None:
        if "propagateSizeHints" not in message:  # the offscreen platform's harmless chatter
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    return QApplication.instance() or QApplication(["convviz-animate"])


def run(args) -> int:
    """Run ``convviz animate``: validate, compute the steps, render, write atomically."""
    from convviz.core.studio import compute_studio

    path = Path(args.out)
    ext = path.suffix.lower()
    _check_output(path, ext)
    if ext == ".gif" and args.step is not None:
        raise CliError("--step picks one frame for a .png; a .gif holds every step")
    if not 0.5 <= args.fps <= 50:
        raise CliError(f"--fps must be between 0.5 and 50, got {args.fps:g}")
    result = compute_studio(build_settings(args))
    if result.error or result.pool_error:
        raise CliError(result.error or result.pool_error)
    total = result.n_steps
    step = total if args.step is None else args.step
    if not 1 <= step <= total:
        raise CliError(f"--step must be between 1 and {total} (there are {total} steps), got {step}")
    from convviz.core.errors import first_line

    try:
        print(write_depth(result, path, ext, step, args.fps) if result.in_depth
              else _write_classic(result, path, ext, step, args.fps))
    except (OSError, ValueError) as exc:
        raise CliError(f"could not write {path}: {first_line(exc)}") from None
    return 0


def _write_classic(result, path: Path, ext: str, step: int, fps: float) -> str:
    """Draw the classic studio offscreen with its own Qt canvas; return the line to print."""
    from convviz.cli.frame_progress import FrameProgress

    app = ensure_qapplication()  # noqa: F841 (kept alive while rendering)
    from convviz.ui.studio.export import export_gif, export_png

    total = result.n_steps
    if ext == ".png":
        export_png(result, step - 1, path)
        return f"wrote {path} (step {step} of {total})"
    export_gif(result, path, fps=fps, progress=FrameProgress(total, sys.stderr))
    return f"wrote {path} ({total} frames)"
