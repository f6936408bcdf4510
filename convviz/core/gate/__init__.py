"""Every file convviz reads from someone else passes one of these gates first (no Qt).

- :func:`check_keras_file`: a ``.keras`` model, before Keras sees it;
- :func:`check_npz`: an ``.npz`` dataset's headers, before numpy loads the arrays it uses;
- :func:`read_idx`: an IDX file (plain, gzip, bzip2, xz) read within budget;
- :func:`class_image_files`, :func:`check_image_pixels`, :func:`check_decoded_total`: a folder
  of class subfolders of images, never left;
- :func:`budgets`: the limits (half the available memory, or ``CONVVIZ_MEMORY_BUDGET``);
- :func:`safe_name` / :func:`safe_line`: names and messages shown with control characters escaped.

Every refusal is a :class:`GateError`: one line that names the file.
"""

from convviz.core.gate.budgets import ENV_VAR, Budgets, budgets, human_size, parse_size
from convviz.core.gate.errors import GateError, refuse
from convviz.core.gate.folder_gate import (check_decoded_total, check_image_pixels, check_inside,
                                           class_image_files)
from convviz.core.gate.idx_gate import read_idx
from convviz.core.gate.model_gate import check_keras_file
from convviz.core.gate.names import safe_line, safe_name
from convviz.core.gate.npz_gate import NPZ_ARRAYS, check_npz
from convviz.core.gate.paths import check_path

__all__ = ["ENV_VAR", "Budgets", "GateError", "NPZ_ARRAYS", "budgets", "check_decoded_total",
           "check_image_pixels", "check_inside", "check_keras_file", "check_npz", "check_path", "class_image_files",
           "human_size", "parse_size", "read_idx", "refuse", "safe_line", "safe_name"]
