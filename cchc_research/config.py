"""Project paths: the package's own files, and the *home* folder holding data, notebooks and reports.

The home is, in order: the ``--home`` option of ``cchc`` (which calls :func:`set_home`), the
environment variable ``CCHC_HOME``, the source checkout this package was imported from (a folder
with ``pyproject.toml`` beside the package), else the current directory (an installed wheel; make
a home with ``cchc init DIR``). Every path below derives from it, never from the working directory
of a notebook or a scheduler. :func:`set_home` also exports ``CCHC_HOME``, so report workers and
their kernels see the same home.

Examples
--------
>>> from cchc_research import config
>>> config.RAW_DIR.name
'raw'
>>> config.PROCESSED_DIR.relative_to(config.PROJECT_ROOT).as_posix()
'data/processed'
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

__all__ = ["PACKAGE_DIR", "SOURCE_ROOT", "RESOURCES_DIR", "PROJECT_ROOT", "DATA_DIR", "RAW_DIR", "INTERIM_DIR",
           "PROCESSED_DIR", "REJECTS_DIR", "NOTEBOOKS_DIR", "REPORTS_DIR", "BENCHMARKS_DIR", "REPORTS_CONFIG",
           "SHARED_DATA_DIR", "SHARED_SEEDS_DIR", "DEFAULT_SEED", "HOME_ENV", "is_source_checkout",
           "default_home", "set_home", "home_template", "SHARE_SUBDIR"]

#: Environment variable naming the home folder (data/, notebooks/, reports/, reports.yml).
HOME_ENV = "CCHC_HOME"

PACKAGE_DIR: Path = Path(__file__).resolve().parent
#: The folder that holds the package: the project checkout when run from source, else site-packages.
SOURCE_ROOT: Path = PACKAGE_DIR.parent
RESOURCES_DIR: Path = PACKAGE_DIR / "resources"

#: Seed used wherever randomness is involved and the caller gives none.
DEFAULT_SEED: int = 20240415


def is_source_checkout() -> bool:
    """True when the package is imported from the project's source tree (not an installed wheel)."""
    return (SOURCE_ROOT / "pyproject.toml").is_file() and (SOURCE_ROOT / "cchc_research").is_dir()


def default_home() -> Path:
    """The home folder when :func:`set_home` was not called: ``$CCHC_HOME``, the checkout, or the cwd."""
    env = os.environ.get(HOME_ENV, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    return SOURCE_ROOT if is_source_checkout() else Path.cwd().resolve()


def set_home(home: str | os.PathLike | None) -> Path:
    """Point every path of this module at ``home`` (``None``: back to :func:`default_home`).

    Also sets ``os.environ["CCHC_HOME"]`` so that child processes (report workers, kernels)
    resolve the same folder. Call it before the modules that read the raw data are imported
    (the ``cchc`` command line does so); modules imported earlier keep the paths they computed.
    """
    global PROJECT_ROOT, DATA_DIR, RAW_DIR, INTERIM_DIR, PROCESSED_DIR, REJECTS_DIR
    global NOTEBOOKS_DIR, REPORTS_DIR, BENCHMARKS_DIR, REPORTS_CONFIG, SHARED_DATA_DIR, SHARED_SEEDS_DIR
    if home is not None:
        os.environ[HOME_ENV] = str(Path(home).expanduser().resolve())
    root = default_home()
    PROJECT_ROOT = root
    DATA_DIR = root / "data"
    RAW_DIR = DATA_DIR / "raw"
    INTERIM_DIR = DATA_DIR / "interim"
    PROCESSED_DIR = DATA_DIR / "processed"
    REJECTS_DIR = PROCESSED_DIR / "rejects"
    NOTEBOOKS_DIR = root / "notebooks"
    REPORTS_DIR = root / "reports"
    REPORTS_CONFIG = root / "reports.yml"
    BENCHMARKS_DIR = root / "benchmarks"
    # Where the shared, read-only source data lives when the project is checked out beside it.
    SHARED_DATA_DIR = root.parent / "shared" / "data"
    SHARED_SEEDS_DIR = root.parent / "shared" / "seeds"
    return root


PROJECT_ROOT: Path
DATA_DIR: Path
RAW_DIR: Path
INTERIM_DIR: Path
PROCESSED_DIR: Path
REJECTS_DIR: Path
NOTEBOOKS_DIR: Path
REPORTS_DIR: Path
REPORTS_CONFIG: Path
BENCHMARKS_DIR: Path
SHARED_DATA_DIR: Path
SHARED_SEEDS_DIR: Path
set_home(None)


#: Where a wheel installs the home template (notebooks, reports.yml, data/raw), under its prefix.
SHARE_SUBDIR = "share/cchc-research"


def home_template() -> Path | None:
    """The folder whose ``notebooks/``, ``reports.yml`` and ``data/raw/`` ``cchc init`` copies.

    The source checkout when run from source; for an installed wheel the data files it installed
    under ``<prefix>/share/cchc-research`` (found through ``importlib.metadata``); ``None`` when
    neither exists.
    """
    if is_source_checkout():
        return SOURCE_ROOT
    try:
        files = metadata.distribution("cchc-research").files or []
    except metadata.PackageNotFoundError:
        return None
    for f in files:
        if f.as_posix().endswith(f"{SHARE_SUBDIR}/reports.yml"):
            return Path(f.locate()).resolve().parent
    return None
