"""Estimation tables: several results side by side, as a DataFrame, Markdown, LaTeX or HTML.

Like ``pyfixest.etable(models, type="df"|"md"|"tex"|"gt")`` and
``linearmodels.panel.compare``: one column per model, two rows per term (estimate with
significance stars, standard error in parentheses), then statistic rows (observations,
fixed effects, R², covariance in words, outcome). :func:`etable` renders the table;
:func:`~cchc_research.models.compare.compare` is the older name, kept as a thin alias that
returns the :class:`ComparisonTable` object with its original rows.

Examples
--------
>>> import pandas as pd
>>> from cchc_research.models import etable
>>> from cchc_research.models.results import EstimationResults
>>> r = EstimationResults(params=pd.Series({"x": 1.0}), std_errors=pd.Series({"x": 0.5}),
...     nobs=10, cov_type="iid", cov_description="classical", df_resid=8, rsquared=0.25)
>>> print(etable([r], type="md"))  # doctest: +NORMALIZE_WHITESPACE
|                  | (1)       |
|:-----------------|:----------|
| x                | 1.000*    |
|                  | (0.500)   |
| Observations     | 10        |
| Fixed effects    | none      |
| R-squared        | 0.250     |
| Within R-squared |           |
| Covariance       | classical |
| Outcome          |           |
<BLANKLINE>
\\* p<0.1, \\*\\* p<0.05, \\*\\*\\* p<0.01; standard errors in parentheses.
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cchc_research.errors import ModelError
from cchc_research.models.results import EstimationResults
from cchc_research.models.summary import latex_escape

__all__ = ["etable", "ComparisonTable", "STAR_LEVELS", "STATISTICS", "ETABLE_TYPES", "build_table"]

#: p-value thresholds for ``***``, ``**`` and ``*``.
STAR_LEVELS = (0.01, 0.05, 0.10)

#: Output types of :func:`etable`.
ETABLE_TYPES = ("df", "md", "tex", "html", "text")


def _fmt_float(value: float | None, digits: int) -> str:
    return "" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


#: Statistic rows available to :func:`etable` (key → (row label, getter(result, digits))).
STATISTICS: dict[str, tuple[str, Callable[[EstimationResults, int], str]]] = {
    "nobs": ("Observations", lambda r, d: str(r.nobs)),
    "fixed_effects": ("Fixed effects", lambda r, d: str(r.extra.get("Fixed effects", "none"))),
    "rsquared": ("R-squared", lambda r, d: _fmt_float(r.rsquared, d)),
    "rsquared_within": ("Within R-squared", lambda r, d: _fmt_float(r.rsquared_within, d)),
    "n_clusters": ("Clusters", lambda r, d: "" if r.n_clusters is None else str(r.n_clusters)),
    "cov_type": ("SE type", lambda r, d: r.cov_type),
    "covariance": ("Covariance", lambda r, d: r.cov_description),
    "outcome": ("Outcome", lambda r, d: r.outcome),
}

_DEFAULT_STATS = ("nobs", "fixed_effects", "rsquared", "rsquared_within", "covariance", "outcome")


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < STAR_LEVELS[0] else "**" if p < STAR_LEVELS[1] else "*" if p < STAR_LEVELS[2] else ""


@dataclass
class ComparisonTable:
    """A comparison table. ``frame`` is indexed by (row label, statistic) with one column per model.

    Statistics are ``"estimate"`` and ``"std_error"`` for each term, then ``"info"`` rows
    (Observations, Fixed effects, …, Covariance, Outcome).
    """

    frame: pd.DataFrame
    notes: str

    def _flat(self) -> pd.DataFrame:
        """The frame with one plain row label (blank on standard-error rows)."""
        body = self.frame.copy()
        body.index = pd.Index([lab if stat != "std_error" else "" for lab, stat in self.frame.index])
        return body

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
        >>> compare([r, r], stars=False).frame.loc[("x", "std_error")].tolist()
        ['(0.500)', '(0.500)']
        """
        body = self._flat()
        labels = list(body.index)
        width = max(len(s) for s in labels) + 2
        col_w = [max(len(str(c)), *(len(str(v)) for v in body[c])) + 2 for c in body.columns]
        lines = [" " * width + "".join(str(c).ljust(w) for c, w in zip(body.columns, col_w))]
        for lab, row in zip(labels, body.itertuples(index=False)):
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

    def to_markdown(self) -> str:
        """Markdown pipe table (:meth:`pandas.DataFrame.to_markdown`) with the notes below."""
        body = self._flat()
        body = body.map(lambda v: str(v).replace("|", "\\|")) if len(body) else body
        notes = self.notes.replace("*", "\\*")
        return body.to_markdown() + "\n\n" + notes

    def to_latex(self) -> str:
        """LaTeX ``tabular`` (booktabs rules; stars as superscripts; special characters escaped)."""
        body = self._flat()
        spec = "l" + "c" * len(body.columns)
        head = " & ".join([""] + [latex_escape(c) for c in body.columns]) + " \\\\"
        lines = [f"\\begin{{tabular}}{{{spec}}}", "\\toprule", head, "\\midrule"]
        n_terms = int((self.frame.index.get_level_values("statistic") != "info").sum())
        for i, (lab, row) in enumerate(zip(body.index, body.itertuples(index=False))):
            if i == n_terms and n_terms:
                lines.append("\\midrule")
            cells = [_latex_cell(str(v)) for v in row]
            lines.append(" & ".join([latex_escape(lab)] + cells) + " \\\\")
        lines += ["\\bottomrule", "\\end{tabular}", "", latex_escape(self.notes)]
        return "\n".join(lines) + "\n"

    def render(self, type: str) -> pd.DataFrame | str:  # noqa: A002 - pyfixest's argument name
        """The table as ``"df"`` (a copy of :attr:`frame`), ``"md"``, ``"tex"``, ``"html"`` or ``"text"``."""
        if type not in ETABLE_TYPES:
            raise ModelError(f"type must be one of {ETABLE_TYPES}, got {type!r}")
        if type == "df":
            return self.frame.copy()
        return {"md": self.to_markdown, "tex": self.to_latex, "html": self.to_html, "text": self.to_text}[type]()

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()


