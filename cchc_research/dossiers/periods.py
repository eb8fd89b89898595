"""Former home of the dossier period numbering — now :mod:`cchc_research.periods` (one numbering).

The integer period numbering (``12 * year + month - 1`` for months, ``4 * year + quarter - 1``,
``2 * year + half - 1``, ``year``), :func:`~cchc_research.periods.period_index`,
:func:`~cchc_research.periods.period_frame` and :func:`~cchc_research.periods.period_index_sql`
are defined once in :mod:`cchc_research.periods`; every module of the package imports them from
there. This module only re-exports them for code written against the old location.

Examples
--------
>>> from cchc_research.dossiers.periods import period_frame
>>> from cchc_research import periods
>>> period_frame is periods.period_frame
True
"""

from __future__ import annotations

from cchc_research.periods import FREQS, MONTHS_PER_PERIOD, period_frame, period_index, period_index_sql

__all__ = ["FREQS", "MONTHS_PER_PERIOD", "period_index", "period_frame", "period_index_sql"]
