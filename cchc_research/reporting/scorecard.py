"""Presentation of notebook ``02_targets_scorecard``: findings, tables and the target/actual figure.

The numbers come from :func:`cchc_research.analysis.scorecard.scorecard_results`; this module
writes them the way a reader expects: shares as percentages in the report's locale
(:func:`format_value`), signed gaps with their unit (:func:`format_gap`), scopes, derivations
and notes in the report's language (``messages/scorecard.yaml``), and the key findings from
the same ``card`` and ``status_counts`` frames the tables show. No value is computed here.

Examples
--------
>>> format_value(0.976021, "share", "vi"), format_gap(-0.397866, "pp", "en")
('97,6 %', '−0.4 pp')
>>> format_value(0.98, "share", "en", ">="), format_value(5, "rank", "vi", "<=")
('≥ 98.0%', '≤ 5')
"""

from __future__ import annotations

import textwrap
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from cchc_research.reporting import fmt
from cchc_research.reporting.figures import add_caption, localize_axis
from cchc_research.reporting.findings import Finding
from cchc_research.reporting.i18n import Messages

__all__ = ["STUDY", "TABLES", "format_value", "format_gap", "localize_scope", "derivation_text", "reasons_text",
           "display_scorecard", "display_frames", "show", "findings", "scorecard_figure"]

STUDY = "scorecard"

_SYMBOLS = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "==": "", None: ""}

#: ``show_table`` options of each table of the notebook (frames from :func:`display_frames`).
TABLES: dict[str, dict[str, Any]] = {
    "status_counts": {"formats": {"status": "category", "targets": "int"}},
    "scorecard": {"formats": {"target_id": "code", "indicator": "category", "scope": "text", "target": "text",
                              "deadline": "year", "actual": "text", "actual_period": "period",
                              "actual_source": "code", "derivation": "text", "gap": "text",
                              "status": "category", "note": "text", "benchmark": "bool"}},
    "trajectories": {"formats": {"trajectory": "code", "indicator": "category", "scope": "text", "year": "year",
                                 "target": "text", "infeasible": "bool", "actual": "text",
                                 "actual_period": "period", "gap": "text", "status": "category"}},
    "not_compared": {"formats": {"target_id": "code", "indicator": "category", "related": "category",
                                 "period": "period", "value": "text"}},
    "restated": {"formats": {"target_id": "code", "indicator": "category", "scope": "text", "target": "text",
                             "status": "category"}},
    "headline": {"formats": {"indicator": "category", "period": "period", "value": "text", "source_id": "code",
                             "reliability": "category"}},
}


def format_value(value: float, unit: str, lang: str = "vi", comparison: str | None = None) -> str:
    """A value as a reader expects it: shares as percentages (one decimal), ranks and counts whole.

    Parameters
    ----------
    value : float
        Value in the stored unit (shares as fractions); NaN gives the missing marker ``—``.
    unit : str
        Catalog unit (``share``, ``rank``, ``count``, ``index``, ``score`` …).
    lang : {"vi", "en"}
    comparison : str, optional
        ``">="`` (written ``≥``), ``">"``, ``"<="``, ``"<"``; ``"=="`` is omitted.

    Returns
    -------
    str
    """
    if fmt.is_missing(value):
        return fmt.MISSING
    prefix = _SYMBOLS.get(comparison, f"{comparison} ")
    if unit == "share":
        body = fmt.percent(float(value), lang, 1)
    elif unit in ("rank", "count") and float(value).is_integer():
        body = fmt.integer(value, lang)
    else:
        body = fmt.decimal(float(value), lang, 2)
    return prefix + body


def format_gap(gap: float, gap_unit: str, lang: str = "vi") -> str:
    """A signed gap with its unit: ``−0,4 điểm %`` / ``−0.4 pp``, ``+2 bậc``; ``—`` for NaN.

    Parameters
    ----------
    gap : float
        Output of :func:`cchc_research.analysis.scorecard.signed_gap` (percentage points for shares).
    gap_unit : str
        ``pp`` (one decimal), ``rank`` / ``count`` (whole numbers) or ``index`` / ``score`` (two decimals).
    lang : {"vi", "en"}

    Examples
    --------
    >>> format_gap(-12.67, "pp", "vi"), format_gap(2.0, "rank", "en"), format_gap(3.0, "count", "vi")
    ('−12,7 điểm %', '+2 ranks', '+3')
    """
    if fmt.is_missing(gap):
        return fmt.MISSING
    decimals = 0 if gap_unit in ("rank", "count") else (1 if gap_unit == "pp" else 2)
    body = fmt.signed(float(gap), lang, decimals)
    msg = Messages(STUDY, lang)
    unit = msg(gap_unit) if gap_unit in ("pp", "rank", "index", "score") else ""
    return f"{body} {unit}".strip()


def localize_scope(scope: str, lang: str) -> str:
    """The scope of a target in ``lang`` (``""`` for a city-wide target)."""
    if not scope or fmt.is_missing(scope):
        return ""
    return Messages(STUDY, lang)(f"scope/{scope}")


