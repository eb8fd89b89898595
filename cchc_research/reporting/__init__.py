"""Report runs: parameterized notebooks executed with papermill into ``reports/``.

Modules: :mod:`~cchc_research.reporting.config` (the run list, ``reports.yml``),
:mod:`~cchc_research.reporting.runner` (execution, parallel, atomic publication),
:mod:`~cchc_research.reporting.render` (HTML and the index), :mod:`~cchc_research.reporting.artifacts`
(what notebooks call to save figures and tables), :mod:`~cchc_research.reporting.cli`.
"""
