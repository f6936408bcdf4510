"""The Qt layer: windows, views and the workers that keep TensorFlow off the GUI thread."""
