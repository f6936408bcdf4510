"""``convviz animate`` in depth: the kind, channels and filters flags, and the frames they write.

Settings in depth (any kind but the single-channel, single-filter convolution) are drawn
with the core's Pillow renderer (:mod:`convviz.core.frame_render`) and streamed to the GIF
one frame at a time, so memory stays flat however long the animation is.
"""

from __future__ import annotations

import sys
from pathlib import Path

from convviz.cli import CliError

KIND_CHOICES = ("conv", "depthwise", "separable", "transposed", "conv1d")
MAX_CHANNELS = 8
FRAME_COUNTS = (
    "Frames written (one per step): conv: filters x H' x W' (the single-channel, single-filter "
    "conv adds one per pooling window); depthwise: in-channels x multiplier x H' x W'; "
    "separable: in-channels x multiplier x H' x W' (depthwise stage) + filters x H' x W' "
    "(pointwise stage); transposed: filters x H x W (one per input cell stamping, per filter); "
    "conv1d: filters x L' (the input is the middle row of the map, L = input size)."
)


def add_arguments(parser) -> None:
    """Add the depth flags to the ``animate`` parser."""
    parser.add_argument("--kind", choices=KIND_CHOICES, default="conv",
                        help="which convolution: conv (Conv2D), depthwise, separable, transposed or "
                        "conv1d (default conv)")
    parser.add_argument("--in-channels", type=int, default=1, metavar="C",
                        help=f"input channels, 1-{MAX_CHANNELS} (default 1; photo: R, G, B, then grey "
                        "and inverted colours)")
    parser.add_argument("--filters", type=int, default=1, metavar="F",
                        help=f"filters (output channels), 1-{MAX_CHANNELS} (default 1)")
    parser.add_argument("--groups", type=int, default=1, metavar="G",
                        help="conv/conv1d: split channels into G groups (must divide both; default 1)")
    parser.add_argument("--depth-multiplier", type=int, default=1, metavar="M",
                        help=f"depthwise/separable: kernels per input channel, 1-{MAX_CHANNELS} (default 1)")
    parser.add_argument("--output-padding", type=int, default=None, metavar="P",
                        help="transposed: extra cells at the end, smaller than the stride (default: Keras')")


def depth_changes(args) -> dict:
    """The StudioSettings fields the depth flags set; CliError for a value out of range."""
    for flag, value, high in (("--in-channels", args.in_channels, MAX_CHANNELS),
                              ("--filters", args.filters, MAX_CHANNELS),
                              ("--groups", args.groups, MAX_CHANNELS),
                              ("--depth-multiplier", args.depth_multiplier, MAX_CHANNELS)):
        if not 1 <= value <= high:
            raise CliError(f"{flag} must be between 1 and {high}, got {value}")
    if args.output_padding is not None and args.output_padding < 0:
        raise CliError(f"--output-padding must be 0 or more, got {args.output_padding}")
    if args.kind == "depthwise" and args.filters != 1:
        raise CliError("--filters does not apply to depthwise: it gives in-channels x "
                       "depth-multiplier channels")
    return {"kind": args.kind, "in_channels": args.in_channels, "filters": args.filters,
            "groups": args.groups, "depth_multiplier": args.depth_multiplier,
            "output_padding": args.output_padding}


def write_depth(result, path: Path, ext: str, step: int, fps: float) -> str:
    """Write ``result`` (settings in depth) as a GIF or one PNG frame; return the line to print."""
    from convviz.atomic import atomic_write
    from convviz.cli.frame_progress import FrameProgress
    from convviz.core.frame_render import DepthFrameRenderer
    from convviz.core.gif_stream import write_frames_gif

    renderer = DepthFrameRenderer(result)
    total = result.n_steps
    if ext == ".png":
        image = renderer.render(step - 1)
        atomic_write(path, lambda temp: image.save(temp, format="PNG"))
        return f"wrote {path} (step {step} of {total})"
    write_frames_gif(path, renderer.render, total, fps, FrameProgress(total, sys.stderr))
    return f"wrote {path} ({total} frames)"
