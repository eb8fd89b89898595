"""Presentation of studies 03 (PAPI), 04 (PCI) and 05 (synthetic control): reporting.{papi,pci,synth}.

The key rule (issue 9): every number in a key-findings box is produced by code from the same
results the tables show. Each box is rendered in vi and en, every display frame is localized
exactly as the report shows it, and each printed number must be a cell of one of those tables —
or a run parameter (draws, years), formatted the same way.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from cchc_research.analysis.fe_panel import CI_LEVEL  # noqa: E402
from cchc_research.analysis.synth_hcmc import PLACEBO_QUANTILE  # noqa: E402
import pytest  # noqa: E402

from cchc_research.analysis.papi import egovernance_study  # noqa: E402
from cchc_research.analysis.pci import timecost_study  # noqa: E402
from cchc_research.analysis.synth_hcmc import decentralization_study  # noqa: E402
from cchc_research.reporting import fmt  # noqa: E402
from cchc_research.reporting import papi as papi_view  # noqa: E402
from cchc_research.reporting import pci as pci_view  # noqa: E402
from cchc_research.reporting import synth as synth_view  # noqa: E402
from cchc_research.reporting.findings import key_findings  # noqa: E402
from cchc_research.reporting.i18n import Messages  # noqa: E402
from cchc_research.reporting.tables import localize_frame  # noqa: E402

LANGS = ("vi", "en")
REPS = 199  # bootstrap draws: enough to exercise the code; the numbers are compared with themselves


def _cells(frames: dict[str, pd.DataFrame], tables: dict, study: str, lang: str) -> set[str]:
    cells: set[str] = set()
    for key, frame in frames.items():
        opts = tables[key]
        shown = frame[opts["columns"]] if "columns" in opts else frame
        out, _ = localize_frame(shown, lang, study, formats=opts.get("formats"), headers=opts.get("headers"))
        cells |= {str(v) for v in out.to_numpy().ravel()} | set(map(str, out.columns))
    return cells


def _check_numbers(view, res, params: list, lang: str) -> list[str]:
    frames = view.display_frames(res, lang)
    box = key_findings(view.findings(res, lang), lang, study=view.STUDY)
    allowed = _cells(frames, view.TABLES, view.STUDY, lang)
    allowed |= {fmt.integer(v, lang) for v in params} | {str(v) for v in params}
    # the stated levels (interval level, placebo quantile) are constants of the analysis, not results
    allowed |= {fmt.percent(v, lang, 0) for v in (CI_LEVEL, PLACEBO_QUANTILE)}
    assert 3 <= len(box.sentences) <= 5
    return [n for n in box.numbers if n not in allowed]


def _papi_extras(res: dict, lang: str) -> None:
    main = res["table"].loc[res["params"]["outcome"]]
    est = papi_view.findings(res, lang)[0].values
    assert (est["b"], est["low"], est["high"]) == (main["estimate"], main["boot_ci_low"], main["boot_ci_high"])
    for make in (papi_view.within_figure, papi_view.loro_figure):
        plt.close(make(res, lang))


def _pci_extras(res: dict, lang: str) -> None:
    assert "ame" in pci_view.display_frames(res, lang)  # the g1 outcome is a share
    plt.close(pci_view.scatter_figure(res, lang))


def _synth_extras(res: dict, lang: str) -> None:
    p = res["params"]
    assert not synth_view.display_frames(res, lang)["placebo"]["geo_code"].eq(p["treated"]).any()
    for make in (synth_view.path_figure, synth_view.gap_figure):
        plt.close(make(res, lang))
    Messages(synth_view.STUDY, lang)("in_time_text", **synth_view.in_time_fields(res))


#: study -> (run on the panel, its view module, the run parameters a box may print, the study's own checks)
STUDIES = {
    "papi": (lambda panel: egovernance_study(panel, bootstrap_reps=REPS, seed=1), papi_view,
             lambda p: [REPS, p["start_year"], p["end_year"]], _papi_extras),
    "pci": (lambda panel: timecost_study(panel, bootstrap_reps=REPS, seed=1), pci_view,
            lambda p: [REPS, p["start_year"], p["end_year"]], _pci_extras),
    "synth": (decentralization_study, synth_view, lambda p: [p["treatment_year"], p["end_year"]], _synth_extras),
}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("study", sorted(STUDIES))
def test_findings_numbers_are_table_cells(province_year_panel, study, lang):
    run, view, run_params, extras = STUDIES[study]
    res = run(province_year_panel)
    assert _check_numbers(view, res, run_params(res["params"]), lang) == []
    extras(res, lang)


# ----------------------------------------------------------------------------- small pieces
def test_coverage_frame_puts_dimensions_in_rows():
    cov = pd.DataFrame({"papi_d8_e_governance": [0, 63]}, index=pd.Index([2017, 2018], name="year"))
    out = papi_view.coverage_frame(cov)
    assert out.columns.tolist() == ["indicator", "2017", "2018"]
    assert out.iloc[0].tolist() == ["papi_d8_e_governance", 0, 63]


def test_synth_facts_frame_formats_in_the_run_locale():
    facts = {"donors": 1827, "mean_post_gap": -0.0684, "p_value": 0.0004, "rmspe_ratio": float("inf")}
    vi = synth_view.facts_frame(facts, "vi")
    assert vi["metric"].tolist() == ["donors", "mean_post_gap", "rmspe_ratio", "p_value"]
    assert vi["value"].tolist() == ["1.827", "−0,068", "∞", "< 0,001"]
    assert synth_view.facts_frame(facts, "en")["value"].tolist() == ["1,827", "−0.068", "∞", "< 0.001"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_header_and_category_of_the_three_studies_translates(lang):
    for view in (papi_view, pci_view, synth_view):
        msg = Messages(view.STUDY, lang)
        for key, opts in view.TABLES.items():
            msg(f"table_{key}", **{k: "x" for k in ("x", "y")}, a=2011, b=2016)
            for col in opts.get("columns", opts.get("formats", {})):
                assert msg(col)
