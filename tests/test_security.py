"""High-severity safety: no parser cache read from a shared folder; `-o` never replaces a FIFO or device."""
from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from peacecheck.checker.files import write_atomic
from peacecheck.dsl import tables

REPO = Path(__file__).resolve().parents[1]


class _Planted:
    """Unpickling this creates a marker file: proof that a planted pickle ran code."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path(self.marker).touch, ())


def test_shipped_parser_tables_match_the_grammar():
    import lark

    shipped = tables._shipped_tables()
    assert shipped is not None, "dsl/parser_tables.json is missing: run python -m peacecheck.dsl.tables"
    assert shipped["grammar_sha256"] == tables.grammar_digest(tables.grammar_text()), \
        "peace.lark changed: regenerate with python -m peacecheck.dsl.tables"
    assert shipped["lark_version"] == lark.__version__


def test_shipped_tables_parse_like_the_grammar():
    import lark

    built = lark.Lark(tables.grammar_text(), **tables.OPTIONS)
    loaded = tables.build_parser()
    for path in sorted((REPO / "proposals").glob("*.peace")) + sorted((REPO / "redlines").glob("*.redlines")):
        text = path.read_text(encoding="utf-8")
        assert loaded.parse(text) == built.parse(text), path.name


def test_no_pickle_is_loaded_from_the_temp_folder(tmp_path):
    """Plant a pickle under every name lark's cache could use; a check must never run it."""
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Planted(str(marker)))
    for version in ("3_11", "3_12", "3_13"):
        for name in (f".lark_cache_root_x_{version}.tmp", f".lark_cache_{os.getuid()}_x_{version}.tmp"):
            (shared / name).write_bytes(payload)
    planted = sorted(p.name for p in shared.iterdir())
    env = {**os.environ, "TMPDIR": str(shared), "TEMP": str(shared), "TMP": str(shared),
           "PYTHONPATH": str(Path(__file__).parent)}
    code = ("import sys, tempfile; sys.argv[0] = 'peacecheck'\n"
            "import pickle\nreal = pickle.load\n"
            "def spy(*a, **k):\n    raise SystemExit('pickle.load called')\n"
            "pickle.load = spy\n"
            "from peacecheck.checker.cli import run\nrun()")
    done = subprocess.run([sys.executable, "-c", code, "proposals/miami.peace", "--format", "json"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert '"schema_version"' in done.stdout
    assert not marker.exists()
    assert sorted(p.name for p in shared.iterdir()) == planted, "nothing is cached in the shared temp folder"


def _read_fifo_while(fifo: Path, write) -> bytes:
    """Run `write` while another thread reads the FIFO to its end; what the reader got."""
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write()
    reader.join(timeout=30)
    assert received, "the FIFO was never written and closed"
    return received[0]


def test_write_into_a_fifo_keeps_the_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert _read_fifo_while(fifo, lambda: write_atomic(fifo, b"report\n")) == b"report\n"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_write_through_a_symlink_to_a_fifo_keeps_both(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(fifo)
    assert _read_fifo_while(fifo, lambda: write_atomic(link, b"x")) == b"x"
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_write_into_a_character_device_keeps_the_device(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null
    write_atomic(null, b"report\n")
    assert stat.S_ISCHR(os.stat(null).st_mode)


def test_cli_output_into_a_fifo(tmp_path):
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    runs: list[subprocess.CompletedProcess] = []
    received = _read_fifo_while(fifo, lambda: runs.append(subprocess.run(
        [sys.executable, "-m", "peacecheck.checker", "proposals/miami.peace", "--format", "json", "-o", str(fifo)],
        cwd=REPO, capture_output=True, text=True, timeout=120)))
    assert runs[0].returncode in (0, 1), runs[0].stderr
    assert b'"schema_version"' in received
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_broken_pipe_exits_141_not_1():
    """A reader that leaves at once (`| head -1`): the documented 141, never the 'hard rejection' 1."""
    fixture = REPO / "tests" / "fixtures" / "basic"
    process = subprocess.Popen([sys.executable, "-m", "peacecheck.checker", "proposals/draft.peace", "--fail-on",
                                "never", "--format", "json"], cwd=fixture, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before anything is written
    _, err = process.communicate(timeout=120)
    assert process.returncode == 141, err
    assert b"Traceback" not in err


def test_output_onto_the_config_file_read_is_refused(tmp_path):
    import shutil

    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    (project / ".git").mkdir()
    for name, text in (("pyproject.toml", '[tool.peacecheck]\nfail-on = "never"\n'),
                       ("peacecheck.toml", 'fail-on = "never"\n')):
        config = project / name
        config.write_text(text, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "proposals/draft.peace", "-o", name],
                              cwd=project, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and "PC119" in done.stderr, done.stderr
        assert config.read_text(encoding="utf-8") == text
        config.unlink()


@pytest.mark.parametrize("special", ["fifo", "zero"])
def test_config_that_is_not_a_regular_file_is_refused(tmp_path, special):
    if special == "fifo":
        config = tmp_path / "peacecheck.toml"
        os.mkfifo(config)
    else:
        if not Path("/dev/zero").exists():
            pytest.skip("no /dev/zero")
        config = Path("/dev/zero")
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "proposals/miami.peace", "--config",
                           str(config)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "PC600" in done.stderr, done.stderr


HOSTILE = "Evil\x1b]0;owned\x07\x9b2J\u202e title"


def _hostile_project(tmp_path: Path) -> Path:
    import shutil

    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    draft = project / "proposals" / "draft.peace"
    text = draft.read_text(encoding="utf-8")
    hostile_title = HOSTILE.replace("\x1b", "\\u001b").replace("\x07", "\\u0007").replace("\x9b", "\\u009b")
    text = text.replace('clause 2 "Army"', f'clause 2 "{hostile_title}\\n::add-mask::secret\\n::error::x"', 1)
    (project / "proposals" / "new.peace").write_text(text, encoding="utf-8")
    return project


@pytest.mark.parametrize("args", [
    ["proposals/new.peace", "--format", "text"],
    ["proposals/new.peace", "--format", "markdown"],
    ["diff", "proposals/draft.peace", "proposals/new.peace"],
    ["diff", "proposals/draft.peace", "proposals/new.peace", "--format", "markdown"],
])
def test_no_terminal_control_and_no_workflow_command_on_stdout(tmp_path, args):
    project = _hostile_project(tmp_path)
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=project, capture_output=True,
                          timeout=120)
    assert done.returncode in (0, 1), done.stderr
    out = done.stdout.decode("utf-8")
    assert "Evil" in out
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in out, (args, repr(bad))
    assert not any(line.lstrip().startswith("::") for line in out.splitlines()), args


def test_escaper_keeps_own_colour_only():
    from peacecheck.checker.reports.escape import safe_report

    coloured = "\x1b[31mREJECT\x1b[0m " + "a\x1b]0;t\x07"
    assert safe_report(coloured, "text", colour=True) == "\x1b[31mREJECT\x1b[0m a\\x1b]0;t\\x07"
    assert "\x1b" not in safe_report(coloured, "text")
    shown = safe_report("::error::x\n  ::warning::y", "markdown")
    assert not any(line.lstrip().startswith("::") for line in shown.splitlines()) and "error::x" in shown
    assert safe_report("::error::x", "github") == "::error::x"
    assert safe_report("<p>\x01</p>", "html") == "<p>\ufffd</p>"


@pytest.mark.parametrize("command", [[], ["lint"], ["solve"], ["diff", "proposals/draft.peace"]])
def test_nul_byte_in_a_vocabulary_path_is_a_located_error(tmp_path, command):
    import shutil

    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    (project / "proposals" / "nul.peace").write_text('proposal "X"\nvocabulary "../vocab/ba\\u0000sic.vocab"\n',
                                                     encoding="utf-8")
    args = [*command, "proposals/nul.peace"] if command != ["lint"] else ["lint", "redlines", "proposals/nul.peace"]
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=project, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "nul.peace:2:" in done.stderr


def test_fmt_never_writes_a_file_that_no_longer_loads(tmp_path):
    """A long triple-quoted text with a control character would become one over-long line (PC014)."""
    body = "\n".join("word " * 19 for _ in range(1100))
    path = tmp_path / "long.peace"
    original = f'proposal "X"\nclause 1 "A" {{\n  text """\n{body}\x01\n"""\n}}\n'
    path.write_text(original, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "fmt", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "PC620" in done.stderr, done.stderr
    assert path.read_text(encoding="utf-8") == original


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_fmt_refuses_what_is_not_a_regular_file(tmp_path, kind):
    target = tmp_path / "x.peace"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target = Path("/dev/zero")
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "fmt", str(target)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "not a regular file" in done.stderr


def _basic_copy(tmp_path: Path) -> Path:
    import shutil

    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    return project


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_lint_on_the_first_and_last_date_is_no_crash(tmp_path, day):
    project = _basic_copy(tmp_path)
    south = project / "redlines" / "south.redlines"
    south.write_text(south.read_text(encoding="utf-8").replace("ceasefire.start > 2025-12-31",
                                                               f"ceasefire.start > {day}"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "lint", "redlines", "proposals"], cwd=project,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr


@pytest.mark.parametrize("command", [[], ["solve"]])
def test_a_huge_weight_is_a_located_error(tmp_path, command):
    project = _basic_copy(tmp_path)
    south = project / "redlines" / "south.redlines"
    south.write_text(south.read_text(encoding="utf-8").replace("  severity soft", "  severity soft\n  weight 99999999999999999999", 1),
                     encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", *command, "proposals/draft.peace"],
                          cwd=project, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "south.redlines:" in done.stderr and "PC117" in done.stderr and "weight" in done.stderr


def test_fmt_leaves_a_read_only_file_alone(tmp_path):
    path = tmp_path / "ro.peace"
    original = 'proposal   "X"\n'
    path.write_text(original, encoding="utf-8")
    path.chmod(0o444)
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "fmt", str(path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "read-only" in done.stderr, done.stderr
    assert path.read_text(encoding="utf-8") == original and stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.mark.parametrize("args", [["test", "redlines/tests/x\nproposals/draft.peace:1:1: PC999 forged"],
                                  ["check", "proposals/x\nproposals/draft.peace:1:1: PC999 forged.peace"]])
def test_a_line_break_in_a_command_line_path_cannot_forge_a_diagnostic(tmp_path, args):
    import shutil

    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=project, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and ": PC020 " in lines[0] and "\\nproposals/draft.peace:1:1: PC999" in lines[0], lines
    assert not any(line.startswith("proposals/draft.peace") for line in lines)


@pytest.mark.parametrize("name, text, line", [("pyproject.toml", 'redlines = "reject"\ntool = ""\n', 2),
                                              ("peacecheck.toml", "tool = 3\n", 1)])
def test_a_config_whose_tool_is_not_a_table_is_a_located_error(tmp_path, name, text, line):
    """Found by the fuzz suite: `tool = ""` made the config reader crash (exit 3)."""
    import shutil

    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    (project / name).write_text(text)
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "check", "proposals/draft.peace", "--config",
                           name], cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "internal error" not in done.stderr
    assert done.stderr.startswith(f"{name}:{line}:1: PC602 ")


@pytest.mark.parametrize("setting", ['redlines = ["red\\u0000lines"]', 'tests = "\\u0000"',
                                     'proposals = ["pro\\u0000posals"]', 'outputs = ["json:a\\nb.json"]'])
def test_a_nul_or_line_break_in_a_config_path_is_a_located_error(tmp_path, setting):
    """Found by the fuzz suite: a NUL byte in a config path crashed `check` (exit 3) and `test`'s error report."""
    import shutil

    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    (project / "peacecheck.toml").write_text(f"fail-on = \"reject\"\n{setting}\n")
    for command in (["check", "proposals/draft.peace"], ["test"]):
        done = subprocess.run([sys.executable, "-m", "peacecheck.checker", *command], cwd=project, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 2 and "internal error" not in done.stderr
        assert done.stderr.startswith("peacecheck.toml:2:1: PC602 ") and "NUL byte or a line break" in done.stderr


def test_reading_a_path_with_a_nul_byte_is_an_os_error(tmp_path):
    from peacecheck.checker.files import read_limited, source_line

    with pytest.raises(OSError, match="NUL byte"):
        read_limited(tmp_path / "a\0b", 100)
    assert source_line(str(tmp_path / "a\0b"), 1, {}) is None