def _latex_cell(value: str) -> str:
    stars = len(value) - len(value.rstrip("*"))
    if stars and value.rstrip("*"):
        return latex_escape(value[:-stars]) + f"$^{{{'*' * stars}}}$"
    return latex_escape(value)


def build_table(
    results: Sequence[EstimationResults],
    names: Sequence[str] | None = None,
    stars: bool = True,
    *,
    digits: int = 3,
    terms: Sequence[str] | None = None,
    stats: Sequence[str] = _DEFAULT_STATS,
) -> ComparisonTable:
    """Build the :class:`ComparisonTable` behind :func:`etable` and :func:`compare`.

    Parameters are those of :func:`etable` (without ``type``).

    Raises
    ------
    ModelError
        No results, a non-result, names of the wrong length or repeated, unknown statistics,
        ``terms`` naming a term of none of the models (with a did-you-mean), ``digits`` not a
        non-negative integer. A single result (not in a list) gives a one-column table.
    """
    if isinstance(results, EstimationResults):
        results = [results]  # one model: a one-column table, as etable(result)
    if isinstance(results, (str, bytes)) or not isinstance(results, Iterable):
        raise ModelError(
            f"an estimation table needs EstimationResults (one, or a list), got {type(results).__name__}"
        )
    results = list(results)
    if not results:
        raise ModelError("an estimation table needs at least one result")
    if any(not isinstance(r, EstimationResults) for r in results):
        raise ModelError("an estimation table accepts EstimationResults objects only")
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 0:
        raise ModelError(f"digits must be a non-negative integer, got {digits!r}")
    unknown = [s for s in stats if s not in STATISTICS]
    if unknown:
        raise ModelError(f"unknown statistic row(s) {unknown}; choose from {list(STATISTICS)}")
    names = [f"({i + 1})" for i in range(len(results))] if names is None else [str(n) for n in names]
    if len(names) != len(results):
        raise ModelError(f"{len(names)} names for {len(results)} results")
    if len(set(names)) != len(names):
        raise ModelError(f"model names must be unique, got {names}")
    known = list(dict.fromkeys(str(t) for r in results for t in r.params.index))
    if terms is None:
        terms = known
    else:
        terms = [terms] if isinstance(terms, str) else list(terms)
        unknown = [t for t in terms if t not in known]
        if unknown:
            folded = {k.casefold(): k for k in known}
            close = {t: [folded[m] for m in difflib.get_close_matches(str(t).casefold(), list(folded), n=1)]
                     for t in unknown}
            hint = "; ".join(f"{t!r}: did you mean {c[0]!r}?" for t, c in close.items() if c)
            raise ModelError(
                f"term(s) {unknown} are in none of the models; the models' terms are {known}"
                + (f" ({hint})" if hint else "")
            )
    fmt = f"{{:.{int(digits)}f}}"
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
    for key in stats:
        label, get = STATISTICS[key]
        index.append((label, "info"))
        for n, r in zip(names, results):
            columns[n].append(get(r, int(digits)))
    frame = pd.DataFrame(columns, index=pd.MultiIndex.from_tuples(index, names=["row", "statistic"]))
    notes = "standard errors in parentheses."
    if stars:
        notes = "* p<0.1, ** p<0.05, *** p<0.01; " + notes
    else:
        notes = notes[0].upper() + notes[1:]
    return ComparisonTable(frame=frame, notes=notes)