def derivation_text(derivation: str | None, lang: str) -> str:
    """``reported``, ``1 − <code>`` or ``rank printed with <code> (<flag>)`` in ``lang``."""
    msg = Messages(STUDY, lang)
    if derivation is None or fmt.is_missing(derivation):
        return fmt.MISSING
    text = str(derivation)
    if text == "reported":
        return msg("derivation_reported")
    if text.startswith("1 − "):
        return msg("derivation_complement", of=msg(text[len("1 − "):]))
    if text.startswith("rank printed with "):
        code, _, flag = text[len("rank printed with "):].partition(" ")
        return msg("derivation_rank", of=msg(code)) + (f" {flag}" if flag else "")
    return text


def reasons_text(reasons: str, lang: str) -> str:
    """The ``;``-joined reason codes of a scorecard row as a sentence fragment in ``lang``."""
    msg = Messages(STUDY, lang)
    return "; ".join(msg(f"reason_{code}") for code in str(reasons or "").split(";") if code)


def display_scorecard(card: pd.DataFrame, lang: str, *, benchmark: bool = False) -> pd.DataFrame:
    """The scorecard as shown: values, gaps, scopes, derivations and notes written for ``lang``.

    Column names stay the analysis names (headers are translated by ``show_table``).

    Examples
    --------
    >>> from cchc_research.analysis.scorecard import scorecard
    >>> shown = display_scorecard(scorecard("79"), "en").set_index("target_id")
    >>> shown.loc["003-07", ["target", "actual", "gap", "status"]].tolist()
    ['≥ 98.0%', '97.6%', '−0.4 pp', 'not_met']
    """
    out = pd.DataFrame({
        "target_id": card["target_id"].to_numpy(),
        "indicator": card["indicator"].to_numpy(),
        "scope": [localize_scope(s, lang) for s in card["scope"].fillna("")],
        "target": [format_value(v, u, lang, c) for v, u, c in zip(card["target"], card["unit"], card["comparison"])],
        "actual": [format_value(v, u, lang) for v, u in zip(card["actual"], card["unit"])],
        "gap": [format_gap(g, u, lang) for g, u in zip(card["gap"], card["gap_unit"])],
        "status": card["status"].to_numpy(),
        "actual_period": card["actual_period"].to_numpy(),
        "deadline": card["deadline"].to_numpy(),
        "derivation": [derivation_text(d, lang) for d in card["derivation"]],
        "actual_source": card["actual_source"].to_numpy(),
        "note": [reasons_text(r, lang) for r in card["reasons"]],
    })
    if benchmark:
        out.insert(0, "benchmark", card["benchmark"].astype(bool).to_numpy())
    return out


def display_frames(res: dict[str, pd.DataFrame], lang: str, *, benchmark: bool = False) -> dict[str, pd.DataFrame]:
    """Every frame the notebook shows, keyed like :data:`TABLES`."""
    traj = res["trajectories"]
    units = ["share"] * len(traj)
    trajectories = pd.DataFrame({
        "trajectory": traj["trajectory"].to_numpy(), "indicator": traj["indicator"].to_numpy(),
        "scope": [localize_scope(s, lang) for s in traj["scope"]], "year": traj["year"].to_numpy(),
        "target": [format_value(v, u, lang, c) for v, u, c in zip(traj["target"], units, traj["comparison"])],
        "infeasible": traj["infeasible"].astype(bool).to_numpy(),
        "actual": [format_value(v, u, lang) for v, u in zip(traj["actual"], units)],
        "actual_period": traj["actual_period"].to_numpy(),
        "gap": [format_gap(g, "pp", lang) for g in traj["gap"]], "status": traj["status"].to_numpy(),
    })
    nc = res["not_compared"]
    not_compared = pd.DataFrame({
        "target_id": nc["target_id"].to_numpy(), "indicator": nc["indicator"].to_numpy(),
        "related": nc["related"].to_numpy(), "period": nc["period"].to_numpy(),
        "value": [format_value(v, u, lang, c) for v, u, c in zip(nc["value"], nc["unit"], nc["comparison"])],
    })
    rs = res["restated"]
    restated = pd.DataFrame({
        "target_id": rs["target_id"].to_numpy(), "indicator": rs["indicator"].to_numpy(),
        "scope": [localize_scope(s, lang) for s in rs["scope"]],
        "target": [format_value(v, u, lang, c) for v, u, c in zip(rs["target"], rs["unit"], rs["comparison"])],
        "status": rs["status"].to_numpy(),
    })
    hd = res["headline"]
    headline = pd.DataFrame({
        "indicator": hd["indicator"].to_numpy(), "period": hd["period"].to_numpy(),
        "value": [format_value(v, u, lang, c) for v, u, c in zip(hd["value"], hd["unit"], hd["comparison"])],
        "source_id": [str(s).split(":")[0] for s in hd["source_id"]],
        "reliability": hd["reliability"].to_numpy(),
    })
    return {"status_counts": res["status_counts"], "scorecard": display_scorecard(res["card"], lang, benchmark=benchmark),
            "trajectories": trajectories, "not_compared": not_compared, "restated": restated, "headline": headline}


