"""One exception hierarchy for the whole package.

Every error the library raises on purpose derives from :class:`CCHCError`. Errors about
input data derive from :class:`DataError` and carry *where* the bad value was: ``file``,
``row`` (1-based data row, header excluded, or a sheet row when stated), ``column`` and
``value``, plus a plain-words ``reason``. Model errors derive from :class:`ModelError`.
Recoverable conditions are reported with warnings deriving from :class:`CCHCWarning`.

Examples
--------
>>> from cchc_research.errors import ParseError
>>> err = ParseError("97,6,1%", reason="two decimal commas", file="x.csv", row=3, column="rate")
>>> str(err)
"x.csv, row 3, column 'rate': value '97,6,1%': two decimal commas"
>>> err.value, err.row
('97,6,1%', 3)
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

import signal
from typing import Any

__all__ = [
    "CCHCError",
    "InvalidArgumentError",
    "DataError",
    "ParseError",
    "SchemaError",
    "CatalogError",
    "UnknownIndicatorError",
    "SourceError",
    "EncodingError",
    "EmptyExportError",
    "UnvalidatedInputError",
    "GeographyError",
    "UnknownGeographyError",
    "PeriodError",
    "PeriodArgumentError",
    "AggregationError",
    "ModelError",
    "CollinearityError",
    "MissingValuesError",
    "NoNeverTreatedError",
    "TooFewClustersError",
    "TreatedUnitNotFoundError",
    "OutcomeRangeError",
    "PerfectPredictionError",
    "ReportError",
    "WorkerProcessError",
    "RunInterrupted",
    "SimulationError",
    "TranslationError",
    "CCHCWarning",
    "SingletonWarning",
    "FewClustersWarning",
    "MissingValuesWarning",
    "AlwaysTreatedWarning",
    "UnbalancedPanelWarning",
]


class CCHCError(Exception):
    """Base class of every error raised on purpose by :mod:`cchc_research`."""


class InvalidArgumentError(CCHCError, ValueError):
    """A function was called with an argument it does not accept: unknown option, wrong type,
    out-of-range number, or an inconsistent combination of arguments.

    This is *the* error for bad arguments across the package (it is also a :class:`ValueError`,
    so ``except ValueError`` keeps working); errors about data values use :class:`DataError`.
    The message names the argument, the value given and what is accepted.

    Examples
    --------
    >>> raise InvalidArgumentError("lang must be one of ('vi', 'en'), got 'fr'")
    Traceback (most recent call last):
    ...
    cchc_research.errors.InvalidArgumentError: lang must be one of ('vi', 'en'), got 'fr'
    """


class DataError(CCHCError, ValueError):
    """A problem with a specific input value, located by file, row and column.

    Parameters
    ----------
    value : object
        The offending value, exactly as read.
    reason : str
        What is wrong with it, in plain words.
    file, row, column : optional
        Where the value was found. ``row`` is the 1-based data row (header excluded)
        unless the raising reader documents otherwise.
    """

    def __init__(
        self,
        value: Any = None,
        reason: str = "",
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.value = value
        self.reason = reason
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        body = f"value {self.value!r}: {self.reason}" if self.reason else f"value {self.value!r}"
        return f"{prefix}: {body}" if prefix else body

    def __str__(self) -> str:  # keep in sync when fields are set after construction
        return self._format()

    def located(
        self, *, file: str | None = None, row: int | None = None, column: str | None = None
    ) -> "DataError":
        """Return a copy of this error with (missing) location fields filled in."""
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.file = self.file if self.file is not None else (None if file is None else str(file))
        new.row = self.row if self.row is not None else row
        new.column = self.column if self.column is not None else column
        Exception.__init__(new, new._format())
        return new

    def as_dict(self) -> dict[str, Any]:
        """The structured fields, e.g. for a rejects table."""
        return {
            "error": type(self).__name__,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "reason": self.reason,
        }


class ParseError(DataError):
    """A string could not be read as a number, percentage, ratio, figure or period."""


class SchemaError(DataError):
    """A table violates its schema (missing column, wrong type, out-of-range value, duplicate key)."""


class CatalogError(SchemaError):
    """A catalog file or entry violates the schema (``row`` = entry number, ``column`` = key)."""


class UnknownIndicatorError(DataError):
    """An indicator code that is not in the catalog; ``suggestions`` lists close matches."""

    def __init__(self, code: Any, suggestions: list[str], **where: Any) -> None:
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(code, f"unknown indicator code{hint}", **where)


class SourceError(DataError):
    """A source file is missing, unreadable or laid out differently than expected (e.g. wrong sheet)."""


class EncodingError(SourceError):
    """A text export whose encoding is none of those tried (the message lists them)."""


class EmptyExportError(SourceError):
    """An export file (or sheet) that holds nothing: no bytes, or only blank lines and titles."""


class UnvalidatedInputError(SchemaError):
    """An input that has not been validated where a validated dossier table is required."""


class GeographyError(DataError):
    """A geography problem: an invalid harmonization request or an impossible mapping."""


class UnknownGeographyError(GeographyError):
    """A place name or code that matches no known unit."""


class PeriodError(ParseError):
    """A period label or date range that cannot be understood or is impossible."""


class PeriodArgumentError(PeriodError, InvalidArgumentError):
    """A period function got an argument of the wrong type (a float, text or boolean year or
    index, a missing date): both a :class:`PeriodError` and an :class:`InvalidArgumentError`."""


class AggregationError(CCHCError, ValueError):
    """An aggregation that would give a meaningless number (e.g. averaging rates without weights)."""


class ModelError(CCHCError, ValueError):
    """An estimator cannot be fitted on the data as given."""


class CollinearityError(ModelError):
    """Regressors are perfectly collinear (after absorbing fixed effects)."""


class MissingValuesError(ModelError):
    """Model variables contain missing values and the caller did not allow dropping them."""


class NoNeverTreatedError(ModelError):
    """A never-treated comparison group was requested but no unit is never treated."""


class TooFewClustersError(ModelError):
    """Cluster-robust inference was requested with fewer than two clusters."""


class TreatedUnitNotFoundError(ModelError):
    """The treated unit of a single-unit design is absent from the data."""


class OutcomeRangeError(ModelError):
    """An outcome lies outside the range the estimator allows (e.g. a rate outside [0, 1])."""


class PerfectPredictionError(ModelError):
    """The outcome is perfectly predicted (all 0, all 1, or separated by regressors): no finite estimate."""


class ReportError(CCHCError):
    """A report run could not be configured or executed.

    Structured fields (all optional, ``None`` when not applicable), after papermill's
    ``PapermillExecutionError``: ``run`` (run name), ``parameter`` (a refused parameter name),
    ``cell_index`` (0-based index of the failing cell), ``exec_count`` (its ``In [n]``),
    ``ename`` and ``evalue`` (the exception's class name and message raised in the notebook) and
    ``hint`` (what to do).
    """

    def __init__(self, message: str = "", *, run: str | None = None, parameter: str | None = None,
                 cell_index: int | None = None, exec_count: int | None = None, ename: str | None = None,
                 evalue: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.run = run
        self.parameter = parameter
        self.cell_index = cell_index
        self.exec_count = exec_count
        self.ename = ename
        self.evalue = evalue
        self.hint = hint
        text = message
        if ename is not None and ename not in message:
            where = f" in cell {cell_index}" if cell_index is not None else ""
            text = f"{text}: {ename}{where}: {evalue}" if text else f"{ename}{where}: {evalue}"
        super().__init__(f"{text} (hint: {hint})" if hint else text)

    def __reduce__(self):
        # keep the structured fields when the error crosses a process boundary (report workers)
        fields = ("run", "parameter", "cell_index", "exec_count", "ename", "evalue", "hint")
        return (_rebuild_report_error, (ReportError, self.message, {k: getattr(self, k) for k in fields}))


def _rebuild_report_error(cls: type, message: str, fields: dict) -> "ReportError":
    return cls(message, **fields)


class RunInterrupted(ReportError):
    """The report runner was stopped by a signal (``signum``); its workers and kernels were stopped too.

    ``stopped`` counts the worker and kernel processes that were stopped.
    """

    def __init__(self, signum: int, stopped: int) -> None:
        self.signum = signum
        self.stopped = stopped
        super().__init__(f"interrupted by {signal.Signals(signum).name}: stopped {stopped} worker/kernel "
                         "process(es); earlier reports left as they were")


class SimulationError(CCHCError, ValueError):
    """The simulated world cannot be built as parameterized: its calibration leaves the valid
    range (a negative risk, a satisfaction outside (0, 1)) or its districts disagree with
    :mod:`cchc_research.geo`. The message says which parameter to change."""


class WorkerProcessError(CCHCError, RuntimeError):
    """A worker process of a parallel computation died before returning (killed, out of
    memory, or started from a script without an ``if __name__ == "__main__":`` guard, which
    spawned processes need). The message says what to try."""


class TranslationError(DataError):
    """A message catalog lacks a key or a language, repeats a key, or a template cannot be filled.

    ``value`` is the message key, ``file`` the catalog (``cchc_research/reporting/messages/*.yaml``).
    """


class CCHCWarning(UserWarning):
    """Base class of warnings raised by :mod:`cchc_research`."""


class SingletonWarning(CCHCWarning):
    """Singleton fixed-effect groups were dropped before estimation."""


class FewClustersWarning(CCHCWarning):
    """Cluster-robust inference with few clusters: consider the wild cluster bootstrap."""


class MissingValuesWarning(CCHCWarning):
    """Rows with missing model variables were dropped."""


class AlwaysTreatedWarning(CCHCWarning):
    """Units treated at or before the first period (no pre-period) were dropped."""


class UnbalancedPanelWarning(CCHCWarning):
    """Units not observed in every period were dropped to balance the panel."""
