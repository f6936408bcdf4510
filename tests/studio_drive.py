"""Driving the Studio tab's real controls from tests: pick a combo entry, set up a photo in depth."""


def choose(combo, data):
    """Select the entry of ``combo`` whose data is ``data``."""
    combo.setCurrentIndex(combo.findData(data))


def photo(tab, size=16, channels=3, filters=2):
    """Set the studio to the colour photo at ``size`` cells with ``channels`` in and ``filters`` out."""
    c = tab.controls
    choose(c.input_kind, "photo")
    c.input_size.setValue(size)
    c.depth.in_channels.setValue(channels)
    c.depth.filters.setValue(filters)