def show(rep, frames: dict[str, pd.DataFrame], key: str) -> None:
    """Show table ``key`` of ``frames`` with its :data:`TABLES` options (optional columns allowed)."""
    frame = frames[key]
    options = dict(TABLES[key])
    options["formats"] = {c: f for c, f in options["formats"].items() if c in frame.columns}
    rep.table(frame, key, **options)


def findings(res: dict[str, pd.DataFrame], lang: str, *, city: str, benchmark: bool) -> list[Finding]:
    """Three or four key-findings sentences from ``status_counts`` and ``card``.

    Counts by status; the most recent scored share target (actual, period, target, gap, status);
    how many scored targets rest on figures older than the decision; the main caveat.
    """
    msg = Messages(STUDY, lang)
    counts = dict(zip(res["status_counts"]["status"], res["status_counts"]["targets"]))
    out = [Finding("findings_counts_benchmark" if benchmark else "findings_counts", n=int(counts["total"]),
                   met=int(counts["met"]), not_met=int(counts["not_met"]), no_data=int(counts["no_data"]),
                   city=city)]
    card = res["card"]
    scored = card[card["status"] != "no_data"]
    if len(scored):
        latest = scored.sort_values(["actual_period", "target_id"]).iloc[-1]
        name = _lower_first(msg(str(latest["indicator"])))
        if latest["unit"] == "share":
            out.append(Finding("findings_latest", indicator=name, actual=float(latest["actual"]),
                               period=fmt.period(latest["actual_period"], lang), target=float(latest["target"]),
                               gap=float(latest["gap"]), status=msg(str(latest["status"])).lower()))
        else:
            out.append(Finding("findings_latest_other", indicator=name,
                               actual=format_value(latest["actual"], latest["unit"], lang),
                               period=fmt.period(latest["actual_period"], lang),
                               target=format_value(latest["target"], latest["unit"], lang, latest["comparison"]),
                               status=msg(str(latest["status"])).lower()))
        old = scored[scored["reasons"].str.contains("predates_decision")]
        if len(old):
            out.append(Finding("findings_old", old=len(old), scored=len(scored),
                               period=fmt.period(old.sort_values("actual_period")["actual_period"].iloc[0], lang)))
    else:
        out.append(Finding("findings_none_scored"))
    out.append(Finding("findings_caveat"))
    return out


def _lower_first(text: str) -> str:
    """``Tỷ lệ đúng hạn`` → ``tỷ lệ đúng hạn`` inside a sentence (acronyms such as ``PAPI`` kept)."""
    return text[:1].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _row_label(rec: dict, msg: Messages, width: int = 52) -> str:
    name = msg(str(rec["indicator"]))
    scope = localize_scope(rec["scope"], msg.lang)
    text = f"{rec['target_id']} {name}" + (f" [{scope}]" if scope else "")
    return "\n".join(textwrap.wrap(text, width=width, max_lines=3, placeholder=" …"))


def scorecard_figure(card: pd.DataFrame, lang: str, *, city: str, benchmark: bool):
    """Each target (tick) and the latest actual (dot coloured by status); shares and other units in two panels.

    Labels are wrapped (three lines at most) rather than cut, ticks follow the locale, the legend and
    titles come from the catalog.
    """
    msg = Messages(STUDY, lang)
    colours = {"met": "#1a9850", "not_met": "#d73027"}
    panels = [("share", card[card["unit"] == "share"]), ("other", card[card["unit"] != "share"])]
    panels = [(k, p) for k, p in panels if len(p)]
    heights = [max(len(p), 1) for _, p in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 0.46 * sum(heights) + 2.6),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, (kind, part) in zip(axes[:, 0], panels):
        recs = part.to_dict("records")
        y = list(range(len(part)))[::-1]
        ax.scatter(part["target"], y, marker="|", s=260, color="black", label=msg("target"), zorder=3)
        for yi, rec in zip(y, recs):
            if rec["status"] == "no_data":
                ax.annotate(msg("no_data_marker"), (rec["target"], yi), xytext=(8, -3), textcoords="offset points",
                            fontsize=7, color="grey")
            else:
                ax.plot([rec["target"], rec["actual"]], [yi, yi], color="grey", lw=1, zorder=1)
                ax.scatter(rec["actual"], yi, color=colours[rec["status"]], s=45, zorder=4, label=msg(rec["status"]))
        ax.set_yticks(y, [_row_label(r, msg) for r in recs], fontsize=7)
        ax.set_ylim(-0.8, len(part) - 0.2)
        top = float(max(part["target"].max(), part["actual"].max() if part["actual"].notna().any() else 0))
        ax.set_xlim(min(0.0, float(part["target"].min())) - 0.05 * top, top * 1.3)
        if kind == "share":
            localize_axis(ax, lang, "x", "percent", 0)
            ax.set_xlabel(msg("share_axis"))
        else:
            localize_axis(ax, lang, "x", "int", 0)
            ax.set_xlabel(msg("other_axis"))
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles))
        ax.legend(unique.values(), unique.keys(), fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    title = msg("fig_title", city=city) + ("\n" + msg("fig_benchmark") if benchmark else "")
    axes[0, 0].set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    add_caption(fig, msg("caption"))
    return fig
