"""Nothing is lost: atomic output files, inputs never overwritten, reads that cannot hang or blow up."""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import peacecheck.checker.files as files_module
from peacecheck import dsl
from peacecheck.checker.reports import formats as cli_module
from peacecheck.checker.cli import main
from peacecheck.checker.files import DiskLoader, read_limited, source_line, write_atomic

REPO = Path(__file__).resolve().parent.parent
ERRORS = REPO / "tests" / "fixtures" / "errors"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "project"
    shutil.copytree(ERRORS, root)
    monkeypatch.chdir(root)
    return root


def peacecheck(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ------------------------------------------------------------------ write_atomic
def test_write_atomic_creates_and_replaces(tmp_path):
    target = tmp_path / "report.json"
    write_atomic(target, b"one")
    assert target.read_bytes() == b"one" and stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()
    target.chmod(0o600)
    inode = target.stat().st_ino
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert target.stat().st_ino != inode, "replaced by a rename, not rewritten in place"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600, "the old file's permissions are kept"
    assert leftovers(tmp_path) == []


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("where, error", [
    ("replace", OSError(28, "No space left on device")),
    ("fsync", OSError(5, "Input/output error")),
    ("replace", KeyboardInterrupt()),
    ("chmod", PermissionError(1, "Operation not permitted")),
])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch, where, error):
    target = tmp_path / "report.json"
    target.write_bytes(b"old report")

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(files_module.os, where, fail)
    with pytest.raises(type(error)):
        write_atomic(target, b"new report")
    monkeypatch.undo()
    assert target.read_bytes() == b"old report"
    assert leftovers(tmp_path) == []


def test_write_atomic_writes_through_a_symlink(tmp_path):
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


# ------------------------------------------------------------------ the CLI's -o
def test_cli_output_failure_keeps_the_old_report(project, monkeypatch):
    target = project / "out.json"
    target.write_text("old report")

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_module.os, "replace", full_disk)
    result = peacecheck("proposals/draft.peace", "--format", "json", "-o", "out.json")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2, "out.json: PC120 cannot write 'out.json': No space left on device")
    assert target.read_text() == "old report" and leftovers(project) == []


def test_cli_renderer_crash_keeps_the_old_report(project, monkeypatch):
    target = project / "out.json"
    target.write_text("old report")
    monkeypatch.setitem(cli_module.RENDERERS, "json", "tests.test_files:_exploding_renderer")
    monkeypatch.syspath_prepend(str(REPO))
    with pytest.raises(RuntimeError, match="renderer bug"):
        CliRunner().invoke(main, ["proposals/draft.peace", "--format", "json", "-o", "out.json"],
                           catch_exceptions=False)
    assert target.read_text() == "old report" and leftovers(project) == []


def _exploding_renderer(result, **options):
    raise RuntimeError("renderer bug")


@pytest.mark.parametrize("output", [
    "proposals/draft.peace",                       # the proposal itself
    "./proposals/../proposals/draft.peace",        # by another relative path
    "{root}/proposals/draft.peace",                # by an absolute path
    "redlines/north.redlines",                     # a red-line file
    "vocab/small.vocab",                           # the vocabulary
    "draft-link",                                  # a symlink to the proposal
    "vocab-hardlink",                              # a hard link to the vocabulary
])
def test_output_never_overwrites_an_input(project, output):
    (project / "draft-link").symlink_to(project / "proposals" / "draft.peace")
    os.link(project / "vocab" / "small.vocab", project / "vocab-hardlink")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    result = peacecheck("proposals/draft.peace", "--format", "json", "-o", output.format(root=project))
    assert result.exit_code == 2 and result.stdout == ""
    assert "PC119" in result.stderr.splitlines()[0]
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_output_never_overwrites_another_peacecheck_source(project):
    (project / "proposals" / "other.peace").write_text('proposal "Other"\n')
    result = peacecheck("proposals/draft.peace", "-o", "proposals/other.peace")
    assert result.exit_code == 2 and "PC119" in result.stderr
    assert (project / "proposals" / "other.peace").read_text() == 'proposal "Other"\n'


def test_output_to_a_folder(project):
    result = peacecheck("proposals/draft.peace", "-o", "proposals")
    assert result.exit_code == 2 and "PC120" in result.stderr.splitlines()[0]
    assert leftovers(project) == [] and leftovers(project / "proposals") == []


def test_output_written_when_allowed(project):
    result = peacecheck("proposals/draft.peace", "--format", "json", "-o", "out.json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (project / "out.json").read_text().startswith("{")



_KILLED_MID_WRITE = """
import os, signal, sys
from pathlib import Path
import peacecheck.checker.files as files
files.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # die between temp file and rename
files.write_atomic(Path(sys.argv[1]), b"new report")
"""


def test_a_run_killed_mid_write_leaves_nothing_behind_after_the_next_write(tmp_path):
    import signal
    import subprocess
    import sys

    target = tmp_path / "report.json"
    target.write_bytes(b"old report")
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_WRITE, str(target)], capture_output=True)
    assert killed.returncode == -signal.SIGKILL
    assert len(leftovers(tmp_path)) == 1 and target.read_bytes() == b"old report", "kill -9 runs no clean-up"
    write_atomic(target, b"next report")
    assert leftovers(tmp_path) == [] and target.read_bytes() == b"next report"


