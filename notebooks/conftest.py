"""nbval configuration for the notebooks.

* Warnings and progress bars go to stderr and would make comparisons flaky: stderr streams
  are not compared (nbval's ``nbval-ignore-output`` is NOT used on any cell; every cell's
  stdout, results and displayed tables are compared).
* The debugger's frozen-modules warning is silenced for kernels started here.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def pytest_collectstart(collector):
    """Skip comparing stderr (warnings, progress) in every notebook cell."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
