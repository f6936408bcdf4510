"""convviz's Qt-free core: everything that needs no window.

The CLI, the tests and the Qt layer all use it; import-linter forbids it PyQt6, pyqtgraph and
``convviz.ui``. Nothing here imports TensorFlow at module level (the model gate imports Keras
inside its functions, to read Keras' own lists of built-in objects).

- ``studio`` (+ ``studio_inputs``, ``studio_weights``, ``studio_depth``, ``studio_steps``,
  ``studio_numbers``, ``studio_tutorial``): :class:`StudioSettings` in, :func:`compute_studio`
  -> :class:`StudioResult` out, for every convolution kind; steps made on demand;
  ``step_index`` finds the step of an output cell.
- ``studio_text``: the settings as a file-name slug and as a caption line.
- ``replay_request``: what the inspector sends the studio (one channel or a whole cell).
- ``gif_stream``, ``frame_render``: GIFs streamed frame by frame with one palette; Pillow frames
  for the CLI.
- ``training_view``: what the Training tab shows (live or a scrubbed snapshot), Qt-free.
- ``runs``: run folders (format 1): writer, reader, follower.
- ``report``: a run's dashboard as one PNG.
- ``gate``: every untrusted file (models, npz, IDX, image folders, paths) is checked here first.
- ``tiling``: many small maps as one image.
- ``errors``: :func:`first_line`, an exception as one line.
"""
