"""The convolution studio tab."""

from convviz.ui.studio.studio_tab import StudioTab

__all__ = ["StudioTab"]
