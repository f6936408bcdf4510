"""convviz: see what a convolutional neural network does."""

import os

# numpy's OpenBLAS spreads even small matrix products over every core; while TensorFlow trains
# on those cores, a studio or inspector step then stalls for milliseconds (measured: 64x64x3 by
# 5x5x3x16 at 0.38 ms median, 7-11 ms p90). convviz's arrays are small, so one BLAS thread is
# both faster and steadier. Set before numpy is imported; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"

__all__ = ["LiveCallback", "__version__"]


def __getattr__(name: str):
    """``from convviz import LiveCallback`` imports Keras only then, so ``import convviz`` stays light."""
    if name == "LiveCallback":
        from convviz.training.live_callback import LiveCallback

        return LiveCallback
    raise AttributeError(f"module 'convviz' has no attribute {name!r}")
