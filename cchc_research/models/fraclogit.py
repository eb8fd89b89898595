"""Fractional logit (Papke & Wooldridge 1996) for rates and shares in [0, 1].

Bernoulli quasi-maximum likelihood with a logit link, fitted with statsmodels
``GLM(family=Binomial())``. The mean ``E[y|x] = Λ(x'β)`` is consistently estimated
whatever the distribution of ``y`` in [0, 1]; only the *robust* (sandwich) covariance is
valid in general.

Covariance conventions (each matches Stata ``fracreg logit`` = ``glm …, family(binomial)
link(logit)``):

* ``vcov="robust"`` (default): sandwich ``H⁻¹ (Σ s_i s_i') H⁻¹`` times **N/(N−1)**, as
  Stata's ``vce(robust)`` for ML estimators. statsmodels' GLM ``cov_type="HC1"`` does *not*
  apply this factor (it returns the HC0 numbers), so the factor is applied here explicitly.
* ``vcov="cluster"``: sandwich with cluster sums of scores times **G/(G−1)** (Stata
  ``vce(cluster)`` for ML estimators; no (N−1)/(N−K) factor).
* ``vcov="model"``: inverse information (Stata's default OIM; valid only if ``y`` is
  Bernoulli).

Inference is normal (z), as Stata.

Examples
--------
>>> import statsmodels.api as sm
>>> from cchc_research.models import frac_logit
>>> spector = sm.datasets.spector.load_pandas().data
>>> res = frac_logit(spector, "GRADE", ["GPA", "TUCE", "PSI"])
>>> res.params.round(4).to_dict()
{'Intercept': -13.0213, 'GPA': 2.8261, 'TUCE': 0.0952, 'PSI': 2.3787}
>>> round(float(res.std_errors["GPA"]), 6)  # Stata glm ..., vce(robust): 1.2878279
1.287828
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from cchc_research.errors import ModelError, OutcomeRangeError
from cchc_research.models._validation import (
    as_list,
    check_clusters,
    check_collinearity,
    check_missing,
    check_model_input,
    check_roles,
    check_separation,
)
from cchc_research.models.results import EstimationResults, Predictions

__all__ = ["frac_logit", "FracLogitResults"]

_VCOVS = ("robust", "cluster", "model")
# IRLS to full precision: with statsmodels' default tol=1e-8 the model-based SEs are
# evaluated at the previous iterate and differ from Stata in the 6th digit.
_FIT = {"tol": 1e-13, "maxiter": 200}


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(repr=False)
class FracLogitResults(EstimationResults):
    """:class:`EstimationResults` of :func:`frac_logit`, with average marginal effects."""

    design: pd.DataFrame | None = field(default=None, compare=False)
    full_params: pd.Series | None = field(default=None, compare=False)
    full_cov: pd.DataFrame | None = field(default=None, compare=False)
    obs_weights: np.ndarray | None = field(default=None, compare=False)

    def average_marginal_effects(self, discrete: Sequence[str] | str = ()) -> EstimationResults:
        """Average marginal effects ``mean_i ∂Λ(x_i'β)/∂x_ik`` with delta-method SEs.

        Parameters
        ----------
        discrete : sequence of str, optional
            0/1 regressors whose effect is the average discrete change
            ``mean_i [Λ(x_i'β | x_k=1) − Λ(x_i'β | x_k=0)]`` instead of a derivative
            (Stata ``margins, dydx(i.psi)``).

        Returns
        -------
        EstimationResults
            One term per regressor; SEs by the delta method with the fit's covariance
            (same convention), normal inference. Weighted fits average with the weights.

        Examples
        --------
        >>> import statsmodels.api as sm
        >>> from cchc_research.models import frac_logit
        >>> spector = sm.datasets.spector.load_pandas().data
        >>> ame = frac_logit(spector, "GRADE", ["GPA", "TUCE", "PSI"]).average_marginal_effects()
        >>> ame.params.round(4).to_dict()
        {'GPA': 0.3626, 'TUCE': 0.0122, 'PSI': 0.3052}
        """
        discrete = as_list(discrete)
        X = self.design.to_numpy(dtype=float)
        beta = self.full_params.to_numpy()
        cols = list(self.design.columns)
        w = self.obs_weights / self.obs_weights.sum()
        terms = [t for t in self.params.index if t != "Intercept"]
        unknown = [d for d in discrete if d not in terms]
        if unknown:
            raise ModelError(f"not regressors of this model: {unknown}")
        est, grads = [], []
        for term in terms:
            k = cols.index(term)
            if term in discrete:
                vals = np.unique(X[:, k])
                if not set(vals) <= {0.0, 1.0}:
                    raise ModelError(f"{term!r} is not a 0/1 variable; it cannot be treated as discrete")
                X1, X0 = X.copy(), X.copy()
                X1[:, k], X0[:, k] = 1.0, 0.0
                p1, p0 = _logistic(X1 @ beta), _logistic(X0 @ beta)
                est.append(w @ (p1 - p0))
                grads.append(w @ ((p1 * (1 - p1))[:, None] * X1 - (p0 * (1 - p0))[:, None] * X0))
            else:
                p = _logistic(X @ beta)
                dens = p * (1 - p)
                e_k = np.zeros(len(beta))
                e_k[k] = 1.0
                est.append(beta[k] * (w @ dens))
                grads.append((w @ dens) * e_k + beta[k] * ((w * dens * (1 - 2 * p)) @ X))
        J = np.vstack(grads)
        V = J @ self.full_cov.to_numpy() @ J.T
        return EstimationResults(
            params=pd.Series(est, index=terms),
            std_errors=pd.Series(np.sqrt(np.diag(V)), index=terms),
            nobs=self.nobs,
            cov_type=self.cov_type,
            cov_description=f"delta method with the {self.cov_type} covariance of the fractional logit "
            f"({self.cov_description.split(';')[0]})",
            df_resid=None,
            cov=pd.DataFrame(V, index=terms, columns=terms),
            model_name="Average marginal effects (fractional logit)",
            outcome=self.outcome,
            extra={"Discrete-change terms": ", ".join(discrete) if discrete else "none"},
        )


def frac_logit(
    data: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str] | str,
    weights: str | None = None,
    vcov: str = "robust",
    cluster: str | None = None,
    fe: Sequence[str] | str = (),
    *,
    dropna: bool = False,
) -> FracLogitResults:
    """Papke–Wooldridge fractional logit: Bernoulli QMLE with a logit link.

    Parameters
    ----------
    data : pandas.DataFrame
    outcome : str
        Rate or share in [0, 1] (a percentage must be divided by 100 first).
    regressors : sequence of str
    weights : str, optional
        Sampling/analytic weights (statsmodels ``var_weights``; Stata ``[pw=]`` for the
        robust covariance).
    vcov : {"robust", "cluster", "model"}
        See the module docstring for the conventions.
    cluster : str, optional
        Cluster column for ``vcov="cluster"``.
    fe : sequence of str, optional
        Fixed effects entered as dummy variables (first level dropped); not reported.
        With few periods per unit, unit dummies suffer the incidental-parameters bias.
    dropna : bool, default False
        Drop incomplete rows (with a warning) instead of raising.

    Returns
    -------
    FracLogitResults
        Coefficients on the logit scale (intercept ``"Intercept"``), with
        :meth:`~FracLogitResults.average_marginal_effects`.

    Raises
    ------
    OutcomeRangeError
        Outcome outside [0, 1]; the message names the first offending rows.
    PerfectPredictionError
        Every outcome 0, every outcome 1, or the 0s and 1s separated by the regressors or
        fixed effects (no finite estimate; :func:`~cchc_research.models._validation.check_separation`).
    MissingValuesError, CollinearityError, TooFewClustersError, ModelError

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cchc_research.models import frac_logit
    >>> df = pd.DataFrame({"rate": [0.1, 0.5, 1.2], "x": [1.0, 2.0, 3.0]})
    >>> frac_logit(df, "rate", ["x"])
    Traceback (most recent call last):
    ...
    cchc_research.errors.OutcomeRangeError: outcome 'rate' must lie in [0, 1]; 1 row(s) outside, first rows (index: value): {2: 1.2}
    """
    regressors = as_list(regressors)
    fe = as_list(fe)
    check_model_input(data, "frac_logit", numeric=[outcome, *regressors, weights], other=[*fe, cluster])
    if vcov not in _VCOVS:
        raise ModelError(f"vcov must be one of {_VCOVS}, got {vcov!r}")
    if not regressors:
        raise ModelError("frac_logit needs at least one regressor")
    if vcov == "cluster" and cluster is None:
        raise ModelError('vcov="cluster" needs a cluster column')
    if cluster is not None and vcov != "cluster":
        raise ModelError(
            f"cluster={cluster!r} is only used with vcov='cluster' (got vcov={vcov!r}); pass "
            "vcov='cluster' for cluster-robust standard errors, or drop cluster="
        )
    check_roles(outcome, regressors, what="frac_logit", others=[*fe, cluster, weights])
    clusters = [cluster] if vcov == "cluster" else []
    columns = [outcome, *regressors, *fe, *clusters] + ([weights] if weights else [])
    sub = check_missing(data, columns, dropna=dropna, stacklevel=3)
    y = sub[outcome].astype(float)
    bad = (y < 0) | (y > 1)
    if bad.any():
        first = {k: float(v) for k, v in y[bad].head(10).items()}
        raise OutcomeRangeError(
            f"outcome {outcome!r} must lie in [0, 1]; {int(bad.sum())} row(s) outside, "
            f"first rows (index: value): {first}"
        )
    X = sub[regressors].astype(float)
    X.insert(0, "Intercept", 1.0)
    for f in fe:
        X = pd.concat([X, pd.get_dummies(sub[f], prefix=f"{f}", drop_first=True, dtype=float)], axis=1)
    check_collinearity(X)
    w = sub[weights].to_numpy(dtype=float) if weights else np.ones(len(sub))
    if weights and (w < 0).any():
        raise ModelError(f"weights column {weights!r} has negative values")
    check_separation(y, X, w)
    G = check_clusters(sub[cluster], cluster, stacklevel=3) if clusters else None

    # heavy third-party imports, loaded on first use (see cchc_research/models/__init__.py)
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    model = GLM(y, X, family=families.Binomial(), var_weights=w if weights else None)
    N = len(y)
    if vcov == "model":
        fit = model.fit(**_FIT)
        V = fit.cov_params()
        desc = "model-based (inverse information, Stata OIM; valid only for Bernoulli outcomes)"
    elif vcov == "robust":
        fit = model.fit(cov_type="HC0", **_FIT)
        V = fit.cov_params() * N / (N - 1)
        desc = f"heteroskedasticity-robust sandwich × N/(N-1) (Stata fracreg/glm vce(robust)), N={N}"
    else:
        groups = pd.factorize(sub[cluster])[0]
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False}, **_FIT)
        V = fit.cov_params() * G / (G - 1)
        desc = f"cluster-robust by {cluster} ({G} clusters) sandwich × G/(G-1) (Stata glm vce(cluster))"
    desc += "; normal (z) inference"
    shown = ["Intercept", *regressors]
    extra: dict[str, Any] = {
        "Link": "logit (Bernoulli QMLE, Papke-Wooldridge)",
        "Fixed effects": ", ".join(fe) + " (dummies)" if fe else "none",
        "Log pseudo-likelihood": float(fit.llf),
    }
    if G is not None:
        extra[f"Clusters ({cluster})"] = G
    return FracLogitResults(
        params=fit.params[shown],
        std_errors=pd.Series(np.sqrt(np.diag(V)), index=X.columns)[shown],
        nobs=N,
        cov_type=vcov,
        cov_description=desc,
        df_resid=None,
        cov=V.loc[shown, shown],
        model_name="Fractional logit",
        outcome=outcome,
        extra=extra,
        n_clusters=G,
        predictions=Predictions(
            fitted=pd.Series(fit.fittedvalues, index=sub.index, name="fitted"),
            resid=pd.Series(y - fit.fittedvalues, index=sub.index, name="resid"),
            predict=partial(
                _predict,
                params=fit.params,
                regressors=tuple(regressors),
                fe_levels={f: pd.Categorical(sub[f]).categories for f in fe},
            ),
        ),
        design=X,
        full_params=fit.params,
        full_cov=V,
        obs_weights=w,
    )


def _predict(
    newdata: pd.DataFrame,
    *,
    params: pd.Series,
    regressors: tuple[str, ...],
    fe_levels: dict[str, pd.Index],
) -> pd.Series:
    """Predicted mean ``Λ(x'β)`` (in [0, 1]) for new rows; fixed-effect levels must be known."""
    missing = [c for c in (*regressors, *fe_levels) if c not in newdata.columns]
    if missing:
        raise ModelError(f"newdata lacks column(s) {missing} needed to predict")
    sub = check_missing(newdata, [*regressors, *fe_levels], dropna=False, stacklevel=4)
    X = sub[list(regressors)].astype(float)
    X.insert(0, "Intercept", 1.0)
    for f, levels in fe_levels.items():
        known = sub[f].isin(levels).to_numpy()
        if not known.all():
            unseen = pd.unique(sub[f][~known])[:5].tolist()
            raise ModelError(
                f"newdata has level(s) of fixed effect {f!r} not in the estimation sample (e.g. {unseen})"
            )
        cat = pd.Categorical(sub[f], categories=levels)
        dummies = pd.get_dummies(cat, prefix=f"{f}", drop_first=True, dtype=float)
        dummies.index = sub.index
        X = pd.concat([X, dummies], axis=1)
    eta = X.reindex(columns=params.index, fill_value=0.0).to_numpy() @ params.to_numpy()
    return pd.Series(_logistic(eta), index=sub.index, name="prediction")
