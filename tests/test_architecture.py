"""The boundary rules of ARCHITECTURE.md, kept by reading the source (ast), not by convention.

1. dsl imports nothing from checker, and no text in dsl names a command-line flag.
2. evaluation, diff and negotiation do no I/O and import neither reports nor cli.
3. reports turn results into words: they never import the code that computes results.
4. cli is the only importer of click and the only caller of sys.exit; nothing imports cli.
5. Only project.py and files.py read input files.
And: no import cycles between modules.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ROOTS = {"dsl": "peacecheck.dsl", "checker": "peacecheck.checker"}


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([ROOTS[parts[0]], *parts[1:]])


SOURCES = {module_name(p): p for root in ROOTS for p in sorted((REPO / root).rglob("*.py"))}


def imports_of(path: Path) -> set[str]:
    """Every module a file imports (at any depth, lazily or not), resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in SOURCES}
    return found


def calls_in(path: Path) -> set[str]:
    """Dotted names of everything called in a file: `open`, `sys.exit`, `path.read_text` -> 'read_text'."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                if func.attr != "open":  # `os.open(os.devnull)` is not `open(...)`; dotted below
                    names.add(func.attr)
                if isinstance(func.value, ast.Name):
                    names.add(f"{func.value.id}.{func.attr}")
    return names


def in_room(module: str, *rooms: str) -> bool:
    return any(module == r or module.startswith(r + ".") for r in rooms)


C = "peacecheck.checker"
CORE = (f"{C}.evaluation", f"{C}.diff", f"{C}.negotiation", f"{C}.history", f"{C}.importer")
COMPUTING = (f"{C}.evaluation.evaluate", f"{C}.diff.build", f"{C}.diff.align", f"{C}.negotiation.cpsat",
             f"{C}.negotiation.packages", f"{C}.negotiation.conflicts", f"{C}.negotiation.draft",
             f"{C}.negotiation.analysis", f"{C}.project", f"{C}.history.build", f"{C}.history.order", f"{C}.importer")
READERS = {f"{C}.project", f"{C}.files"}
FILE_READS = {"open", "read_text", "read_bytes", "io.open"}
# Modules that read the package's own data (grammar, parser tables, templates), never a user's input.
OWN_DATA = {"peacecheck.dsl.tables", "peacecheck.dsl.parser", f"{C}.reports.html"}


def test_the_source_tree_was_found():
    assert f"{C}.project" in SOURCES and "peacecheck.dsl.parser" in SOURCES and f"{C}.cli.main" in SOURCES


@pytest.mark.parametrize("module", sorted(m for m in SOURCES if in_room(m, "peacecheck.dsl")))
def test_dsl_imports_nothing_from_checker_and_names_no_flag(module):
    path = SOURCES[module]
    assert not any(in_room(i, C) or i == "checker" or i.startswith("checker.") for i in imports_of(path))
    strings = [n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    flags = [s for s in strings if re.search(r"(?<![\w-])--[a-z][a-z-]+", s)]
    assert flags == [], f"{module} names a command-line flag: {flags[:3]}"


@pytest.mark.parametrize("module", sorted(m for m in SOURCES if in_room(m, *CORE)))
def test_the_core_does_no_io_and_knows_no_shell_or_words(module):
    path = SOURCES[module]
    bad = [i for i in imports_of(path) if in_room(i, f"{C}.reports", f"{C}.cli", "click")]
    assert bad == [], f"{module} imports {bad}"
    io = calls_in(path) & (FILE_READS | {"write_text", "write_bytes", "print", "sys.exit", "echo"})
    assert io == set(), f"{module} does I/O: {sorted(io)}"


@pytest.mark.parametrize("module", sorted(m for m in SOURCES if in_room(m, f"{C}.reports")))
def test_reports_never_compute_results(module):
    bad = [i for i in imports_of(SOURCES[module]) if in_room(i, *COMPUTING) or in_room(i, f"{C}.cli")]
    assert bad == [], f"{module} imports code that computes results: {bad}"


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_only_cli_imports_click_and_exits_and_nothing_imports_cli(module):
    path = SOURCES[module]
    if in_room(module, f"{C}.cli") or module == f"{C}.__main__":
        return
    imported = imports_of(path)
    assert "click" not in imported, f"{module} imports click"
    assert not any(in_room(i, f"{C}.cli") for i in imported), f"{module} imports the cli"
    assert "sys.exit" not in calls_in(path), f"{module} calls sys.exit"


@pytest.mark.parametrize("module", sorted(m for m in SOURCES if m not in READERS))
def test_only_project_and_files_read_input_files(module):
    path = SOURCES[module]
    reads = calls_in(path) & FILE_READS
    if module in OWN_DATA:
        reads -= {"read_text", "read_bytes"}
    assert reads == set(), f"{module} reads files itself ({sorted(reads)}): go through checker.files or checker.project"


def test_no_import_cycles():
    graph = {m: {i for i in imports_of(p) if i in SOURCES and i != m} for m, p in SOURCES.items()}
    # A package's __init__ re-exporting its own modules is not a cycle of meaning: drop package -> child edges.
    graph = {m: {i for i in deps if not i.startswith(m + ".")} for m, deps in graph.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == [], f"import cycles: {cycles[:3]}"
