"""Regenerate environment.yml from pyproject.toml's pinned dependencies (run after changing pins)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    pins = list(meta["dependencies"]) + list(meta["optional-dependencies"]["dev"])
    lines = [
        "# Conda environment for cchc-research. The pinned list must equal pyproject.toml's",
        "# [project] dependencies + [dev] extras (tests/test_environment.py checks it;",
        "# regenerate with `python tools/sync_environment.py`).",
        "name: cchc-research",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
        *[f"      - {d}" for d in pins],
        "      - -e .",
    ]
    (ROOT / "environment.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
