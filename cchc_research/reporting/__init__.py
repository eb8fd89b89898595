"""Presentation and report runs: what a reader sees, in Vietnamese or English, and how it is published.

Presentation (used by every notebook; guide: ``docs/dev/reporting-layer.md``):
:mod:`~cchc_research.reporting.i18n` (message catalogs per study, ``messages/*.yaml``),
:mod:`~cchc_research.reporting.fmt` (locale formatting with Babel: ``1.827``, ``0,31 %``),
:mod:`~cchc_research.reporting.tables` (``show_table``), :mod:`~cchc_research.reporting.figures`,
:mod:`~cchc_research.reporting.findings` ("Kết quả chính / Key findings"),
:mod:`~cchc_research.reporting.page` (``Report``: one object per run), and one module per study
(:mod:`~cchc_research.reporting.overview`, :mod:`~cchc_research.reporting.scorecard`, …).

Runs: :mod:`~cchc_research.reporting.config` (the run list, ``reports.yml``),
:mod:`~cchc_research.reporting.runner` (execution, parallel, atomic publication),
:mod:`~cchc_research.reporting.render` (report HTML and the gallery index),
:mod:`~cchc_research.reporting.datapage` (the data page), :mod:`~cchc_research.reporting.audit`
(checks on published reports), :mod:`~cchc_research.reporting.artifacts` (saving figures and
tables), :mod:`~cchc_research.reporting.cli`.
"""
