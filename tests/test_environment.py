"""The package's metadata: compatible ranges, the lock file, environment.yml, licence and citation."""

from __future__ import annotations

import importlib.util
import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from cchc_research import __version__, config
ROOT = config.SOURCE_ROOT
_spec = importlib.util.spec_from_file_location("sync_environment", ROOT / "tools" / "sync_environment.py")
sync_environment = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sync_environment)
lock_pins, render = sync_environment.lock_pins, sync_environment.render


def _meta() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def _requirements() -> list[Requirement]:
    meta = _meta()
    return [Requirement(r) for r in [*meta["dependencies"], *meta["optional-dependencies"]["dev"]]]


def _lock() -> dict[str, Version]:
    out = {}
    for line in lock_pins((ROOT / "requirements.lock").read_text("utf-8")):
        name, _, version = line.partition("==")
        assert version, f"not an exact pin in requirements.lock: {line}"
        out[canonicalize_name(name)] = Version(version)
    return out


def test_pyproject_states_ranges_not_exact_pins():
    for req in _requirements():
        ops = {s.operator for s in req.specifier}
        assert "==" not in ops and "===" not in ops, f"{req} is pinned exactly: use a compatible range"
        assert ">=" in ops and "<" in ops, f"{req} needs a lower and an upper bound"


def test_lock_satisfies_every_range_of_pyproject():
    lock = _lock()
    for req in _requirements():
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} is a dependency but not in requirements.lock"
        assert req.specifier.contains(lock[name], prereleases=True), f"lock {lock[name]} outside {req}"


def test_lock_does_not_contain_the_project_itself():
    assert "cchc-research" not in _lock()


def test_environment_yml_is_generated_from_the_lock():
    text = (ROOT / "environment.yml").read_text("utf-8")
    pins = lock_pins((ROOT / "requirements.lock").read_text("utf-8"))
    assert text == render(pins), "regenerate with `python tools/sync_environment.py`"
    env = yaml.safe_load(text)
    assert "python=3.11" in env["dependencies"]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert set(pip) - {"-e ."} == set(pins)


def test_licence_is_spdx_and_the_file_exists():
    meta = _meta()
    assert meta["license"] == "MIT"  # SPDX expression (PEP 639), no deprecated {text = ...} table
    assert meta["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text("utf-8").startswith("MIT License")


def test_citation_file_matches_the_package_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["license"] == "MIT"
    assert str(cff["version"]) == __version__ == _meta()["version"]
    assert cff["title"] and cff["authors"]


def test_changelog_has_an_unreleased_section_and_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert "## [Unreleased]" in text
    assert re.search(rf"^## \[{re.escape(__version__)}\]", text, re.MULTILINE)


def test_every_third_party_import_of_the_package_is_a_declared_dependency():
    """An installed wheel must pull in everything the package imports (directly, not by luck)."""
    import ast
    import sys
    from importlib.metadata import packages_distributions

    declared = {canonicalize_name(Requirement(r).name) for r in _meta()["dependencies"]}
    dists = packages_distributions()
    missing = {}
    for path in (ROOT / "cchc_research").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in ("cchc_research", "__future__"):
                    continue
                provided = {canonicalize_name(d) for d in dists.get(top, [top])}
                if not provided & declared:
                    missing.setdefault(top, path.relative_to(ROOT).as_posix())
    assert not missing, f"imported but not in pyproject's dependencies: {missing}"
