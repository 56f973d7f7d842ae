"""Shared fixtures: paths to the repository and to the small test project."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
BASIC = FIXTURES / "basic"


def load_script(path: Path, name: str):
    """A script (a golden file's regen.py, a benchmark) as a module, to share its set-up; loaded once per run
    and registered first (a script's dataclasses look their module up)."""
    import importlib.util
    import sys

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# The report fixture's golden-file script: the HTML and Markdown tests render what it renders.
REPORT_REGEN = load_script(REPO / "tests" / "golden" / "report" / "regen.py", "report_regen")


@pytest.fixture(scope="session")
def report_result():
    return REPORT_REGEN.fixture_result()


class DictLoader:
    """An in-memory Loader for the dsl: files are a dict of name -> text."""

    def __init__(self, files: dict[str, str]):
        self.files = files

    def resolve(self, relative: str, from_file: str, span) -> str:
        return os.path.normpath(os.path.join(os.path.dirname(from_file), relative))

    def read(self, key: str) -> bytes:
        if key not in self.files:
            raise FileNotFoundError(2, "No such file or directory")
        return self.files[key].encode("utf-8")


@pytest.fixture
def dict_loader():
    return DictLoader


@pytest.fixture
def in_basic(monkeypatch):
    """Run from inside the basic fixture project (paths in output are relative to it)."""
    monkeypatch.chdir(BASIC)
    return BASIC


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO)
    return REPO


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
INSTALL_HINT = ("no Chromium found: install one (Debian: apt-get install -y chromium; or "
                "python -m playwright install chromium) or set PEACECHECK_CHROMIUM=/path/to/chromium")


def find_chromium() -> str | None:
    """A Chromium to drive: $PEACECHECK_CHROMIUM, Debian's /usr/bin/chromium, one on PATH, or Playwright's own."""
    import os
    import shutil

    explicit = os.environ.get("PEACECHECK_CHROMIUM")
    if explicit:
        return explicit
    for candidate in ("/usr/bin/chromium", *(shutil.which(n) for n in ("chromium", "chromium-browser",
                                                                       "google-chrome", "chrome"))):
        if candidate and Path(candidate).is_file():
            return candidate
    return None  # Playwright's own download, if any, is tried by launching without a path


@pytest.fixture(scope="session")
def browser():
    """One real headless Chromium for every browser test of the run.

    Where no browser can be found the browser tests are skipped with one line saying how to install
    one, except under CI=true, where a missing browser is a failure (they must never be skipped there)."""
    import os

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    path = find_chromium()
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS) if path else \
                pw.chromium.launch(args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            if os.environ.get("CI", "").lower() == "true":
                raise RuntimeError(f"{INSTALL_HINT} ({exc.message.splitlines()[0]})") from None
            pytest.skip(INSTALL_HINT)
        yield chromium
        chromium.close()
