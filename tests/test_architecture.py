"""The package's import graph: no cycles, layers only point down, no private names across modules.

The graph is built with :mod:`ast` from every ``cchc_research/**/*.py`` file (nothing is
imported, so a cycle hidden by a function-level import is still seen): module-level
imports, imports inside functions and methods, and ``if TYPE_CHECKING:`` imports all count.

Layers, bottom to top (a module may import from its own layer or any layer below it):

====  ==========  ==============================================================================
rank  layer       modules
====  ==========  ==============================================================================
0     foundation  ``cchc_research`` (package root), ``errors``, ``config``, ``text``
1     shared      ``parsing``, ``periods``, ``geo`` (small shared modules: pure helpers)
2     catalog     ``catalog`` (indicator definitions; its eras are :class:`~periods.Period`)
3     sources     ``sources`` (raw files -> tidy frames with provenance)
4     processed   ``build``, ``data``, ``dictionary``, ``schemas``, ``dossiers``, ``simulate``
5     models      ``models`` (estimation methods only)
6     analysis    ``analysis`` (one study pipeline per research question)
7     reporting   ``reporting``, ``labels`` (presentation: text, tables, figures, translation)
8     entry       ``cli`` (the command line, wires every layer together)
====  ==========  ==============================================================================

A *private* name is one starting with a single underscore (dunders such as ``__version__``
are public). A module may use its own private names and import a private *module* of its own
package (``periods`` may import ``periods._ytd``); it may not import another module's
``_name``, reach for ``module._name`` through an imported module, or import a private module
of another package.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "cchc_research"
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE

#: Layers from bottom to top; each maps to the module prefixes (relative to the package) it holds.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("", "errors", "config", "text")),
    ("shared", ("parsing", "periods", "geo")),
    ("catalog", ("catalog",)),
    ("sources", ("sources",)),
    ("processed", ("build", "data", "dictionary", "schemas", "dossiers", "simulate")),
    ("models", ("models",)),
    ("analysis", ("analysis",)),
    ("reporting", ("reporting", "labels")),
    ("entry", ("cli",)),
)


@dataclass(frozen=True)
class Edge:
    """One import: ``source`` imports ``target`` (a module), optionally the name ``name``."""

    source: str
    target: str
    name: str | None
    line: int
    in_function: bool

    def where(self) -> str:
        kind = "function-level" if self.in_function else "module-level"
        what = f"{self.target}.{self.name}" if self.name else self.target
        return f"{self.source}:{self.line} imports {what} ({kind})"


def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is_package) for every module of the package."""
    out = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_pkg)
    return out


MODULES = _modules()


