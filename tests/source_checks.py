"""Checks shared by the tests of the PAPI and PCI readers (``tests/sources/``).

Importable from any test file because ``tests/`` holds the root ``conftest.py`` (pytest's
default ``prepend`` import mode puts its folder on ``sys.path``).
"""

from __future__ import annotations


def assert_kept_and_flagged(result, file_suffix: str, row: int, raw_value: str, value: float) -> None:
    """Issue 8: an out-of-range score is kept as published with the ``outside_valid_range`` flag, not rejected.

    Parameters
    ----------
    result : SourceResult
        Output of a reader.
    file_suffix : str
        End of the ``source_file`` of the cell (``"#<sheet>"`` for a workbook sheet).
    row : int
        Raw row of the cell.
    raw_value, value : str, float
        The cell as written and as read.
    """
    ind = result.indicators
    sel = ind[ind["source_file"].str.endswith(file_suffix) & (ind["raw_row"] == row)
              & (ind["raw_value"] == raw_value)]
    assert len(sel) == 1 and sel.iloc[0]["value"] == value
    assert "outside_valid_range" in sel.iloc[0]["flags"].split(";")
    rej = result.rejects
    assert not (rej["file"].str.endswith(file_suffix) & (rej["row"] == row)).any()
