"""Write the simulated world as district one-stop-shop systems export it (SIMULATED data).

:func:`simulate_export` writes, for each district (or each year), one export file with
title rows above the header ("UBND QUẬN 1", "BÁO CÁO CHI TIẾT HỒ SƠ ..."), Vietnamese
headers and values, day-first dates (``dd/mm/yyyy hh:mm:ss``) — Excel (``.xlsx``, title
cells merged across the table) and CSV (UTF-8 with BOM, as Excel saves it) alternating, so
the set holds both kinds — plus ``simulated_rollout_calendar.csv`` (``unit``,
``online_start``: first day of the district's online-service rollout month, ISO). Every
file name contains ``simulated`` and every title says *dữ liệu mô phỏng / simulated*.
Delegation in this world starts by field, not by district
(:func:`~cchc_research.simulate.world.delegation_months`), so the calendar has no
``delegation_start`` column; each dossier carries its ``Phân cấp`` (delegated) flag.

Reading every export file back with :func:`~cchc_research.dossiers.io.read_export` gives the
simulated dossiers exactly (``field`` as its Vietnamese name, see :data:`FIELD_NAMES`);
``tests/dossiers/test_simulate_export.py`` checks it. Same arguments → identical files.

Examples
--------
>>> import tempfile, pathlib
>>> files = simulate_export(tempfile.mkdtemp(), rows=300, seed=5, split="year")
>>> sorted(p.name for p in files)[:2]
['simulated_export_2017.xlsx', 'simulated_export_2018.csv']
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

from cchc_research.config import DEFAULT_SEED
from cchc_research.errors import InvalidArgumentError, SimulationError
from cchc_research.simulate.core import simulate_dossiers
from cchc_research.simulate.world import DISTRICTS, FIELDS

__all__ = ["simulate_export", "make_xlsx_deterministic", "export_frame", "rollout_calendar", "FIELD_NAMES", "EXPORT_HEADERS", "SPLITS"]

SPLITS: tuple[str, ...] = ("district", "year")
#: Field code of the simulated world → the Vietnamese field name written in exports.
FIELD_NAMES: dict[str, str] = {f.code: f.name_vi for f in FIELDS}
#: Canonical column → header written in the exports.
EXPORT_HEADERS: dict[str, str] = {
    "dossier_id": "Mã hồ sơ", "procedure_code": "Mã TTHC", "field": "Lĩnh vực", "unit": "Mã đơn vị",
    "channel": "Kênh nộp", "online_level": "Mức độ DVC", "received_at": "Ngày tiếp nhận",
    "due_at": "Ngày hẹn trả", "completed_at": "Ngày trả kết quả", "status": "Trạng thái",
    "supplement_requests": "Số lần bổ sung", "satisfaction_rating": "Mức độ hài lòng",
    "delegated": "Phân cấp", "statutory_days": "Thời hạn giải quyết",
}
_VALUES: dict[str, dict[object, str]] = {
    "channel": {"direct": "Trực tiếp", "online": "Trực tuyến", "postal": "Bưu chính công ích"},
    "online_level": {"full": "Toàn trình", "partial": "Một phần", "none": ""},
    "status": {"completed": "Đã giải quyết", "pending": "Đang giải quyết", "returned": "Trả lại hồ sơ",
               "withdrawn": "Rút hồ sơ"},
    "satisfaction_rating": {5: "Rất hài lòng", 4: "Hài lòng", 3: "Bình thường", 2: "Không hài lòng",
                            1: "Rất không hài lòng"},
    "delegated": {True: "Có", False: "Không"},
}
_NAMES = {d.code: d.name_vi for d in DISTRICTS} | {"769": "Thành phố Thủ Đức"}


def _date(series: pd.Series) -> pd.Series:
    return series.dt.strftime("%d/%m/%Y %H:%M:%S").fillna("")


def export_frame(dossiers: pd.DataFrame) -> pd.DataFrame:
    """Canonical simulated dossiers → the text table an export holds (Vietnamese headers and values).

    Raises
    ------
    SimulationError
        A timestamp with fractions of a second (an export writes whole seconds).
    """
    out = pd.DataFrame({"STT": [str(i) for i in range(1, len(dossiers) + 1)]})
    for col, header in EXPORT_HEADERS.items():
        values = dossiers[col].reset_index(drop=True)
        if col in ("received_at", "due_at", "completed_at"):
            if (values.dropna().dt.microsecond != 0).any() or (values.dropna().dt.nanosecond != 0).any():
                raise SimulationError(f"{col} has fractions of a second; exports write whole seconds")
            text = _date(values)
        elif col == "field":
            text = values.map(FIELD_NAMES).fillna(values)
        elif col in _VALUES:
            table = _VALUES[col]
            text = values.astype(object).map(lambda v, t=table: "" if pd.isna(v) else t[v])
        else:
            text = values.astype("string").fillna("")
        out[header] = text.astype(str).to_numpy()
    return out


def rollout_calendar() -> pd.DataFrame:
    """``unit``, ``online_start`` (first day of the rollout month) of the 24 simulated districts."""
    return pd.DataFrame({
        "unit": [d.code for d in DISTRICTS],
        "online_start": [f"{d.rollout}-01" for d in DISTRICTS],
    }).sort_values("unit", ignore_index=True)


def _titles(label: str, first: pd.Timestamp, last: pd.Timestamp) -> list[str]:
    return [
        f"UBND {label.upper()}",
        "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
        "",
        "BÁO CÁO CHI TIẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH (DỮ LIỆU MÔ PHỎNG / SIMULATED)",
        f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}",
        "",
    ]


def _write_csv(path: Path, titles: list[str], table: pd.DataFrame) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for title in titles:
        writer.writerow([title] if title else [])
    writer.writerow(list(table.columns))
    writer.writerows(table.itertuples(index=False))
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def make_xlsx_deterministic(path: str | Path) -> None:
    """Rewrite a saved .xlsx so that equal content gives equal bytes.

    openpyxl stamps the save time into ``docProps/core.xml`` and into every zip entry; both
    are set to 2000-01-01 (entries in name order, deflated).
    """
    path = Path(path)
    with zipfile.ZipFile(path) as src:
        members = {name: src.read(name) for name in sorted(src.namelist())}
    core = "docProps/core.xml"
    if core in members:
        members[core] = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z",
                               members[core])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)


def _write_xlsx(path: Path, titles: list[str], table: pd.DataFrame) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    width = table.shape[1]
    for r, title in enumerate(titles, start=1):
        if title:
            sheet.cell(r, 1, title)
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    top = len(titles) + 1
    for c, name in enumerate(table.columns, start=1):
        sheet.cell(top, c, name)
    for r, values in enumerate(table.itertuples(index=False), start=top + 1):
        for c, value in enumerate(values, start=1):
            if value != "":
                sheet.cell(r, c, value)
    book.properties.creator = "cchc-research (simulated)"
    book.save(path)
    make_xlsx_deterministic(path)


def simulate_export(
    out_dir: str | Path,
    rows: int = 20_000,
    seed: int = DEFAULT_SEED,
    *,
    split: str = "district",
    start: str = "2017-01-01",
    end: str = "2024-12-31",
) -> list[Path]:
    """Write the simulated world as one-stop-shop export files plus the rollout calendar.

    Parameters
    ----------
    out_dir : path
        Created if needed.
    rows : int
        Simulated dossiers (:func:`~cchc_research.simulate.core.simulate_dossiers`).
    seed : int
    split : {"district", "year"}
        One file per district (unit code of the dossier) or per year of receipt; the files
        alternate between .xlsx and .csv in name order.
    start, end : str
        Simulated days.

    Returns
    -------
    list of Path
        The export files, then ``simulated_rollout_calendar.csv``.

    Raises
    ------
    InvalidArgumentError
        Unknown ``split``.
    """
    if split not in SPLITS:
        raise InvalidArgumentError(f"split must be one of {SPLITS}, not {split!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world = simulate_dossiers(rows, seed, start=start, end=end, progress=False)
    dossiers = world.dossiers
    if split == "district":
        keys = dossiers["unit"].astype(str)
        groups = sorted(keys.unique())
    else:
        keys = dossiers["received_at"].dt.year.astype(str)
        groups = sorted(keys.unique())
    files: list[Path] = []
    for k, group in enumerate(groups):
        part = dossiers[keys == group]
        if split == "district":
            label, stem = _NAMES.get(group, group), f"simulated_export_{group}"
        else:
            label, stem = "Thành phố Hồ Chí Minh", f"simulated_export_{group}"
        titles = _titles(label, part["received_at"].min(), part["received_at"].max())
        table = export_frame(part)
        path = out / f"{stem}.{'xlsx' if k % 2 == 0 else 'csv'}"
        (_write_xlsx if k % 2 == 0 else _write_csv)(path, titles, table)
        files.append(path)
    calendar = out / "simulated_rollout_calendar.csv"
    rollout_calendar().to_csv(calendar, index=False, lineterminator="\n")
    files.append(calendar)
    return files
