"""convviz's Qt-free core: everything that needs no window and no TensorFlow.

Studio computation, the inspector-to-studio hand-off, frame streams for exports, tiling of
feature maps and the one way an error becomes a line for the user. The CLI, the tests and the
Qt layer all use it; import-linter forbids it PyQt6 and pyqtgraph.

- ``studio``: :class:`StudioSettings` in, :func:`compute_studio` -> :class:`StudioResult` out
  (steps made on demand; ``step_index`` finds the step of an output cell).
- ``studio_text``: the settings as a file-name slug and as a caption line.
- ``replay_request``: :class:`StudioRequest`, what the inspector sends the studio.
- ``gif_stream``: GIFs streamed from Pillow frames with one palette, written atomically.
- ``tiling``: many small maps as one image.
- ``errors``: :func:`first_line`, an exception as one line.
"""
