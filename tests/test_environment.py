"""environment.yml (conda users) and pyproject.toml must pin the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from cchc_research import config


def _pyproject_pins() -> set[str]:
    meta = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return set(meta["dependencies"]) | set(meta["optional-dependencies"]["dev"])


def _environment_pins() -> set[str]:
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text("utf-8"))
    pins: set[str] = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict) and "pip" in dep:
            pins |= {d for d in dep["pip"] if not d.startswith("-")}
    return pins


def test_every_dependency_is_pinned_exactly():
    for pin in _pyproject_pins():
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.\-+]*", pin), pin


def test_environment_yml_matches_pyproject():
    py, env = _pyproject_pins(), _environment_pins()
    assert py == env, f"only in pyproject: {sorted(py - env)}; only in environment.yml: {sorted(env - py)}"


def test_environment_yml_pins_python_311():
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text("utf-8"))
    assert "python=3.11" in env["dependencies"]