def test_stale_temporary_clean_up_spares_live_runs_other_names_and_symlinks(tmp_path):
    from peacecheck.checker.files import remove_stale_temporaries

    dead = tmp_path / ".report.json.peacecheck-999999999-abc.tmp"  # beyond pid_max: no such process
    live = tmp_path / f".report.json.peacecheck-{os.getpid()}-abc.tmp"
    other = tmp_path / ".other.json.peacecheck-999999999-abc.tmp"
    foreign = tmp_path / ".report.json.abc.tmp"  # not our pattern (an editor's, an older peacecheck's)
    for path in (dead, live, other, foreign):
        path.write_bytes(b"partial")
    link = tmp_path / ".report.json.peacecheck-999999998-abc.tmp"
    link.symlink_to(other)
    assert remove_stale_temporaries(tmp_path, "report.json") == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (live, other, foreign, link))


def test_write_new_never_follows_a_symlink_nor_overwrites(tmp_path):
    from peacecheck.checker.files import write_new

    outside = tmp_path / "outside"
    outside.mkdir()
    dangling = tmp_path / "new.txt"
    dangling.symlink_to(outside / "planted.txt")
    with pytest.raises(FileExistsError):
        write_new(dangling, b"data")
    assert not (outside / "planted.txt").exists() and dangling.is_symlink()
    (tmp_path / "kept.txt").write_bytes(b"mine")
    with pytest.raises(FileExistsError):
        write_new(tmp_path / "kept.txt", b"data")
    assert (tmp_path / "kept.txt").read_bytes() == b"mine"
    write_new(tmp_path / "fresh.txt", b"data")
    assert (tmp_path / "fresh.txt").read_bytes() == b"data"
    assert stat.S_IMODE((tmp_path / "fresh.txt").stat().st_mode) == 0o666 & ~_umask()
    assert leftovers(tmp_path) == []

# ------------------------------------------------------------------ reading
def test_a_fifo_does_not_hang_the_run(project):
    os.mkfifo(project / "vocab" / "pipe.vocab")
    draft = project / "proposals" / "draft.peace"
    draft.write_text(draft.read_text().replace("small.vocab", "pipe.vocab"))
    result = peacecheck("proposals/draft.peace")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "proposals/draft.peace:2:12: PC020 cannot read 'vocab/pipe.vocab': not a regular file")  # caret on the path


def test_a_device_is_not_read(tmp_path):
    with pytest.raises(OSError, match="not a regular file"):
        read_limited(Path("/dev/zero"), 1000)
    loader = DiskLoader(tmp_path)
    (tmp_path / "zero.vocab").symlink_to("/dev/zero")
    with pytest.raises(dsl.PeaceError) as info:
        loader.resolve("zero.vocab", str(tmp_path / "p.peace"), dsl.Span("p.peace", 2, 1))
    assert [d.code for d in info.value.diagnostics] == ["PC021"]


def test_size_limit_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.peace"
    with open(big, "wb") as handle:
        handle.truncate(10 * 1024**3)  # a sparse 10 GiB file: reading it would take the memory
    with pytest.raises(dsl.PeaceError) as info:
        DiskLoader(tmp_path).read(str(big))
    assert [(d.code, d.span.line, d.span.column) for d in info.value.diagnostics] == [("PC013", 1, 1)]


def test_a_symlink_loop_is_an_input_error(project):
    (project / "vocab" / "loop.vocab").symlink_to(project / "vocab" / "loop.vocab")
    draft = project / "proposals" / "draft.peace"
    draft.write_text(draft.read_text().replace("small.vocab", "loop.vocab"))
    result = peacecheck("proposals/draft.peace")
    assert result.exit_code == 2 and result.stderr.startswith("proposals/draft.peace:2:12: PC020")


def test_source_line_survives_a_vanished_file(tmp_path):
    cache: dict = {}
    assert source_line(str(tmp_path / "gone.peace"), 1, cache) is None
    (tmp_path / "crlf.peace").write_bytes(b"\xef\xbb\xbfone\r\ntwo\r\n")
    assert [source_line(str(tmp_path / "crlf.peace"), n, cache) for n in (1, 2, 3, 4)] == ["one", "two", "", None]


def test_a_file_system_error_mid_run_is_an_input_error(project, monkeypatch):
    def vanished(paths):
        raise PermissionError(13, "Permission denied", "redlines")

    monkeypatch.setattr(files_module, "redline_files", vanished)
    result = peacecheck("proposals/draft.peace")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, "redlines: PC501 Permission denied")



@pytest.mark.parametrize("line_end", [b"\n", b"\r\n", b"\r"])
def test_invalid_utf8_is_located_whatever_the_line_ends(tmp_path, monkeypatch, line_end):
    (tmp_path / "draft.peace").write_bytes(line_end.join([b'proposal "x"', b"# fine", b"# ab\xff cd", b""]))
    monkeypatch.chdir(tmp_path)
    result = peacecheck("draft.peace")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:3] == ["draft.peace:3:5: PC011 invalid UTF-8 byte 0xff",
                                              "    # ab\ufffd cd", "        ^"]