def etable(
    results: EstimationResults | Sequence[EstimationResults],
    type: str = "df",  # noqa: A002 - pyfixest's argument name
    *,
    names: Sequence[str] | None = None,
    stars: bool = True,
    digits: int = 3,
    terms: Sequence[str] | None = None,
    stats: Sequence[str] = _DEFAULT_STATS,
) -> pd.DataFrame | str:
    """Several estimation results side by side (pyfixest ``etable``).

    Parameters
    ----------
    results : EstimationResults or sequence of them
    type : {"df", "md", "tex", "html", "text"}, default "df"
        ``"df"``: a DataFrame indexed by (row, statistic), one column per model;
        ``"md"``: Markdown; ``"tex"``: LaTeX ``tabular`` (booktabs); ``"html"``: an HTML
        table; ``"text"``: plain text.
    names : sequence of str, optional
        Column headers; default ``(1)``, ``(2)``, …
    stars : bool, default True
        ``*``/``**``/``***`` for p < 0.10/0.05/0.01 (each model's own p-values).
    digits : int, default 3
        Decimal places of estimates, standard errors and R².
    terms : sequence of str, optional
        Term rows and their order; default: all terms in order of first appearance.
    stats : sequence of str, optional
        Statistic rows, keys of :data:`STATISTICS` (``nobs``, ``fixed_effects``,
        ``rsquared``, ``rsquared_within``, ``n_clusters``, ``cov_type``, ``covariance``,
        ``outcome``). Default: observations, fixed effects, R², within R², covariance,
        outcome. A statistic a model does not define is left blank.

    Returns
    -------
    pandas.DataFrame or str

    Raises
    ------
    ModelError
        Unknown ``type`` or statistic, no results, bad names or ``digits``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cchc_research.models import etable
    >>> from cchc_research.models.results import EstimationResults
    >>> r = EstimationResults(params=pd.Series({"x_1": 1.0}), std_errors=pd.Series({"x_1": 0.25}),
    ...     nobs=10, cov_type="iid", cov_description="classical", df_resid=8)
    >>> etable([r], stats=["nobs"]).loc[("x_1", "estimate"), "(1)"]
    '1.000***'
    >>> print(etable([r], "tex", stats=["nobs"]))  # doctest: +NORMALIZE_WHITESPACE
    \\begin{tabular}{lc}
    \\toprule
     & (1) \\\\
    \\midrule
    x\\_1 & 1.000$^{***}$ \\\\
     & (0.250) \\\\
    \\midrule
    Observations & 10 \\\\
    \\bottomrule
    \\end{tabular}
    <BLANKLINE>
    * p<0.1, ** p<0.05, *** p<0.01; standard errors in parentheses.
    """
    if type not in ETABLE_TYPES:
        raise ModelError(f"type must be one of {ETABLE_TYPES}, got {type!r}")
    if isinstance(results, EstimationResults):
        results = [results]
    table = build_table(results, names, stars, digits=digits, terms=terms, stats=stats)
    return table.render(type)
