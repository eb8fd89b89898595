"""Tests of cchc_research.reporting.rollout (notebook 06's presentation), on a small SIMULATED world."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cchc_research.analysis import rollout as study  # noqa: E402
from cchc_research.reporting import rollout as view  # noqa: E402
from cchc_research.reporting.findings import key_findings  # noqa: E402
from cchc_research.reporting.tables import show_table  # noqa: E402

SEED = 5


@pytest.fixture(scope="module")
def world():
    data = study.build_rollout_panel(40_000, SEED)
    estimates = {"on_time_rate": study.estimate_all(data, "on_time_rate", bootstrap_reps=99, seed=SEED)}
    return data, estimates, {o: study.twfe_decomposition(e) for o, e in estimates.items()}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_findings_numbers_come_from_the_overall_table(world, lang):
    data, estimates, dec = world
    box = key_findings(view.findings(estimates, dec, data, "on_time_rate", lang), lang, study=view.STUDY)
    assert len(box.sentences) == 5
    overall = show_table(view.overall_frame(estimates), "overall", lang, study=view.STUDY,
                         formats={c: f for c, f in view.FORMATS.items() if c in view.overall_frame(estimates)})
    cells = set(overall.cells())
    cs = [n for n in box.numbers[:6]]  # CS: estimate, low, high, p, truth (+ level)
    shown = [n for n in cs if n in cells]
    assert len(shown) >= 4, (cs, sorted(cells)[:20])


def test_every_table_translates_in_both_languages(world):
    data, estimates, dec = world
    frames = {"calibration": view.calibration_frame(study.calibration_table(data), "vi"),
              "cohorts": view.cohorts_frame(study.cohort_table(data)),
              "identification": study.identification_checks(data),
              "event_study": view.event_frame(estimates, "on_time_rate"),
              "overall": view.overall_frame(estimates),
              "inference": view.inference_frame(estimates, "on_time_rate")}
    for lang in ("vi", "en"):
        frames["weights"] = view.weights_frame(dec, lang)
        for key, frame in frames.items():
            t = show_table(frame, key, lang, study=view.STUDY, outcome="x",
                           formats={c: f for c, f in view.FORMATS.items() if c in frame.columns},
                           headers={c: h for c, h in view.HEADERS.items() if c in frame.columns})
            html = t._repr_html_()
            assert not re.search(r">\s*(True|False|NaN|None|nan)\s*<", html), key
            if lang == "vi":
                assert not any("_" in h for h in t.frame.columns), (key, list(t.frame.columns))


@pytest.mark.parametrize("simulated,word", [(True, "MÔ PHỎNG"), (False, None)])
def test_figure_says_simulated_only_when_simulated(world, simulated, word):
    data, estimates, _ = world
    es = view.event_frame(estimates, "on_time_rate")
    kwargs = (dict(truth=estimates["on_time_rate"].event_study.query("estimator == 'truth'"),
                   n=40_000, seed=SEED) if simulated
              else dict(files="a.xlsx", valid=10))
    fig = view.event_figure(es if simulated else es.drop(columns="truth"), "vi", outcome="on_time_rate",
                            freq="quarter", simulated=simulated, **kwargs)
    texts = [fig.axes[0].get_title(), *(t.get_text() for t in fig.texts),
             *(t.get_text() for t in fig.axes[0].get_legend().get_texts())]
    if simulated:
        assert any(word in t for t in texts)
    else:
        assert not any("MÔ PHỎNG" in t or "thật" in t for t in texts), texts
    plt.close(fig)


def test_own_frames():
    rejects = pd.DataFrame({"file": ["a.csv", "a.csv", "b.csv"], "reason": ["date", "date", "unit"]})
    assert view.own_rejects_frame(rejects)["rows"].tolist() == [2, 1]
    assert list(view.own_rejects_frame(rejects.iloc[:0]).columns) == ["file", "reason", "rows"]
    overall = pd.DataFrame({"estimator": ["callaway_santanna", "sun_abraham"], "control": ["not_yet_treated"] * 2,
                            "term": ["ATT"] * 2, "estimate": [0.1, 0.2], "std_error": [0.01, 0.02],
                            "ci_low": [0.08, 0.16], "ci_high": [0.12, 0.24], "p_value": [0.001, 0.01],
                            "inference": ["cell_variance"] * 2})
    files = pd.DataFrame({"file": ["a.csv"], "sha256": ["0" * 64], "read": [12], "valid": [10], "rejected": [2]})
    panel = pd.DataFrame({"unit": ["1", "2"], "period": ["2019-Q1", "2019-Q2"]})
    box = key_findings(view.own_findings(overall, files, panel, "on_time_rate", "en"), "en", study=view.STUDY)
    text = " ".join(box.sentences)
    assert "12 rows read" in text and "2 rejected" in text and "true effect" not in text
