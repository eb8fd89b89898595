"""``cchc build``: raw sources → validated, traceable processed tables.

Stages, each a plain function so a scheduler could wrap it:

1. :func:`cchc_research.sources.manifest.verify_raw` — every raw file is listed in
   ``data/raw/MANIFEST.yaml`` with its provenance and its SHA-256 still matches (raw is read-only).
2. Each reader in :data:`READERS` turns one source into a :class:`~cchc_research.sources.base.SourceResult`;
   its accounting identity (read = processed + rejected) is checked.
3. The long table is validated with pandera (:func:`cchc_research.schemas.indicator_schema`),
   then derived tables are built: the province × year panel, targets, conflicts (within a source
   from its reader; across sources by :mod:`cchc_research.sources.crosscheck`), consistency checks.
4. Everything is written deterministically (sorted rows, fixed Parquet settings, no timestamps)
   with a data dictionary and a build manifest (SHA-256 of every input and output).

Examples
--------
>>> from cchc_research.build import READERS
>>> [r.source_id for r in READERS][:2]
['seed_facts', 'targets_1191']
"""

from __future__ import annotations

import hashlib
import importlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cchc_research import __version__, config
from cchc_research.dictionary import write_data_dictionary
from cchc_research.errors import SchemaError
from cchc_research.schemas import indicator_schema, province_year_schema, validate_frame
from cchc_research.sources.base import (
    REJECT_COLUMNS,
    SourceResult,
    conform,
    empty_rejects,
    province_year_panel,
)
from cchc_research.sources.consistency import run_all_checks
from cchc_research.sources.crosscheck import cross_source_conflicts
from cchc_research.sources.manifest import verify_raw

__all__ = ["READERS", "Reader", "BuildReport", "build", "province_year_panel", "sha256_file"]

@dataclass(frozen=True)
class Reader:
    """A registered source reader: ``target`` is ``"module:function"`` returning a SourceResult.

    ``indicators=False`` means the reader only contributes side tables (its indicator rows
    are already produced by another reader from the same raw rows).
    """

    source_id: str
    target: str
    indicators: bool = True

    def load(self) -> Callable[[], SourceResult]:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(module), func)


READERS: tuple[Reader, ...] = (
    Reader("seed_facts", "cchc_research.sources.seed_facts:read_seed_facts"),
    Reader("targets_1191", "cchc_research.sources.targets:read_targets_1191", indicators=False),
    Reader("news_figures", "cchc_research.sources.news:read_news_figures"),
    Reader("papi", "cchc_research.sources.papi:read_papi"),
    Reader("pci", "cchc_research.sources.pci:read_pci"),
    Reader("pci_pages", "cchc_research.sources.pci_pages:read_pci_pages"),
)


@dataclass
class BuildReport:
    """Per-source accounting and the files written."""

    counts: pd.DataFrame
    outputs: dict[str, Path]
    seconds: float
    manifest: dict = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.reset_index(drop=True).to_parquet(path, index=False, engine="pyarrow", compression="zstd")
    return path


def _sort_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["indicator", "geo_code", "period_start", "period_end", "comparison", "source_id", "source_file", "raw_row"]
    return frame.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)


def _run_readers(readers, log) -> tuple[list[tuple[Reader, SourceResult]], pd.DataFrame]:
    results = []
    rows = []
    for reader in readers:
        t0 = time.perf_counter()
        result = reader.load()()
        result.check_accounting()
        results.append((reader, result))
        rows.append(
            {
                "source_id": reader.source_id,
                "rows_read": result.rows_read,
                "rows_processed": result.rows_processed,
                "rows_rejected": result.rows_rejected,
                "values": len(result.indicators) if reader.indicators else 0,
                "seconds": round(time.perf_counter() - t0, 2),
            }
        )
        log(rows[-1])
    return results, pd.DataFrame(rows)


