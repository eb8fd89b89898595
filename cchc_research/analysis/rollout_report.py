"""Labels, tables, figure and headline text of notebook 06 (SIMULATED rollout world).

Split from :mod:`cchc_research.analysis.rollout` (which re-exports every name here): the
labels in Vietnamese and English, :func:`display_table`, :func:`plot_event_study` and the
short texts the notebook prints (:func:`summary_line`, :func:`bootstrap_lines`,
:func:`headline_markdown`). Everything shown says SIMULATED / MÔ PHỎNG.

Examples
--------
>>> from cchc_research.analysis.rollout_report import text
>>> text("callaway_santanna", "vi")
"Callaway–Sant'Anna (đối chứng: chưa triển khai)"
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cchc_research.labels import SIMULATED, check_lang, translate

__all__ = ["text", "number", "display_table", "plot_event_study", "summary_line",
           "bootstrap_lines", "headline_markdown"]

_TEXT: dict[str, tuple[str, str]] = {  # key: (vi, en)
    "truth": ("Tác động thật", "True effect"),
    "truth_window": ("Tác động thật (cửa sổ nhận diện)", "True effect (identified window)"),
    "twfe_event_study": ("TWFE nghiên cứu sự kiện (thông thường)", "TWFE event study (naive)"),
    "twfe_static": ("TWFE tĩnh, toàn kỳ", "TWFE static, full period"),
    "twfe_static_wild": ("TWFE tĩnh, toàn kỳ — bootstrap cụm hoang dã",
                         "TWFE static, full period — wild cluster bootstrap"),
    "twfe_static_window": ("TWFE tĩnh, trước nhóm cuối", "TWFE static, before the last cohort"),
    "callaway_santanna": ("Callaway–Sant'Anna (đối chứng: chưa triển khai)",
                          "Callaway–Sant'Anna (not-yet-treated controls)"),
    "sun_abraham": ("Sun–Abraham (đối chứng: nhóm triển khai sau cùng)",
                    "Sun–Abraham (last-treated cohort as control)"),
    "on_time_rate": ("Tỷ lệ đúng hạn", "On-time rate"),
    "satisfaction_rate": ("Tỷ lệ hài lòng", "Satisfaction rate"),
    "late_rate_2019_H1": ("Tỷ lệ trễ hạn, 6 tháng đầu 2019", "Late rate, H1 2019"),
    "on_time_rate_2024_Q1": ("Tỷ lệ đúng hạn, quý I/2024", "On-time rate, Q1 2024"),
    "dissatisfaction_rate_2019": ("Tỷ lệ không hài lòng, 2019", "Dissatisfaction rate, 2019"),
    "event_time_quarter": ("Thời gian tương đối (quý, 0 = quý triển khai)",
                           "Event time (quarters, 0 = rollout quarter)"),
    "event_time_month": ("Thời gian tương đối (tháng, 0 = tháng triển khai)",
                         "Event time (months, 0 = rollout month)"),
    "effect": ("Tác động ước lượng", "Estimated effect"),
    "event_title": ("Triển khai dịch vụ trực tuyến cấp quận — dữ liệu MÔ PHỎNG: {outcome}",
                    "District online-service rollout — SIMULATED data: {outcome}"),
    "caption": ("Nguồn: thế giới MÔ PHỎNG của cchc_research.simulate ({n} hồ sơ, seed {seed}); "
                "không phải số liệu thật. Khoảng tin cậy 95%.",
                "Source: SIMULATED world of cchc_research.simulate ({n} dossiers, seed {seed}); "
                "not real data. 95% confidence intervals."),
    "estimator": ("Phương pháp", "Estimator"), "sample": ("Mẫu", "Sample"),
    "outcome": ("Chỉ tiêu", "Outcome"), "estimate": ("Ước lượng", "Estimate"),
    "std_error": ("Sai số chuẩn", "Std. error"), "ci_low": ("CI 95% dưới", "95% CI low"),
    "ci_high": ("CI 95% trên", "95% CI high"), "bias": ("Độ chệch", "Bias"),
    "covers_truth": ("CI chứa giá trị thật?", "CI covers truth?"),
    "p_value": ("Giá trị p", "p-value"), "event_time": ("Thời gian tương đối", "Event time"),
    "cohort": ("Nhóm triển khai", "Rollout cohort"), "rollout_month": ("Tháng triển khai", "Rollout month"),
    "units_2021": ("Số đơn vị (22, địa giới 2021)", "Units (22, 2021 geography)"),
    "districts_2020": ("Số quận/huyện (24, địa giới 2020)", "Districts (24, 2020 geography)"),
    "districts": ("Quận/huyện", "Districts"), "indicator": ("Chỉ tiêu", "Indicator"),
    "period": ("Kỳ", "Period"), "reported": ("Số công bố", "Reported"),
    "simulated": ("Số MÔ PHỎNG", "SIMULATED"), "difference": ("Chênh lệch", "Difference"),
    "z": ("Chênh lệch / sai số", "Difference / s.e."), "denominator": ("Mẫu số (hồ sơ)", "Denominator (dossiers)"),
    "source": ("Nguồn số công bố", "Source of the reported figure"),
    "treated_cells": ("Số ô được can thiệp", "Treated cells"),
    "equal_weight": ("Trọng số đều (ATT)", "Equal weight (ATT)"),
    "twfe_weight": ("Trọng số ngầm của TWFE", "Implicit TWFE weight"),
    "negative_cells": ("Số ô trọng số âm", "Cells with negative weight"),
    "negative_weight": ("Tổng trọng số âm", "Sum of negative weights"),
    "true_att": ("ATT thật (trọng số đều)", "True ATT (equal weights)"),
    "twfe_estimand": ("Σ trọng số TWFE × tác động thật", "Σ TWFE weight × true effect"),
    "twfe_estimate": ("Ước lượng TWFE tĩnh", "Static TWFE estimate"),
    "all": ("Tất cả", "All"),
    "inference": ("Suy luận", "Inference"),
    "cr1": ("Sai số cụm CR1", "Cluster-robust CR1"),
    "wild_bootstrap": ("Bootstrap cụm hoang dã (WCR)", "Wild cluster bootstrap (WCR)"),
    "randomization": ("Suy luận hoán vị ngày triển khai", "Randomization over rollout dates"),
    "multiplier": ("Bootstrap nhân (R did)", "Multiplier bootstrap (R did)"),
    "analytic": ("Sai số giải tích", "Analytic"),
    "cell_variance": ("Phương sai theo đơn vị × kỳ", "Unit × period variances"),
    "summary": ("{sim}: {n} hồ sơ → {units} quận/huyện × {periods} kỳ ({first}..{last}); nhóm "
                "triển khai cuối {last_cohort}, cửa sổ nhận diện đến {through}",
                "{sim}: {n} dossiers → {units} districts × {periods} periods ({first}..{last}); "
                "last cohort {last_cohort}, identified window through {through}"),
    "boot_line": ("{outcome} ({sim}): TWFE = {est:.5f}, sai số CR1 {se:.5f}, p bootstrap = {p:.4f}, "
                  "CI 95% [{low:.5f}, {high:.5f}]",
                  "{outcome} ({sim}): TWFE = {est:.5f}, CR1 s.e. {se:.5f}, bootstrap p = {p:.4f}, "
                  "95% CI [{low:.5f}, {high:.5f}]"),
    "headline": ("**{outcome}**: TWFE tĩnh {tw:.4f} so với ATT thật {tw_truth:.4f} (độ chệch "
                 "{tw_bias:+.4f}; tổng trọng số âm {neg:.2f} trên {n_neg}/{n_cells} ô đã can "
                 "thiệp, Σ trọng số × tác động thật = {estimand:.4f}); Callaway–Sant'Anna "
                 "{cs:.4f} (sai số chuẩn {cs_se:.4f}) so với {cs_truth:.4f} trong cửa sổ nhận "
                 "diện, khoảng tin cậy {covers}.",
                 "**{outcome}**: static TWFE {tw:.4f} against a true ATT of {tw_truth:.4f} (bias "
                 "{tw_bias:+.4f}; its weights put {neg:.2f} on {n_neg} of {n_cells} treated cells, "
                 "and Σ weight × true effect = {estimand:.4f}); Callaway–Sant'Anna {cs:.4f} (s.e. "
                 "{cs_se:.4f}) against {cs_truth:.4f} on its window, the interval {covers}."),
    "covers": ("chứa giá trị thật", "covers the truth"),
    "misses": ("không chứa giá trị thật", "misses the truth"),
    "cap_calibration": ("**MÔ PHỎNG — hiệu chỉnh:** số liệu toàn thành phố mô phỏng so với số công bố của TP.HCM",
                        "**SIMULATED — calibration:** simulated city aggregates vs published TP.HCM figures"),
    "cap_cohorts": ("**MÔ PHỎNG — các nhóm triển khai** (22 đơn vị theo địa giới 2021)",
                    "**SIMULATED — rollout cohorts** (22 units of the 2021 geography)"),
    "cap_event": ("**MÔ PHỎNG — hệ số nghiên cứu sự kiện và giá trị thật** ({outcome}; bảng lưu có "
                  "đủ các chỉ tiêu)",
                  "**SIMULATED — event-study coefficients and the truth** ({outcome}; all outcomes "
                  "in the saved table)"),
    "cap_overall": ("**MÔ PHỎNG — ATT tổng thể: ước lượng so với giá trị thật**",
                    "**SIMULATED — overall ATT: estimates vs truth**"),
    "cap_weights": ("**MÔ PHỎNG — hệ số TWFE tĩnh thực chất lấy trung bình những gì, theo nhóm**",
                    "**SIMULATED — what the static TWFE coefficient averages, by cohort**"),
    "headline_title": ("**MÔ PHỎNG — các con số chính**", "**SIMULATED — headline numbers**"),
}


def text(key: str, lang: str = "vi") -> str:
    """Label of ``key`` in ``lang`` (estimators, outcomes, table columns, titles).

    Parameters
    ----------
    key : str
    lang : {"vi", "en"}

    Returns
    -------
    str

    Raises
    ------
    CCHCError
        Unknown ``lang`` or ``key``.

    Examples
    --------
    >>> text("sun_abraham", "en")
    'Sun–Abraham (last-treated cohort as control)'
    """
    return translate(_TEXT, key, lang, fallback=False)


def number(n: int, lang: str = "vi") -> str:
    """An integer with thousands separators: "300.000" in Vietnamese, "300,000" in English.

    Examples
    --------
    >>> number(300_000, "vi"), number(300_000, "en")
    ('300.000', '300,000')
    """
    s = f"{int(n):,}"
    return s.replace(",", ".") if check_lang(lang) == "vi" else s


def summary_line(data: Any, lang: str = "vi") -> str:
    """One line describing the simulated world and its panel.

    Examples
    --------
    >>> from cchc_research.analysis.rollout import build_rollout_panel
    >>> summary_line(build_rollout_panel(20_000, seed=5), "en")[:40]
    'SIMULATED: 20,000 dossiers → 22 district'
    """
    p = data.panel
    return text("summary", lang).format(
        sim=SIMULATED[lang], n=number(len(data.world.dossiers), lang), units=p["unit"].nunique(),
        periods=p["period"].nunique(), first=p["period"].min(), last=p["period"].max(),
        last_cohort=data.last_cohort, through=data.identified_through)


def bootstrap_lines(estimates: dict[str, Any], lang: str = "vi") -> list[str]:
    """One line per outcome: static TWFE, CR1 s.e., wild-bootstrap p-value and 95% interval.

    Parameters
    ----------
    estimates : dict
        Outcome → :class:`~cchc_research.analysis.rollout.RolloutEstimates`.
    lang : {"vi", "en"}

    Returns
    -------
    list of str
    """
    out = []
    for outcome, est in estimates.items():
        boot = est.results["twfe_static_wild"]
        low, high = (float(x) for x in boot.conf_int(0.95).loc["rollout"])
        out.append(text("boot_line", lang).format(
            outcome=text(outcome, lang), sim=SIMULATED[lang], est=float(boot.params["rollout"]),
            se=float(boot.std_errors["rollout"]), p=float(boot.pvalues["rollout"]), low=low,
            high=high))
    return out


def headline_markdown(estimates: dict[str, Any], decompositions: dict[str, pd.DataFrame],
                      lang: str = "vi") -> str:
    """Markdown bullets: static TWFE vs truth, its negative weights, Callaway–Sant'Anna vs truth.

    Parameters
    ----------
    estimates : dict
        Outcome → :class:`~cchc_research.analysis.rollout.RolloutEstimates`.
    decompositions : dict
        Outcome → :func:`~cchc_research.analysis.rollout.twfe_decomposition` table.
    lang : {"vi", "en"}

    Returns
    -------
    str
    """
    lines = [text("headline_title", lang), ""]
    for outcome, est in estimates.items():
        ov = est.overall.set_index("estimator")
        tw, cs = ov.loc["twfe_static"], ov.loc["callaway_santanna"]
        dec = decompositions[outcome].set_index("cohort").loc["all"]
        lines.append("- " + text("headline", lang).format(
            outcome=text(outcome, lang), tw=tw["estimate"], tw_truth=tw["truth"], tw_bias=tw["bias"],
            neg=dec["negative_weight"], n_neg=int(dec["negative_cells"]),
            n_cells=int(dec["treated_cells"]), estimand=dec["twfe_estimand"], cs=cs["estimate"],
            cs_se=cs["std_error"], cs_truth=cs["truth"],
            covers=text("covers" if cs["covers_truth"] else "misses", lang)))
    return "\n".join(lines)


def display_table(frame: pd.DataFrame, lang: str = "vi", digits: int = 4) -> pd.DataFrame:
    """Rounded copy of a table of this module with labels (estimators, columns) in ``lang``.

    Parameters
    ----------
    frame : DataFrame
        A table from :mod:`cchc_research.analysis.rollout` (codes in ``estimator``,
        ``outcome``, ``cohort``; snake_case column names).
    lang : {"vi", "en"}
    digits : int
        Decimals of the rounded numeric columns (counts and event times are left as is).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> df = pd.DataFrame({"estimator": ["sun_abraham"], "estimate": [0.123456]})
    >>> display_table(df, "en").to_dict("records")
    [{'Estimator': 'Sun–Abraham (last-treated cohort as control)', 'Estimate': 0.1235}]
    """
    out = frame.copy()
    for col in ("estimator", "outcome", "cohort", "inference"):
        if col in out:
            out[col] = out[col].map(lambda k: text(k, lang) if k in _TEXT else k)
    out = out.drop(columns=[c for c in ("target",) if c in out])
    num = out.select_dtypes("number").columns.difference(["denominator", "units_2021",
                                                          "districts_2020", "event_time"])
    out[num] = out[num].round(digits)
    return out.rename(columns=lambda c: text(c, lang) if c in _TEXT else c)


_STYLE = {"twfe_event_study": ("tab:red", "s", -0.2), "callaway_santanna": ("tab:blue", "o", 0.0),
          "sun_abraham": ("tab:green", "^", 0.2)}


def plot_event_study(est: Any, data: Any, lang: str = "vi"):
    """Event-study figure: three estimators with 95% intervals, the truth overlaid.

    Parameters
    ----------
    est : RolloutEstimates
        From :func:`~cchc_research.analysis.rollout.estimate_all`.
    data : RolloutData
        The world (for the caption and the event-time unit).
    lang : {"vi", "en"}

    Returns
    -------
    matplotlib.figure.Figure
        Title and caption say SIMULATED / MÔ PHỎNG.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cchc_research.analysis.rollout import build_rollout_panel, estimate_all
    >>> data = build_rollout_panel(40_000, seed=5)
    >>> fig = plot_event_study(estimate_all(data, bootstrap_reps=999), data, "en")
    >>> "SIMULATED" in fig.axes[0].get_title()
    True
    """
    import matplotlib.pyplot as plt

    es = est.event_study
    fig, ax = plt.subplots(figsize=(9, 5))
    truth = es[es["estimator"] == "truth"]
    ax.plot(truth["event_time"], truth["truth"], color="black", lw=2, ls="--",
            label=f"{text('truth', lang)} ({SIMULATED[lang]})")
    for name, (color, marker, shift) in _STYLE.items():
        rows = es[es["estimator"] == name]
        ax.errorbar(rows["event_time"] + shift, rows["estimate"],
                    yerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
                    color=color, marker=marker, ms=4, lw=1, capsize=2, ls="none", label=text(name, lang))
    window = es[es["estimator"] == "callaway_santanna"]
    ax.plot(window["event_time"], window["truth"], color="black", marker="x", ls="none", ms=7,
            label=text("truth_window", lang))
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(-0.5, color="grey", lw=0.8, ls=":")
    ax.set_xlabel(text(f"event_time_{data.freq}", lang))
    ax.set_ylabel(text("effect", lang))
    ax.set_title(text("event_title", lang).format(outcome=text(est.outcome, lang)))
    ax.legend(fontsize=8, loc="best")
    fig.text(0.01, 0.005, text("caption", lang).format(n=number(data.world.n_dossiers, lang),
                                                       seed=data.world.seed),
             fontsize=8, ha="left", va="bottom")
    fig.subplots_adjust(bottom=0.17)
    return fig
