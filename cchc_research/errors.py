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

from typing import Any

__all__ = [
    "CCHCError",
    "DataError",
    "ParseError",
    "SchemaError",
    "SourceError",
    "GeographyError",
    "UnknownGeographyError",
    "PeriodError",
    "AggregationError",
    "ModelError",
    "CollinearityError",
    "MissingValuesError",
    "NoNeverTreatedError",
    "TooFewClustersError",
    "TreatedUnitNotFoundError",
    "OutcomeRangeError",
    "ReportError",
    "CCHCWarning",
    "SingletonWarning",
    "FewClustersWarning",
    "MissingValuesWarning",
]


class CCHCError(Exception):
    """Base class of every error raised on purpose by :mod:`cchc_research`."""


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


class SourceError(DataError):
    """A source file is missing, unreadable or laid out differently than expected (e.g. wrong sheet)."""


class GeographyError(DataError):
    """A geography problem: an invalid harmonization request or an impossible mapping."""


class UnknownGeographyError(GeographyError):
    """A place name or code that matches no known unit."""


class PeriodError(ParseError):
    """A period label or date range that cannot be understood or is impossible."""


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


class ReportError(CCHCError):
    """A report run could not be configured or executed."""


class CCHCWarning(UserWarning):
    """Base class of warnings raised by :mod:`cchc_research`."""


class SingletonWarning(CCHCWarning):
    """Singleton fixed-effect groups were dropped before estimation."""


class FewClustersWarning(CCHCWarning):
    """Cluster-robust inference with few clusters: consider the wild cluster bootstrap."""


class MissingValuesWarning(CCHCWarning):
    """Rows with missing model variables were dropped."""