def build(*, out_dir: Path | None = None, readers=None, log: Callable[[dict], None] = lambda r: None) -> BuildReport:
    """Rebuild every processed table from ``data/raw``.

    Parameters
    ----------
    out_dir : Path, optional
        Destination (default :data:`cchc_research.config.PROCESSED_DIR`).
    readers : sequence of Reader, optional
        The sources to read (default: all of :data:`READERS`).
    log : callable
        Called with each source's accounting row as soon as it is read.

    Returns
    -------
    BuildReport

    Raises
    ------
    SchemaError
        A processed table violates its schema, or a reader's accounting does not add up.
    SourceError
        A raw file is missing, changed since it was recorded, or laid out unexpectedly.
    """
    t0 = time.perf_counter()
    readers = READERS if readers is None else readers
    out_dir = Path(out_dir or config.PROCESSED_DIR)
    raw_files = verify_raw()
    results, counts = _run_readers(readers, log)

    indicators = pd.concat([r.indicators for rd, r in results if rd.indicators], ignore_index=True)
    indicators, cross_conflicts = cross_source_conflicts(_sort_indicators(indicators))
    indicators = validate_frame(indicators, indicator_schema(), file="data/processed/indicators.parquet")

    rejects = pd.concat([r.rejects for _, r in results] + [empty_rejects()], ignore_index=True)
    rejects = conform(rejects, REJECT_COLUMNS, "rejects").sort_values(
        ["source_id", "file", "row", "column"], kind="stable", na_position="first").reset_index(drop=True)

    extra: dict[str, pd.DataFrame] = {}
    for _, r in results:
        for name, table in r.extra_tables.items():
            if name in extra:
                raise SchemaError(name, "two readers produced the same side table", file=r.source_id)
            extra[name] = table.reset_index(drop=True)
    extra["conflicts"] = pd.concat(
        [t for t in (extra.get("conflicts"), cross_conflicts) if t is not None and not t.empty] or [cross_conflicts],
        ignore_index=True).sort_values(["indicator", "geo_code", "period"], kind="stable").reset_index(drop=True)

    panel = province_year_panel(indicators)
    panel = validate_frame(panel, province_year_schema(list(panel.columns)), file="data/processed/province_year.parquet")
    checks = run_all_checks(indicators)

    outputs: dict[str, Path] = {}
    outputs["indicators"] = _write_parquet(indicators, out_dir / "indicators.parquet")
    outputs["province_year"] = _write_parquet(panel, out_dir / "province_year.parquet")
    outputs["consistency_checks"] = _write_parquet(checks, out_dir / "consistency_checks.parquet")
    for name in sorted(extra):
        outputs[name] = _write_parquet(extra[name], out_dir / f"{name}.parquet")
    outputs["rejects"] = _write_parquet(rejects, out_dir / "rejects" / "rejects.parquet")
    rejects.to_csv(out_dir / "rejects" / "rejects.csv", index=False, lineterminator="\n")
    outputs["rejects_csv"] = out_dir / "rejects" / "rejects.csv"
    counts.drop(columns=["seconds"]).to_csv(out_dir / "source_counts.csv", index=False, lineterminator="\n")
    outputs["source_counts"] = out_dir / "source_counts.csv"
    outputs["data_dictionary"] = write_data_dictionary(
        out_dir / "data_dictionary.md", indicators=indicators, panel=panel, extra=extra, rejects=rejects)

    manifest = {
        "package_version": __version__,
        "inputs": {p.relative_to(config.RAW_DIR).as_posix(): sha for p, sha in sorted(raw_files.items())},
        "outputs": {
            name: {
                "path": path.relative_to(out_dir).as_posix(),
                "sha256": sha256_file(path),
            }
            for name, path in sorted(outputs.items())
        },
        "sources": counts.drop(columns=["seconds"]).to_dict("records"),
    }
    manifest_path = out_dir / "build_manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    outputs["build_manifest"] = manifest_path
    return BuildReport(counts=counts, outputs=outputs, seconds=time.perf_counter() - t0, manifest=manifest)
