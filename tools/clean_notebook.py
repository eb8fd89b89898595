"""Strip volatile metadata from executed notebooks before committing them (outputs are kept).

Usage: ``python tools/clean_notebook.py notebooks/*.ipynb``

Removes papermill's run metadata and timings, injected-parameters cells, and sets the
kernelspec to ``python3``.

Kernel decision: committed notebooks keep the generic ``python3`` kernelspec, which every Jupyter
(JupyterLab, a scheduler's papermill, Dagster, Prefect) resolves; the project's own tools never
rely on it and name the project's kernel ``cchc-research`` explicitly (registered by ``./run`` /
``cchc reports install-kernel``): the report runner (``kernel_name``), nbval
(``--nbval-kernel-name cchc-research`` in ``./run test``), ``./run lab`` (default kernel) and the
schedulers (``cchc reports run``).
"""

from __future__ import annotations

import sys

import nbformat

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def clean(path: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    lang = nb.metadata.get("language_info", {})
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3",
                                    "codemirror_mode": {"name": "ipython", "version": 3},
                                    "file_extension": ".py", "mimetype": "text/x-python",
                                    "nbconvert_exporter": "python", "version": lang.get("version", "3.11")}
    cells = []
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            continue
        for key in ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        cell["id"] = f"cell-{len(cells):02d}"
        cells.append(cell)
    nb.cells = cells
    nbformat.write(nb, path)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        clean(p)
        print(f"cleaned {p}")
