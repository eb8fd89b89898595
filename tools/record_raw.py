"""Record new raw files in data/raw/MANIFEST.yaml (SHA-256), never changing a recorded hash.

Usage: ``python tools/record_raw.py`` — for every source in the manifest, every file under its
``folder`` that is not yet listed is added with its SHA-256. A listed file whose bytes changed is
an error: raw data is read-only (add a new file instead and record why).
"""

from __future__ import annotations

import hashlib
import sys

import yaml

from cchc_research import config

RAW = config.RAW_DIR


def main() -> int:
    path = RAW / "MANIFEST.yaml"
    text = path.read_text("utf-8")
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    data = yaml.safe_load(text)
    status = 0
    for src in data["sources"]:
        files = src.setdefault("files", {}) or {}
        for f in sorted((RAW / src["folder"]).rglob("*")):
            if not f.is_file():
                continue
            rel = f.relative_to(RAW).as_posix()
            sha = hashlib.sha256(f.read_bytes()).hexdigest()
            if rel in files and files[rel] != sha:
                print(f"ERROR: {rel} changed since it was recorded (raw files are read-only)")
                status = 1
            files.setdefault(rel, sha)
        src["files"] = dict(sorted(files.items()))
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
