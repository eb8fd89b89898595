"""One object per notebook run that shows everything in the run's language: :class:`Report`.

A notebook cell stays one or two calls::

    rep = Report("overview", lang, output_dir=output_dir)
    rep.title()                                   # the one H1 (message "title")
    rep.findings(findings_list)                   # "Kết quả chính" box, right after the title
    rep.section("question"); rep.text("question_text")
    rep.table(frame, "coverage", formats={...})   # shown once, saved as CSV + workbook sheet
    rep.figure(fig, "coverage_heatmap", main=True)

Headings and prose come from the study's catalog (``cchc_research/reporting/messages/<study>.yaml``);
a text message is Markdown and may hold ``{fields}`` filled in the run's locale.

Examples
--------
>>> rep = Report("overview", "en")
>>> rep.t("family")
'Indicator family'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import Markdown, display

from cchc_research.reporting.figures import finish
from cchc_research.reporting.findings import Finding, FindingsBox, key_findings, update_run_notes
from cchc_research.reporting.i18n import Messages, check_lang
from cchc_research.reporting.tables import TableView, show_table

__all__ = ["Report"]


class Report:
    """Shows titles, findings, sections, prose, tables and figures of one run in its language.

    Parameters
    ----------
    study : str
        Message catalog (``overview``, ``scorecard``, ``papi``, ``pci``, ``synth``, ``rollout``).
    lang : {"vi", "en"}
    output_dir : str or Path
        Run folder set by the report runner (``""``: save nothing).
    **fields
        Fields available to every message of the run (e.g. ``city``).
    """

    def __init__(self, study: str, lang: str, *, output_dir: str | Path = "", **fields: Any) -> None:
        self.study = study
        self.lang = check_lang(lang)
        self.output_dir = output_dir
        self.fields = fields
        self.msg = Messages(study, lang)
        self.tables: dict[str, TableView] = {}
        self.box: FindingsBox | None = None
        update_run_notes(output_dir, lang=lang, study=study)

    def t(self, key: str, **fields: Any) -> str:
        """The text of ``key`` (run fields and ``fields`` filled)."""
        return self.msg(key, **{**self.fields, **fields})

    def title(self, key: str = "title", **fields: Any) -> None:
        """Display the report's single H1 and record it as ``title`` in ``findings.json``."""
        text = self.t(key, **fields)
        update_run_notes(self.output_dir, title=text)
        display(Markdown(f"# {text}"))

    def findings(self, findings: list[Finding]) -> None:
        """Display the key-findings box (3–5 sentences; see :func:`~cchc_research.reporting.findings.key_findings`).

        The box is kept as :attr:`box` (nothing is returned, so a cell never shows it twice).
        """
        self.box = key_findings(findings, self.lang, study=self.study, output_dir=self.output_dir)
        display(self.box)

    def section(self, key: str, level: int = 2, **fields: Any) -> None:
        """Display a heading (H2 by default; the page has one H1, from :meth:`title`)."""
        if not 2 <= level <= 4:
            raise ValueError("section level must be 2, 3 or 4 (the title is the only H1)")
        display(Markdown("#" * level + " " + self.t(key, **fields)))

    def text(self, key: str, **fields: Any) -> None:
        """Display a Markdown paragraph (or list) of the catalog."""
        display(Markdown(self.t(key, **fields)))

    def table(self, frame: pd.DataFrame, key: str, **options: Any) -> None:
        """Display ``frame`` with :func:`~cchc_research.reporting.tables.show_table` (saved once per key).

        The view is kept in :attr:`tables` under ``key`` (nothing is returned, so a cell never
        shows it twice).
        """
        options.setdefault("study", self.study)
        options.setdefault("output_dir", self.output_dir)
        fields = {**self.fields, **options.pop("fields", {})}
        view = show_table(frame, key, self.lang, **options, **{k: v for k, v in fields.items()
                                                               if k not in options})
        self.tables[key] = view
        display(view)

    def figure(self, fig, key: str, *, main: bool = False) -> None:
        """Save (in a run), display once and close ``fig``; ``main=True`` makes it the gallery thumbnail."""
        finish(fig, key, output_dir=self.output_dir, main=main)