def _owning_module(dotted: str) -> str:
    """The longest prefix of ``dotted`` that is a module of the package."""
    name = dotted
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    if not name:
        raise AssertionError(f"import of {dotted!r}, which is not a module of {PACKAGE}")
    return name


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_pkg: bool) -> None:
        self.module = module
        self.package = module if is_pkg else module.rpartition(".")[0]
        self.depth = 0
        self.edges: list[Edge] = []
        self.aliases: dict[str, str] = {}  # local name bound to a package module
        self.attribute_uses: list[tuple[str, str, int]] = []  # (module, attr, line)

    def _add(self, target: str, name: str | None, line: int) -> None:
        self.edges.append(Edge(self.module, target, name, line, self.depth > 0))

    def visit_FunctionDef(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                target = _owning_module(alias.name)
                self._add(target, None, node.lineno)
                if alias.asname:
                    self.aliases[alias.asname] = target

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")
            base = base[: len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        if not (target == PACKAGE or target.startswith(PACKAGE + ".")):
            return
        for alias in node.names:
            sub = f"{target}.{alias.name}"
            if sub in MODULES:  # "from pkg import module"
                self._add(sub, None, node.lineno)
                self.aliases[alias.asname or alias.name] = sub
            else:
                self._add(_owning_module(target), alias.name, node.lineno)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id in self.aliases:
            self.attribute_uses.append((self.aliases[node.value.id], node.attr, node.lineno))
        self.generic_visit(node)


def _collect() -> tuple[list[Edge], list[tuple[str, str, str, int]]]:
    edges, attrs = [], []
    for module, (path, is_pkg) in MODULES.items():
        collector = _Collector(module, is_pkg)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        edges.extend(collector.edges)
        attrs.extend((module, target, attr, line) for target, attr, line in
                     collector.attribute_uses)
    return edges, attrs


EDGES, ATTRIBUTE_USES = _collect()


def layer_of(module: str) -> tuple[int, str]:
    """(rank, layer name) of a module: the layer holding its longest matching prefix."""
    rel = module[len(PACKAGE) + 1:] if module != PACKAGE else ""
    best: tuple[int, int, str] | None = None  # (prefix length, rank, name)
    for rank, (name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if rel == prefix or (prefix and rel.startswith(prefix + ".")):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), rank, name)
    if best is None:
        raise KeyError(module)
    return best[1], best[2]


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_module_outside_its_package(source: str, target: str) -> bool:
    """``target`` has a private component whose parent package does not contain ``source``."""
    parts = target.split(".")
    for i, part in enumerate(parts):
        if _is_private(part):
            parent = ".".join(parts[:i])
            if not (source == parent or source.startswith(parent + ".")):
                return True
    return False


def find_cycles(edges: list[Edge]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for e in edges:
        if e.target != e.source:
            graph[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return sorted(out)


# ----------------------------------------------------------------------------- the rules
def test_graph_sees_the_whole_package():
    assert len(MODULES) > 50
    assert any(e.in_function for e in EDGES), "function-level imports must be part of the graph"
    assert all(e.target in MODULES for e in EDGES)


def test_every_module_has_a_layer():
    missing = []
    for module in MODULES:
        try:
            layer_of(module)
        except KeyError:
            missing.append(module)
    assert not missing, f"modules outside every layer (add them to LAYERS): {missing}"


def test_no_import_cycles():
    cycles = find_cycles(EDGES)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_layers_only_point_down():
    upward = []
    for e in EDGES:
        try:
            (rs, ls), (rt, lt) = layer_of(e.source), layer_of(e.target)
        except KeyError:
            continue  # reported by test_every_module_has_a_layer

        if rt > rs:
            upward.append(f"{e.where()}: {ls} (rank {rs}) -> {lt} (rank {rt})")
    assert not upward, "upward imports:\n" + "\n".join(sorted(upward))


def test_no_private_names_across_modules():
    bad = []
    for e in EDGES:
        if e.target == e.source:
            continue
        if e.name is not None and _is_private(e.name):
            bad.append(f"{e.where()}: private name {e.name!r}")
        elif _private_module_outside_its_package(e.source, e.target):
            bad.append(f"{e.where()}: private module outside its package")
    for source, target, attr, line in ATTRIBUTE_USES:
        if target != source and _is_private(attr):
            bad.append(f"{source}:{line} uses {target}.{attr}: private name {attr!r}")
    assert not bad, "imports of another module's private names:\n" + "\n".join(sorted(bad))


# ----------------------------------------------------------------------------- the checker itself
def _edge(source: str, target: str, name: str | None = None) -> Edge:
    return Edge(source, target, name, 1, False)


def test_find_cycles_reports_a_function_level_cycle():
    a, b, c = "cchc_research.catalog", "cchc_research.periods", "cchc_research.periods._ytd"
    edges = [_edge(a, b), _edge(b, c), Edge(c, a, "get_indicator", 9, True)]
    assert find_cycles(edges) == [sorted([a, b, c])]
    assert find_cycles(edges[:2]) == []


@pytest.mark.parametrize(("module", "layer"), [
    ("cchc_research", "foundation"),
    ("cchc_research.errors", "foundation"),
    ("cchc_research.periods._ytd", "shared"),
    ("cchc_research.sources.papi", "sources"),
    ("cchc_research.build", "processed"),
    ("cchc_research.models.twfe", "models"),
    ("cchc_research.analysis.papi", "analysis"),
    ("cchc_research.reporting.runner", "reporting"),
    ("cchc_research.cli", "entry"),
])
def test_layer_of(module, layer):
    assert layer_of(module)[1] == layer


@pytest.mark.parametrize(("source", "target", "private"), [
    ("cchc_research.periods", "cchc_research.periods._ytd", False),
    ("cchc_research.periods._ytd", "cchc_research.periods._core", False),
    ("cchc_research.catalog", "cchc_research.periods._ytd", True),
    ("cchc_research.sources.papi", "cchc_research.sources._papi_pci_common", False),
    ("cchc_research.analysis.papi", "cchc_research.sources._papi_pci_common", True),
])
def test_private_module_rule(source, target, private):
    assert _private_module_outside_its_package(source, target) is private


# ----------------------------------------------------------------------------- errors
ERRORS_MODULE = f"{PACKAGE}.errors"


def _class_bases(node: ast.ClassDef) -> list[str]:
    return [ast.unparse(b).rpartition(".")[2] for b in node.bases]


def _exception_classes() -> tuple[set[str], list[str]]:
    """Exception/warning class names defined in errors.py, and any defined elsewhere."""
    tree = ast.parse(MODULES[ERRORS_MODULE][0].read_text(encoding="utf-8"))
    known = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    roots = {"Exception", "BaseException", "Warning", "UserWarning", "ValueError", "TypeError",
             "KeyError", "LookupError", "RuntimeError", *known}
    elsewhere = []
    for module, (path, _) in MODULES.items():
        if module == ERRORS_MODULE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # a private class (``_Stop``) is internal control flow that never leaves its module
            if (isinstance(node, ast.ClassDef) and set(_class_bases(node)) & roots
                    and not _is_private(node.name)):
                elsewhere.append(f"{module}:{node.lineno} class {node.name}")
    return known, elsewhere


def test_every_exception_and_warning_class_lives_in_errors():
    known, elsewhere = _exception_classes()
    assert {"CCHCError", "InvalidArgumentError", "CCHCWarning"} <= known
    assert not elsewhere, ("exception/warning classes outside cchc_research/errors.py:\n"
                           + "\n".join(elsewhere))


def test_base_error_never_raised_bare():
    bare = []
    for module, (path, _) in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if ast.unparse(exc).rpartition(".")[2] == "CCHCError":
                    bare.append(f"{module}:{node.lineno}")
    assert not bare, ("CCHCError raised bare (raise a specific subclass, e.g. "
                      "InvalidArgumentError for bad arguments):\n" + "\n".join(bare))


def test_invalid_argument_error_is_documented_and_a_value_error():
    from cchc_research import errors

    assert issubclass(errors.InvalidArgumentError, errors.CCHCError)
    assert issubclass(errors.InvalidArgumentError, ValueError)
    assert "InvalidArgumentError" in errors.__all__
    assert errors.InvalidArgumentError.__doc__ and "argument" in errors.InvalidArgumentError.__doc__
    assert sorted(errors.__all__) == sorted(
        n for n, obj in vars(errors).items()
        if isinstance(obj, type) and issubclass(obj, (Exception, Warning)) and obj.__module__ == errors.__name__
    ), "every class of errors.py is listed in errors.__all__"
