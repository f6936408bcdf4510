"""convviz's Qt-free core: everything that needs no window and no TensorFlow.

Studio computation, the inspector-to-studio hand-off, frame streams for exports, tiling of
feature maps and the one way an error becomes a line for the user. The CLI, the tests and the
Qt layer all use it; import-linter forbids it PyQt6 and pyqtgraph.
"""
