"""The parsed-file cache (checker/cache.py): same models and diagnostics as without it, safe folder rules."""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from peacecheck.checker import cache
from peacecheck.checker.files import DiskLoader
from peacecheck.dsl.api import collect_redlines, load_proposal, load_redlines
from peacecheck.dsl.diagnostics import DiagnosticSink
from test_scanner import deep

DUPLICATE_FIELD = 'party p "P"\nvocabulary "../vocab/russia-ukraine.vocab"\nsource s { title "T" }\n' \
                  'rule P-1 "x" {\n  severity hard\n  severity soft\n  when ukraine.sovereignty == limited\n  cite s\n}\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "project"
    for folder in ("vocab", "redlines", "proposals"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("tests", "*.md"))
    (root / "extra").mkdir()
    (root / "extra" / "dup.redlines").write_text(DUPLICATE_FIELD, encoding="utf-8")
    monkeypatch.chdir(root)
    yield root
    cache.disable()


def folder_of(tmp_path: Path) -> Path:
    home = tmp_path / "cachehome"
    home.mkdir(mode=0o700, exist_ok=True)
    return home / "peacecheck"


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def read_redlines(name: str, store: cache.ParsedCache | None):
    loader = DiskLoader(Path("."))
    loader.cache = store
    sink = DiagnosticSink()
    model, _ = collect_redlines(name if "/" in name else f"redlines/{name}", loader, sink)
    return deep(model), [(d.code, d.span) for d in sink.items]


def test_a_warm_cache_gives_the_same_models_and_diagnostics(project, tmp_path):
    store = cache.ParsedCache(folder_of(tmp_path))
    for name in ("ukraine.redlines", "extra/dup.redlines"):
        plain = read_redlines(name, None)
        cold = read_redlines(name, store)
        warm = read_redlines(name, store)
        assert plain == cold == warm
    assert store.misses == 3 and store.hits == 5  # each file and the shared vocabulary once, then from the cache
    assert [code for code, _ in read_redlines("extra/dup.redlines", store)[1]] == ["PC112"]
    assert len(entries(store.folder)) == 3


def test_proposals_are_not_stored(project, tmp_path):
    store = cache.ParsedCache(folder_of(tmp_path))
    loader = DiskLoader(Path("."))
    loader.cache = store
    load_proposal("proposals/miami.peace", loader)
    assert len(entries(store.folder)) == 1  # the vocabulary only


def test_the_folder_and_entries_are_private(project, tmp_path):
    store = cache.ParsedCache(folder_of(tmp_path))
    read_redlines("us.redlines", store)
    assert store.folder.stat().st_mode & 0o777 == 0o700
    assert all(entry.stat().st_mode & 0o077 == 0 for entry in entries(store.folder))
    assert not list(store.folder.glob(".entry-*"))  # no temporary file left behind


def test_a_corrupt_entry_is_ignored_and_removed(project, tmp_path):
    store = cache.ParsedCache(folder_of(tmp_path))
    expected = read_redlines("us.redlines", store)
    for entry in entries(store.folder):
        entry.write_bytes(b"\x80\x05not a pickle")
    store.hits = store.misses = 0
    assert read_redlines("us.redlines", store) == expected
    assert store.hits == 0 and store.misses == 2
    assert read_redlines("us.redlines", store) == expected and store.hits == 2  # rewritten whole


def plant(store: cache.ParsedCache, mode: int) -> None:
    """Replace every entry with a readable pickle of a wrong model, with the given permissions."""
    wrong = load_redlines("redlines/europe.redlines", DiskLoader(Path(".")))[0]
    for entry in entries(store.folder):
        entry.write_bytes(pickle.dumps((wrong, [])))
        entry.chmod(mode)


def test_an_entry_others_can_write_is_never_unpickled(project, tmp_path):
    store = cache.ParsedCache(folder_of(tmp_path))
    expected = read_redlines("us.redlines", store)
    plant(store, 0o666)
    assert read_redlines("us.redlines", store) == expected
    plant(store, 0o600)  # the same planted entry, private: read (so the test above can fail)
    assert read_redlines("us.redlines", store) != expected


@pytest.mark.parametrize("unsafe", ["folder readable by others", "folder is a symlink", "parent writable by others"])
def test_an_unsafe_folder_is_not_used(project, tmp_path, unsafe):
    folder = folder_of(tmp_path)
    if unsafe == "folder readable by others":
        folder.mkdir(mode=0o755)
        folder.chmod(0o755)
    elif unsafe == "folder is a symlink":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "elsewhere")
    else:
        folder.parent.chmod(0o777)
    store = cache.ParsedCache(folder)
    assert read_redlines("us.redlines", None) == read_redlines("us.redlines", store)
    assert not store.usable() and store.hits == store.misses == 0
    assert not list((tmp_path / "elsewhere").glob("*")) if unsafe == "folder is a symlink" else True
    assert entries(folder) == [] or unsafe == "folder is a symlink"


def test_the_environment_switches_it_off(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.enable() is not None and cache.active().folder == tmp_path / "peacecheck"
    monkeypatch.setenv(cache.ENV_OFF, "1")
    assert cache.enable() is None and cache.active() is None


@pytest.mark.parametrize("flag", [[], ["--no-cache"]])
def test_the_cli_uses_the_cache_unless_told_not_to(project, tmp_path, flag):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}
    env.pop(cache.ENV_OFF, None)
    command = [sys.executable, "-m", "peacecheck.checker", "check", "proposals/miami.peace", *flag, "--format", "json"]
    first = subprocess.run(command, cwd=project, env=env, capture_output=True)
    second = subprocess.run(command, cwd=project, env=env, capture_output=True)
    assert first.returncode in (0, 1) and first.stdout == second.stdout and first.stderr == second.stderr
    stored = entries(home / "peacecheck")
    assert (stored == []) == bool(flag)
