"""Common results object for every estimator in :mod:`cchc_research.models`.

Modelled on linearmodels/pyfixest: named ``params``, ``std_errors``, ``tstats``,
``pvalues`` (pandas Series indexed by term), ``conf_int(level)``, ``tidy()``, ``nobs``,
a plain-words ``cov_description`` and a deterministic ``summary`` (no dates, times or
memory addresses, so nbval can compare it) rendered as text, HTML, Markdown, LaTeX and
CSV (:class:`~cchc_research.models.summary.Summary`).

Post-estimation, as pyfixest's ``Feols`` and linearmodels' results: ``vcov`` (named
covariance matrix), :meth:`EstimationResults.wald_test` (``R β = q``), ``resid``,
``fitted`` and :meth:`~EstimationResults.predict` where the estimator defines them
(:func:`~cchc_research.models.twfe`, :func:`~cchc_research.models.frac_logit`,
:func:`~cchc_research.models.its`, :func:`~cchc_research.models.random_effects`;
elsewhere they raise :class:`~cchc_research.errors.ModelError` saying why), and the typed
statistics ``rsquared``, ``rsquared_within``, ``n_clusters`` (``None`` when undefined).

Examples
--------
>>> import pandas as pd
>>> from cchc_research.models.results import EstimationResults
>>> res = EstimationResults(
...     params=pd.Series({"x": 2.0}), std_errors=pd.Series({"x": 0.5}),
...     nobs=100, df_resid=98, cov_type="hetero",
...     cov_description="heteroskedasticity-robust (HC1)", model_name="OLS", outcome="y")
>>> float(res.tstats["x"])
4.0
>>> res.tidy()[["term", "estimate", "std_error"]].to_dict("records")
[{'term': 'x', 'estimate': 2.0, 'std_error': 0.5}]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.errors import ModelError
from cchc_research.models.summary import Summary, format_number

__all__ = ["EstimationResults", "Predictions", "WaldTest", "TIDY_COLUMNS"]

TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]


@dataclass(frozen=True)
class Predictions:
    """Fitted values, residuals and a prediction function of one fit.

    Attributes
    ----------
    fitted, resid : pandas.Series
        One value per estimation observation, indexed like the rows of the input data
        that were used.
    predict : callable
        ``predict(newdata: DataFrame) -> Series`` on the scale of ``fitted``.
    """

    fitted: pd.Series
    resid: pd.Series
    predict: Callable[[pd.DataFrame], pd.Series]


def _prediction_property(column: str, summary: str) -> property:
    """Read-only property returning ``column`` of :meth:`EstimationResults._predictions`.

    Parameters
    ----------
    column : {"fitted", "resid"}
        Attribute of :class:`Predictions`.
    summary : str
        First docstring line; the shared Raises section is appended.

    Returns
    -------
    property
        Raises :class:`~cchc_research.errors.ModelError` for an estimator without predictions.
    """
    def get(self: EstimationResults) -> pd.Series:
        return getattr(self._predictions(), column)

    get.__name__ = column
    get.__doc__ = (f"{summary}\n\n        Raises\n        ------\n        ModelError\n"
                   "            Not defined for this estimator (the message says why).\n        ")
    return property(get)


@dataclass(frozen=True)
class WaldTest:
    """Wald test of the linear hypothesis ``R β = q``.

    Attributes
    ----------
    statistic : float
        ``W / r`` for an F test, ``W`` for a chi-squared test, where
        ``W = (Rβ − q)' (R V R')⁻¹ (Rβ − q)`` and ``r`` is the number of restrictions.
    pvalue : float
    df_num : int
        Number of restrictions ``r``.
    df_denom : float or None
        Denominator degrees of freedom of the F test (the result's ``df_resid``); ``None``
        for chi-squared.
    distribution : {"F", "chi2"}
    hypothesis : str
        The restrictions in words.
    """

    statistic: float
    pvalue: float
    df_num: int
    df_denom: float | None
    distribution: str
    hypothesis: str

    def __str__(self) -> str:
        dist = f"F({self.df_num}, {self.df_denom:g})" if self.distribution == "F" else f"chi2({self.df_num})"
        return f"Wald test of {self.hypothesis}: {dist} = {self.statistic:.6g}, p = {self.pvalue:.4g}"


@dataclass
class EstimationResults:
    """Estimates with their standard errors and the convention used to get them.

    Parameters
    ----------
    params, std_errors : pandas.Series
        Point estimates and standard errors, indexed by term name.
    nobs : int
        Number of observations used.
    cov_type : str
        Short code of the covariance (e.g. ``"cluster"``, ``"hetero"``, ``"HAC"``).
    cov_description : str
        The covariance in plain words, including its small-sample convention.
    df_resid : float, optional
        Degrees of freedom for t-based inference; ``None`` means normal-based inference.
    cov : pandas.DataFrame, optional
        Full variance-covariance matrix of ``params`` when available.
    pvalues : pandas.Series, optional
        Supply p-values computed otherwise (e.g. by bootstrap); default: from t/normal.
    model_name, outcome : str
        Used in summaries and comparison tables.
    extra : dict
        Other statistics (fixed effects, cluster counts by variable, …) shown in summaries.
    rsquared, rsquared_within : float, optional
        R² and within (fixed-effects-demeaned) R², where the estimator defines them.
    n_clusters : int, optional
        Number of clusters of a cluster-robust covariance (two-way: the smaller count,
        which sets the degrees of freedom).
    predictions : Predictions, optional
        Fitted values, residuals and prediction function (see :attr:`resid`).
    prediction_note : str
        Why ``resid``/``fitted``/``predict`` are undefined when ``predictions`` is ``None``.
    """

    params: pd.Series
    std_errors: pd.Series
    nobs: int
    cov_type: str
    cov_description: str
    df_resid: float | None = None
    cov: pd.DataFrame | None = None
    pvalues_override: pd.Series | None = None
    model_name: str = "model"
    outcome: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    rsquared: float | None = None
    rsquared_within: float | None = None
    n_clusters: int | None = None
    predictions: Predictions | None = field(default=None, compare=False, repr=False)
    prediction_note: str = "this estimator does not model the outcome row by row"

    def __post_init__(self) -> None:
        self.params = pd.Series(self.params, dtype=float)
        self.std_errors = pd.Series(self.std_errors, dtype=float).reindex(self.params.index)
        self.params.name = "parameter"
        self.std_errors.name = "std_error"

    # -- inference -------------------------------------------------------
    @property
    def tstats(self) -> pd.Series:
        """Estimate divided by its standard error."""
        return (self.params / self.std_errors).rename("statistic")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values (t with ``df_resid`` degrees of freedom, else normal)."""
        if self.pvalues_override is not None:
            return pd.Series(self.pvalues_override, dtype=float).reindex(self.params.index).rename("p_value")
        from scipy import stats  # heavy third-party import, loaded on first use (models/__init__)

        t = self.tstats.to_numpy()
        if self.df_resid is None:
            p = 2 * stats.norm.sf(np.abs(t))
        else:
            p = 2 * stats.t.sf(np.abs(t), self.df_resid)
        return pd.Series(p, index=self.params.index, name="p_value")

    def _critical_value(self, level: float) -> float:
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1), got {level!r}")
        from scipy import stats  # heavy third-party import, loaded on first use (models/__init__)

        q = 1 - (1 - level) / 2
        return float(stats.norm.ppf(q) if self.df_resid is None else stats.t.ppf(q, self.df_resid))

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals with columns ``lower`` and ``upper``."""
        c = self._critical_value(level)
        return pd.DataFrame(
            {"lower": self.params - c * self.std_errors, "upper": self.params + c * self.std_errors}
        )

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """One row per term: term, estimate, std_error, statistic, p_value, ci_low, ci_high."""
        ci = self.conf_int(level)
        out = pd.DataFrame(
            {
                "term": self.params.index.astype(str),
                "estimate": self.params.to_numpy(),
                "std_error": self.std_errors.to_numpy(),
                "statistic": self.tstats.to_numpy(),
                "p_value": self.pvalues.to_numpy(),
                "ci_low": ci["lower"].to_numpy(),
                "ci_high": ci["upper"].to_numpy(),
            }
        )
        return out[TIDY_COLUMNS]

    # -- post-estimation ---------------------------------------------------
    @property
    def vcov(self) -> pd.DataFrame:
        """Covariance matrix of ``params`` as a DataFrame indexed and labelled by term.

        Raises
        ------
        ModelError
            The estimator provides no covariance matrix (e.g. synthetic control).
        """
        if self.cov is None:
            raise ModelError(
                f"{self.model_name} has no covariance matrix ({self.cov_description})",
            )
        terms = self.params.index
        return pd.DataFrame(self.cov, dtype=float).reindex(index=terms, columns=terms)

    def wald_test(
        self,
        R: Any = None,
        q: Any = None,
        *,
        distribution: str | None = None,
    ) -> WaldTest:
        """Wald test of ``H0: R β = q`` with the result's covariance.

        Parameters
        ----------
        R : array-like (r, k) or (k,), DataFrame, sequence of str, optional
            Restriction matrix with one column per term in ``params`` order; a DataFrame
            whose columns are term names (missing terms count 0); or term names, each
            restricted to ``q``. Default: every coefficient (``R = I``), as pyfixest.
        q : float or array-like (r,), optional
            Restricted values; default 0.
        distribution : {"F", "chi2"}, optional
            Default: the result's convention — ``F(r, df_resid)`` with ``W/r`` when the
            result uses t inference (``df_resid`` set), ``chi2(r)`` with ``W`` when it uses
            normal inference. ``W = (Rβ − q)' (R V R')⁻¹ (Rβ − q)`` (Greene, *Econometric
            Analysis*, 5.4; Stata ``test``, pyfixest ``wald_test``, statsmodels ``wald_test``).

        Returns
        -------
        WaldTest
            ``statistic``, ``pvalue``, ``df_num``, ``df_denom``, ``distribution``.

        Raises
        ------
        ModelError
            No covariance matrix, restrictions of the wrong shape, unknown terms,
            linearly dependent restrictions or an unknown ``distribution``.

        Examples
        --------
        >>> import pandas as pd
        >>> from cchc_research.models.results import EstimationResults
        >>> res = EstimationResults(params=pd.Series({"a": 1.0, "b": 2.0}),
        ...     std_errors=pd.Series({"a": 0.5, "b": 0.5}), nobs=50, cov_type="iid",
        ...     cov_description="classical", df_resid=48,
        ...     cov=pd.DataFrame([[0.25, 0.0], [0.0, 0.25]], index=["a", "b"], columns=["a", "b"]))
        >>> print(res.wald_test(["a"]))
        Wald test of a = 0: F(1, 48) = 4, p = 0.05118
        """
        from scipy import stats  # heavy third-party import, loaded on first use (models/__init__)

        V = self.vcov.to_numpy()
        terms = [str(t) for t in self.params.index]
        Rm, qv, words = _restrictions(R, q, terms)
        if distribution is None:
            distribution = "chi2" if self.df_resid is None else "F"
        if distribution not in ("F", "chi2"):
            raise ModelError(f"distribution must be 'F' or 'chi2', got {distribution!r}")
        if distribution == "F" and self.df_resid is None:
            raise ModelError("an F test needs t-based inference (df_resid); this result uses normal inference")
        r = Rm.shape[0]
        if np.linalg.matrix_rank(Rm) < r:
            raise ModelError("the restrictions are linearly dependent; drop the redundant rows of R")
        diff = Rm @ self.params.to_numpy() - qv
        middle = Rm @ V @ Rm.T
        try:
            W = float(diff @ np.linalg.solve(middle, diff))
        except np.linalg.LinAlgError as exc:
            raise ModelError("R V R' is singular: the restrictions involve terms without variance") from exc
        if distribution == "F":
            stat = W / r
            return WaldTest(stat, float(stats.f.sf(stat, r, self.df_resid)), r, float(self.df_resid), "F", words)
        return WaldTest(W, float(stats.chi2.sf(W, r)), r, None, "chi2", words)

    def _predictions(self) -> Predictions:
        if self.predictions is None:
            raise ModelError(
                f"fitted values, residuals and predictions are not defined for {self.model_name}: "
                f"{self.prediction_note}"
            )
        return self.predictions

    fitted = _prediction_property(
        "fitted", "Fitted values of the estimation sample (indexed like the input rows used).")
    resid = _prediction_property("resid", "Residuals ``outcome − fitted`` of the estimation sample.")

    def predict(self, newdata: pd.DataFrame | None = None) -> pd.Series:
        """Predictions for ``newdata`` (default: the fitted values of the estimation sample).

        Parameters
        ----------
        newdata : pandas.DataFrame, optional
            Rows with the columns the model needs (regressors, fixed-effect or time columns;
            see the estimator's documentation).

        Returns
        -------
        pandas.Series
            Indexed like ``newdata``.

        Raises
        ------
        ModelError
            Not defined for this estimator, missing columns or unknown levels.
        MissingValuesError
            Missing values in the needed columns of ``newdata``.
        """
        pred = self._predictions()
        if newdata is None:
            return pred.fitted
        if not isinstance(newdata, pd.DataFrame):
            raise ModelError(f"newdata must be a pandas DataFrame, got {type(newdata).__name__}")
        return pred.predict(newdata)

    # -- display -----------------------------------------------------------
    def _summary_parts(self) -> tuple[list[tuple[str, str]], list[tuple[str, pd.DataFrame]], list[str]]:
        """Information rows, further tables and notes of the summary (subclasses extend)."""
        info = [("Observations", str(self.nobs)), ("Covariance", self.cov_description)]
        if self.rsquared is not None:
            info.append(("R-squared", format_number(self.rsquared)))
        if self.rsquared_within is not None:
            info.append(("Within R-squared", format_number(self.rsquared_within)))
        for key, value in self.extra.items():
            if isinstance(value, (int, float, np.integer, np.floating, str)):
                info.append((str(key), format_number(value)))
        if self.df_resid is not None:
            info.append(("Inference", f"t with {self.df_resid:g} degrees of freedom"))
        else:
            info.append(("Inference", "normal approximation"))
        return info, [], []

    @property
    def summary(self) -> Summary:
        """Deterministic summary (no timestamps or memory addresses).

        A :class:`~cchc_research.models.summary.Summary`: a ``str`` holding the text
        rendering, with ``as_html()``, ``as_markdown()``, ``as_latex()`` and ``as_csv()``.
        """
        info, blocks, notes = self._summary_parts()
        title = f"{self.model_name}" + (f" — outcome: {self.outcome}" if self.outcome else "")
        return Summary(title, info, self.tidy().set_index("term"), blocks, notes)

    def __str__(self) -> str:
        return str.__str__(self.summary)

    def _repr_html_(self) -> str:
        return self.summary.as_html()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model_name}: {len(self.params)} terms, nobs={self.nobs}>"


def _restrictions(R: Any, q: Any, terms: list[str]) -> tuple[np.ndarray, np.ndarray, str]:
    """Restriction matrix (r, k), values (r,) and a description from the accepted forms."""
    k = len(terms)
    if R is None:
        Rm = np.eye(k)
    elif isinstance(R, pd.DataFrame):
        unknown = [c for c in R.columns if str(c) not in terms]
        if unknown:
            raise ModelError(f"restrictions name terms not in the model: {unknown}")
        Rm = R.rename(columns=str).reindex(columns=terms, fill_value=0.0).to_numpy(dtype=float)
    elif isinstance(R, str) or (
        isinstance(R, Sequence) and len(R) > 0 and all(isinstance(t, str) for t in R)
    ):
        names = [R] if isinstance(R, str) else list(R)
        unknown = [t for t in names if t not in terms]
        if unknown:
            raise ModelError(f"restrictions name terms not in the model: {unknown}")
        Rm = np.zeros((len(names), k))
        for i, t in enumerate(names):
            Rm[i, terms.index(t)] = 1.0
    else:
        try:
            Rm = np.atleast_2d(np.asarray(R, dtype=float))
        except (TypeError, ValueError) as exc:
            raise ModelError(f"R must be numeric, a DataFrame or term names, got {R!r}") from exc
    if Rm.ndim != 2 or Rm.shape[1] != k or Rm.shape[0] == 0:
        raise ModelError(f"R must have {k} columns (one per term: {terms}), got shape {Rm.shape}")
    if not np.isfinite(Rm).all():
        raise ModelError("R has missing or infinite entries")
    r = Rm.shape[0]
    try:
        qv = np.zeros(r) if q is None else np.broadcast_to(np.asarray(q, dtype=float), (r,)).copy()
    except (TypeError, ValueError) as exc:
        raise ModelError(f"q must be a number or {r} numbers, got {q!r}") from exc
    if not np.isfinite(qv).all():
        raise ModelError("q has missing or infinite entries")
    rows = []
    for row, value in zip(Rm, qv):
        lhs = " + ".join(
            (t if c == 1 else f"{c:g}·{t}") for c, t in zip(row, terms) if c != 0
        ).replace("+ -", "- ")
        rows.append(f"{lhs} = {value:g}")
    return Rm, qv, "; ".join(rows)
