"""The canonical dossier table: columns, types, Vietnamese header and value vocabularies.

One row is one dossier (hồ sơ) as exported from a one-stop-shop system (một cửa). The
canonical columns are listed in :data:`DOSSIER_COLUMNS`; a clean frame has them in that
order with these dtypes, plus any extra columns of the export passed through unchanged
after them. :func:`dossier_schema` is the pandera contract the clean frame satisfies.

Examples
--------
>>> from cchc_research.dossiers.schema import canonical_header, normalize_text
>>> normalize_text("  Ngày  TIẾP nhận ")
'ngay tiep nhan'
>>> canonical_header("Mã TTHC"), canonical_header("Hình thức nộp"), canonical_header("due_at")
('procedure_code', 'channel', 'due_at')
>>> canonical_value("channel", "Bưu chính công ích"), canonical_value("status", "Rút hồ sơ")
('postal', 'withdrawn')
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd
import pandera.pandas as pa

from cchc_research import geo
from cchc_research.text import text_key

__all__ = [
    "DOSSIER_COLUMNS",
    "REQUIRED_COLUMNS",
    "CHANNELS",
    "ONLINE_LEVELS",
    "STATUSES",
    "HEADER_ALIASES",
    "VALUE_ALIASES",
    "REJECT_COLUMNS",
    "normalize_text",
    "canonical_header",
    "canonical_value",
    "dossier_schema",
    "empty_dossiers",
    "known_units",
]

#: Canonical columns and their pandas dtypes, in output order.
DOSSIER_COLUMNS: dict[str, str] = {
    "dossier_id": "string",
    "procedure_code": "string",
    "field": "string",
    "unit": "string",
    "channel": "string",
    "online_level": "string",
    "received_at": "datetime64[ns]",
    "due_at": "datetime64[ns]",
    "completed_at": "datetime64[ns]",
    "status": "string",
    "supplement_requests": "int64",
    "satisfaction_rating": "Int64",
    "delegated": "boolean",
    "statutory_days": "Int64",
}

#: Columns an export must have. ``due_at`` may be replaced by ``statutory_days``.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "dossier_id",
    "unit",
    "channel",
    "received_at",
    "due_at",
    "completed_at",
    "status",
)

CHANNELS: tuple[str, ...] = ("direct", "online", "postal")
ONLINE_LEVELS: tuple[str, ...] = ("full", "partial", "none")
STATUSES: tuple[str, ...] = ("completed", "pending", "returned", "withdrawn")

#: Columns of the rejects table returned by the readers.
REJECT_COLUMNS: dict[str, str] = {
    "file": "string",
    "row": "Int64",
    "dossier_id": "string",
    "column": "string",
    "value": "string",
    "reason": "string",
}

#: Accepted headers (after :func:`normalize_text`) for each canonical column.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "dossier_id": ("ma ho so", "so ho so", "ma so ho so", "so bien nhan", "dossier id"),
    "procedure_code": (
        "ma tthc", "ma thu tuc", "ma thu tuc hanh chinh", "procedure code",
    ),
    "field": ("linh vuc", "ten linh vuc", "field"),
    "unit": (
        "don vi tiep nhan", "ma don vi", "don vi", "co quan tiep nhan", "ma don vi tiep nhan",
        "unit",
    ),
    "channel": ("kenh nop", "hinh thuc nop", "hinh thuc tiep nhan", "kenh tiep nhan", "channel"),
    "online_level": ("muc do dvc", "muc do dich vu cong", "muc do dvctt", "online level"),
    "received_at": ("ngay tiep nhan", "ngay nhan", "thoi gian tiep nhan", "received at"),
    "due_at": ("ngay hen tra", "ngay hen tra ket qua", "han giai quyet", "due at"),
    "completed_at": (
        "ngay tra ket qua", "ngay hoan thanh", "ngay co ket qua", "ngay giai quyet",
        "completed at",
    ),
    "status": ("trang thai", "tinh trang", "trang thai ho so", "status"),
    "supplement_requests": (
        "so lan bo sung", "so lan yeu cau bo sung", "so lan bo sung ho so", "supplement requests",
    ),
    "satisfaction_rating": (
        "muc do hai long", "danh gia", "danh gia hai long", "diem hai long",
        "satisfaction rating",
    ),
    "delegated": ("phan cap", "uy quyen", "phan cap uy quyen", "delegated"),
    "statutory_days": (
        "thoi han giai quyet", "thoi gian giai quyet", "so ngay giai quyet", "statutory days",
    ),
}

#: Accepted values (after :func:`normalize_text`) for the coded columns.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "channel": {
        "direct": "direct", "truc tiep": "direct", "tai quay": "direct", "nop truc tiep": "direct",
        "online": "online", "truc tuyen": "online", "nop truc tuyen": "online",
        "dvc truc tuyen": "online", "qua mang": "online",
        "postal": "postal", "buu chinh": "postal", "buu chinh cong ich": "postal",
        "qua buu chinh": "postal", "qua dich vu buu chinh cong ich": "postal",
    },
    "online_level": {
        "full": "full", "toan trinh": "full", "dvc toan trinh": "full", "muc do 4": "full",
        "muc 4": "full", "4": "full",
        "partial": "partial", "mot phan": "partial", "dvc mot phan": "partial",
        "muc do 3": "partial", "muc 3": "partial", "3": "partial",
        "none": "none", "": "none", "khong": "none", "muc do 2": "none", "muc 2": "none",
        "2": "none", "muc do 1": "none", "muc 1": "none", "1": "none",
        "cung cap thong tin": "none",
    },
    "status": {
        "completed": "completed", "da giai quyet": "completed", "hoan thanh": "completed",
        "da hoan thanh": "completed", "da tra ket qua": "completed",
        "da giai quyet dung han": "completed", "da giai quyet truoc han": "completed",
        "da giai quyet qua han": "completed", "da giai quyet tre han": "completed",
        "pending": "pending", "dang giai quyet": "pending", "dang xu ly": "pending",
        "dang giai quyet trong han": "pending", "dang giai quyet qua han": "pending",
        "cho bo sung": "pending",
        "returned": "returned", "tra lai": "returned", "tra lai ho so": "returned",
        "tu choi": "returned", "khong giai quyet": "returned",
        "withdrawn": "withdrawn", "rut ho so": "withdrawn", "da rut": "withdrawn",
        "cong dan rut ho so": "withdrawn", "rut": "withdrawn",
    },
    "satisfaction_rating": {
        "rat hai long": "5", "hai long": "4", "binh thuong": "3",
        "khong hai long": "2", "rat khong hai long": "1",
    },
    "delegated": {
        "true": "true", "1": "true", "yes": "true", "co": "true", "x": "true",
        "false": "false", "0": "false", "no": "false", "khong": "false", "": "false",
    },
}

def normalize_text(value: object) -> str:
    """The matching key of a header or coded value: :func:`cchc_research.text.text_key`.

    Lower case, no diacritics (``đ`` → ``d``, look-alike ``Ð`` too), punctuation and odd
    spaces collapsed to single spaces: the project's one Vietnamese text normalizer.

    Examples
    --------
    >>> normalize_text("Đã giải quyết"), normalize_text("\u00d0ã giải quyết")
    ('da giai quyet', 'da giai quyet')
    >>> normalize_text("Kênh_nộp/hồ sơ")
    'kenh nop ho so'
    """
    return text_key(str(value))


_HEADER_LOOKUP: dict[str, str] = {
    alias: canon for canon, aliases in HEADER_ALIASES.items() for alias in aliases
}
_HEADER_LOOKUP.update({normalize_text(c): c for c in DOSSIER_COLUMNS})


def canonical_header(header: object) -> str | None:
    """The canonical column for an export header, or None when it is not recognized."""
    return _HEADER_LOOKUP.get(normalize_text(header))


def canonical_value(column: str, value: object) -> str | None:
    """The canonical code of a coded value (channel, online level, status...), or None."""
    return VALUE_ALIASES[column].get(normalize_text(value))


def dossier_schema(units: Iterable[str] | None = None) -> pa.DataFrameSchema:
    """The pandera schema of a clean dossier frame.

    Parameters
    ----------
    units : iterable of str, optional
        Allowed ``unit`` codes; any string when None.

    Returns
    -------
    pandera.pandas.DataFrameSchema

    Examples
    --------
    >>> dossier_schema().validate(empty_dossiers()).shape
    (0, 14)
    """
    unit_checks = [] if units is None else [pa.Check.isin(sorted(set(units)))]

    def _dates(frame: pd.DataFrame, col: str) -> pd.Series:
        return frame[col].dt.normalize()

    return pa.DataFrameSchema(
        {
            "dossier_id": pa.Column("string", unique=True, nullable=False),
            "procedure_code": pa.Column("string", nullable=True),
            "field": pa.Column("string", nullable=True),
            "unit": pa.Column("string", checks=unit_checks, nullable=False),
            "channel": pa.Column("string", pa.Check.isin(CHANNELS), nullable=False),
            "online_level": pa.Column("string", pa.Check.isin(ONLINE_LEVELS), nullable=True),
            "received_at": pa.Column("datetime64[ns]", nullable=False),
            "due_at": pa.Column("datetime64[ns]", nullable=False),
            "completed_at": pa.Column("datetime64[ns]", nullable=True),
            "status": pa.Column("string", pa.Check.isin(STATUSES), nullable=False),
            "supplement_requests": pa.Column("int64", pa.Check.ge(0), nullable=False),
            "satisfaction_rating": pa.Column("Int64", pa.Check.in_range(1, 5), nullable=True),
            "delegated": pa.Column("boolean", nullable=True),
            "statutory_days": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        },
        checks=[
            pa.Check(
                lambda f: f["completed_at"].isna()
                | (_dates(f, "completed_at") >= _dates(f, "received_at")),
                name="completed_not_before_received",
            ),
            pa.Check(
                lambda f: _dates(f, "due_at") >= _dates(f, "received_at"),
                name="due_not_before_received",
            ),
            pa.Check(
                lambda f: (f["status"] != "completed") | f["completed_at"].notna(),
                name="completed_has_completed_at",
            ),
        ],
        strict=False,
        ordered=False,
    )


def empty_dossiers() -> pd.DataFrame:
    """An empty clean dossier frame with the canonical columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in DOSSIER_COLUMNS.items()})


def known_units() -> frozenset[str]:
    """Unit codes known to the geography layer (:mod:`cchc_research.geo`).

    Province codes of the 2004, 2008 and 2025 vintages, Ho Chi Minh City's district codes
    before and after the 2021 Thủ Đức merger, and ``"VN"``.

    """
    codes: set[str] = {"VN"}
    for vintage in (2004, 2008, 2025):
        codes.update(geo.provinces(vintage=vintage)["geo_code"].astype(str))
    for year in (2020, 2021):
        codes.update(geo.hcmc_districts(year)["geo_code"].astype(str))
    return frozenset(codes)
