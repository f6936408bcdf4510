"""The convolution studio tab (``studio_tab.StudioTab``); its computation is ``convviz.core.studio``."""
