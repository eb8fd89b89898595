"""The raw-data manifest: provenance and SHA-256 of every file under ``data/raw``.

``data/raw/MANIFEST.yaml`` lists each source (origin, publisher, licence, reliability, how it
was obtained) and, per file, its SHA-256. :func:`verify_raw` is the first step of every build:
a raw file that changed, vanished or was added without provenance stops the build with a
:class:`~cchc_research.errors.SourceError` — raw data is read-only.

Examples
--------
>>> from cchc_research.sources.manifest import load_manifest
>>> m = load_manifest()
>>> all({"id", "origin", "publisher", "licence", "files"} <= set(s) for s in m["sources"])
True
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from cchc_research import config
from cchc_research.errors import SourceError

__all__ = ["MANIFEST_NAME", "load_manifest", "verify_raw", "raw_files_on_disk", "source_of"]

MANIFEST_NAME = "MANIFEST.yaml"
REQUIRED_KEYS = ("id", "origin", "publisher", "licence", "reliability", "files")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_manifest(raw_dir: Path | None = None) -> dict:
    """Read and check the structure of ``MANIFEST.yaml``."""
    raw_dir = Path(raw_dir or config.RAW_DIR)
    path = raw_dir / MANIFEST_NAME
    if not path.exists():
        raise SourceError(str(path), "raw-data manifest is missing", file=str(path))
    data = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourceError(None, "manifest must be a mapping with a 'sources' list", file=str(path))
    seen: set[str] = set()
    for i, src in enumerate(data["sources"], start=1):
        missing = [k for k in REQUIRED_KEYS if k not in src]
        if missing:
            raise SourceError(src.get("id"), f"source entry lacks {missing}", file=str(path), row=i)
        if src["id"] in seen:
            raise SourceError(src["id"], "duplicate source id", file=str(path), row=i)
        seen.add(src["id"])
    return data


def raw_files_on_disk(raw_dir: Path | None = None) -> list[Path]:
    """Every file under ``raw_dir`` except the manifest itself and hidden files."""
    raw_dir = Path(raw_dir or config.RAW_DIR)
    return sorted(
        p for p in raw_dir.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)
    )


def source_of(relative_path: str, raw_dir: Path | None = None) -> dict:
    """The manifest entry of the source a raw file belongs to."""
    for src in load_manifest(raw_dir)["sources"]:
        if relative_path in src["files"]:
            return src
    raise SourceError(relative_path, "file is not listed in data/raw/MANIFEST.yaml", file=relative_path)


def verify_raw(raw_dir: Path | None = None) -> dict[Path, str]:
    """Check every raw file against the manifest; return ``{path: sha256}``.

    Raises
    ------
    SourceError
        A listed file is missing or its SHA-256 differs; a file on disk is not listed.
    """
    raw_dir = Path(raw_dir or config.RAW_DIR)
    manifest = load_manifest(raw_dir)
    listed: dict[str, str] = {}
    for src in manifest["sources"]:
        for rel, sha in src["files"].items():
            listed[rel] = sha
    out: dict[Path, str] = {}
    for rel, sha in sorted(listed.items()):
        path = raw_dir / rel
        if not path.exists():
            raise SourceError(rel, "listed in MANIFEST.yaml but missing", file=str(path))
        actual = _sha256(path)
        if actual != sha:
            raise SourceError(
                actual, f"SHA-256 differs from MANIFEST.yaml ({sha}): raw files are read-only", file=str(path))
        out[path] = actual
    unlisted = [p.relative_to(raw_dir).as_posix() for p in raw_files_on_disk(raw_dir) if p.relative_to(raw_dir).as_posix() not in listed]
    if unlisted:
        raise SourceError(unlisted[0], f"raw file without provenance in MANIFEST.yaml ({len(unlisted)} such files)",
                          file=str(raw_dir / unlisted[0]))
    return out


def _print_unlisted() -> None:  # pragma: no cover - maintenance helper
    raw_dir = config.RAW_DIR
    manifest = load_manifest(raw_dir) if (raw_dir / MANIFEST_NAME).exists() else {"sources": []}
    listed = {rel for s in manifest["sources"] for rel in s["files"]}
    for p in raw_files_on_disk(raw_dir):
        rel = p.relative_to(raw_dir).as_posix()
        if rel not in listed:
            print(f"      {rel}: {_sha256(p)}")


if __name__ == "__main__":  # pragma: no cover
    _print_unlisted()
