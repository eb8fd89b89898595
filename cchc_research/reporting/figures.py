"""Figures with localized titles, axes, legends, ticks and captions, saved with the run.

Every text on a figure comes from the message catalogs (arguments named ``title``, ``xlabel``,
``ylabel``, ``caption``… are *message keys* of the study, filled with ``fields``), and tick
labels are written by :func:`cchc_research.reporting.fmt.tick_formatter` in the report's
locale (``0,5`` / ``50 %`` in Vietnamese). :func:`finish` saves ``figures/<key>.png`` in a
run, marks the report's main figure (the gallery thumbnail) and displays the figure once.

The caption is placed *below* the axes and wrapped to the figure width; figures are saved
with ``bbox_inches="tight"`` so neither long tick labels nor the caption are cut.

Examples
--------
>>> import pandas as pd
>>> fig = coef_plot(pd.DataFrame({"term": ["a", "b"], "estimate": [0.1, -0.2], "ci_low": [0.0, -0.3],
...                               "ci_high": [0.2, -0.1]}), "vi", title="estimate", xlabel="estimate")
>>> fig.axes[0].get_title(loc="left")
'Ước lượng'
>>> import matplotlib.pyplot as plt; plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from cchc_research.reporting.artifacts import save_figure, slug, use_report_style
from cchc_research.reporting.findings import update_run_notes
from cchc_research.reporting.fmt import tick_formatter
from cchc_research.reporting.i18n import Messages

__all__ = ["use_report_style", "localize_axis", "label_axes", "add_caption", "finish", "heatmap",
           "coef_plot", "line_plot"]


def localize_axis(ax, lang: str, axis: str = "y", kind: str = "decimal", decimals: int = 0) -> None:
    """Write the ticks of ``axis`` (``"x"``, ``"y"`` or ``"both"``) in the locale of ``lang``.

    ``kind`` is one of ``int``, ``year``, ``decimal``, ``signed``, ``percent`` (fractions on
    the axis), as in :func:`cchc_research.reporting.fmt.tick_formatter`.
    """
    form = tick_formatter(lang, kind, decimals)
    if axis in ("x", "both"):
        ax.xaxis.set_major_formatter(form)
    if axis in ("y", "both"):
        ax.yaxis.set_major_formatter(form)


def label_axes(ax, msg: Messages, *, title: str | None = None, xlabel: str | None = None,
               ylabel: str | None = None, **fields: Any) -> None:
    """Set title and axis labels from message keys (``None`` leaves one unset)."""
    if title:
        ax.set_title(msg(title, **fields), fontsize=10, loc="left")
    if xlabel:
        ax.set_xlabel(msg(xlabel, **fields))
    if ylabel:
        ax.set_ylabel(msg(ylabel, **fields))


def add_caption(fig, text: str, *, fontsize: float = 7.0) -> None:
    """Write ``text`` under the figure, wrapped to its width (kept by the tight bounding box)."""
    fig.text(0.01, -0.01, text, ha="left", va="top", fontsize=fontsize, wrap=True, color="#444444")


def finish(fig, key: str, *, output_dir: str | Path = "", main: bool = False, show: bool = True):
    """Save ``fig`` as ``figures/<key>.png`` in a run, mark it as main figure, display it once, close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    key : str
        File name (slugged).
    output_dir : str or Path
        Run folder; ``""`` saves nothing.
    main : bool
        This figure is the report's thumbnail in the gallery index (``main_figure`` in
        ``findings.json``).
    show : bool
        Display the figure (in a notebook) before closing it.

    Returns
    -------
    pathlib.Path or None
        The PNG written, if any.
    """
    path = save_figure(fig, key, output_dir=output_dir)
    if main and output_dir:
        update_run_notes(output_dir, main_figure=f"figures/{slug(key)}.png")
    if show:
        from IPython.display import display

        display(fig)
    plt.close(fig)
    return path


def heatmap(frame: pd.DataFrame, lang: str, *, study: str = "common", title: str, xlabel: str | None = None,
            ylabel: str | None = None, caption: str | None = None, log: bool = False, annotate: bool = True,
            cmap: str = "viridis_r", row_labels: Sequence[str] | None = None, **fields: Any):
    """A year × category grid of counts (rows of ``frame`` × its columns), cells annotated.

    Parameters
    ----------
    frame : pandas.DataFrame
        Numbers; index = rows, columns = columns (e.g. years). Zeros are left blank.
    lang : {"vi", "en"}
    study : str
    title, xlabel, ylabel, caption : str
        Message keys.
    log : bool
        Colour on a log10 scale (counts spanning orders of magnitude).
    annotate : bool
        Write each non-zero count (localized integers) in its cell.
    row_labels : sequence of str, optional
        Shown row labels (default: the index, translated through the catalogs when a message exists).
    **fields
        Fields of the messages.

    Returns
    -------
    matplotlib.figure.Figure
    """
    msg = Messages(study, lang)
    values = frame.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(frame) + 1.9))
    shown = np.where(values > 0, (np.log10(np.maximum(values, 1)) + 0.3) if log else values, np.nan)
    ax.imshow(shown, aspect="auto", cmap=cmap)
    if annotate:
        top = np.nanmax(shown) if np.isfinite(shown).any() else 1.0
        form = tick_formatter(lang, "int")
        for (i, j), n in np.ndenumerate(values):
            if n:
                ax.text(j, i, form(n, 0), ha="center", va="center", fontsize=6,
                        color="white" if shown[i, j] > 0.6 * top else "black")
    ax.set_xticks(range(frame.shape[1]), [str(c) for c in frame.columns], rotation=90, fontsize=7)
    labels = list(row_labels) if row_labels is not None else [
        msg(str(r)) if msg.has(str(r)) else str(r) for r in frame.index]
    ax.set_yticks(range(frame.shape[0]), labels, fontsize=8)
    ax.grid(False)
    label_axes(ax, msg, title=title, xlabel=xlabel, ylabel=ylabel, **fields)
    fig.tight_layout()
    if caption:
        add_caption(fig, msg(caption, **fields))
    return fig


def coef_plot(frame: pd.DataFrame, lang: str, *, study: str = "common", label: str = "term",
              estimate: str = "estimate", low: str = "ci_low", high: str = "ci_high", title: str,
              xlabel: str, caption: str | None = None, reference: float | None = 0.0, kind: str = "decimal",
              decimals: int = 2, highlight: Sequence[bool] | None = None, **fields: Any):
    """Point estimates with their intervals, one row per ``label`` (top to bottom in frame order).

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``label`` (already translated text), ``estimate``, ``low``, ``high``.
    reference : float or None
        A dashed vertical line (e.g. 0, or the full-sample estimate).
    kind, decimals
        Tick format of the x axis (:func:`localize_axis`).
    highlight : sequence of bool, optional
        Rows drawn in the accent colour (e.g. the full sample).

    Returns
    -------
    matplotlib.figure.Figure
    """
    msg = Messages(study, lang)
    n = len(frame)
    fig, ax = plt.subplots(figsize=(8, 0.38 * n + 1.6))
    y = np.arange(n)[::-1]
    colours = ["#0b6bcb" if (highlight is not None and highlight[i]) else "#333333" for i in range(n)]
    est = frame[estimate].to_numpy(dtype=float)
    lo, hi = frame[low].to_numpy(dtype=float), frame[high].to_numpy(dtype=float)
    ax.hlines(y, lo, hi, colors=colours, lw=1.6)
    ax.scatter(est, y, c=colours, zorder=3, s=28)
    if reference is not None:
        ax.axvline(reference, color="grey", ls="--", lw=1)
    ax.set_yticks(y, [str(v) for v in frame[label]], fontsize=8)
    localize_axis(ax, lang, "x", kind, decimals)
    label_axes(ax, msg, title=title, xlabel=xlabel, **fields)
    fig.tight_layout()
    if caption:
        add_caption(fig, msg(caption, **fields))
    return fig


def line_plot(frame: pd.DataFrame, x: str, series: Mapping[str, str], lang: str, *, study: str = "common",
              title: str, xlabel: str | None = None, ylabel: str | None = None, caption: str | None = None,
              ykind: str = "decimal", ydecimals: int = 1, xkind: str = "year", vline: float | None = None,
              vline_label: str | None = None, styles: Mapping[str, dict] | None = None, **fields: Any):
    """Lines of ``frame[col]`` against ``frame[x]``, the legend from message keys.

    Parameters
    ----------
    series : mapping
        Column → message key of its legend entry.
    ykind, ydecimals, xkind
        Tick formats (:func:`localize_axis`); ``xkind="year"`` writes years ungrouped.
    vline, vline_label
        A dotted vertical line (e.g. the reform year) and the message key of its label.
    styles : mapping, optional
        Column → matplotlib keyword arguments.

    Returns
    -------
    matplotlib.figure.Figure
    """
    msg = Messages(study, lang)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for col, key in series.items():
        ax.plot(frame[x], frame[col], label=msg(key, **fields), **dict((styles or {}).get(col, {})))
    if vline is not None:
        ax.axvline(vline, color="grey", ls=":", lw=1.2, label=msg(vline_label, **fields) if vline_label else None)
    localize_axis(ax, lang, "y", ykind, ydecimals)
    localize_axis(ax, lang, "x", xkind, 0)
    label_axes(ax, msg, title=title, xlabel=xlabel, ylabel=ylabel, **fields)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    if caption:
        add_caption(fig, msg(caption, **fields))
    return fig
