"""Project paths, all derived from the package location (never from the working directory).

Examples
--------
>>> from cchc_research import config
>>> config.RAW_DIR.name
'raw'
>>> config.PROCESSED_DIR.relative_to(config.PROJECT_ROOT).as_posix()
'data/processed'
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent
PROJECT_ROOT: Path = PACKAGE_DIR.parent
RESOURCES_DIR: Path = PACKAGE_DIR / "resources"

DATA_DIR: Path = PROJECT_ROOT / "data"
RAW_DIR: Path = DATA_DIR / "raw"
INTERIM_DIR: Path = DATA_DIR / "interim"
PROCESSED_DIR: Path = DATA_DIR / "processed"
REJECTS_DIR: Path = PROCESSED_DIR / "rejects"

NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"
BENCHMARKS_DIR: Path = PROJECT_ROOT / "benchmarks"

#: Where the shared, read-only source data lives when the project is checked out beside it.
SHARED_DATA_DIR: Path = PROJECT_ROOT.parent / "shared" / "data"
SHARED_SEEDS_DIR: Path = PROJECT_ROOT.parent / "shared" / "seeds"

#: Seed used wherever randomness is involved and the caller gives none.
DEFAULT_SEED: int = 20240415
