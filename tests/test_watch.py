"""--watch: a real watcher (watchfiles) sees a real file change and the command runs again.

No timed assertion: every wait is a generous upper bound on a loop that keeps touching the file
until the re-run shows (the watcher may start a moment after the first run)."""
from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import BASIC

from peacecheck.checker.cli.watch import Inputs, run_watching

PATIENCE = 60.0  # seconds: an upper bound for a loaded machine, not a speed requirement


@pytest.fixture
def project(tmp_path, monkeypatch):
    copy = tmp_path / "basic"
    shutil.copytree(BASIC, copy)
    monkeypatch.chdir(copy)
    return copy


def touch_until(path: Path, done, text: str | None = None) -> None:
    """Rewrite `path` every half second until `done()` (the watcher may start after the first write)."""
    content = text if text is not None else path.read_text(encoding="utf-8")
    deadline = time.monotonic() + PATIENCE
    while not done():
        assert time.monotonic() < deadline, "no re-run after the file changed"
        path.write_text(content, encoding="utf-8")
        time.sleep(0.5)


def test_inputs_watch_source_files_in_the_folders_of_what_was_read(project):
    inputs = Inputs()
    inputs.add(["proposals/draft.peace", "redlines", "-", "<stdin>", "--set"])
    assert inputs.folders == {(project / "proposals").resolve(), (project / "redlines").resolve()}
    assert inputs.relevant(str(project / "redlines" / "new.redlines"))
    assert inputs.relevant(str(project / "peacecheck.toml"))
    assert not inputs.relevant(str(project / "proposals" / "notes.txt"))
    assert not inputs.relevant(str(project / "proposals" / ".draft.peace.peacecheck-1-x.tmp"))


def test_run_watching_reruns_on_a_change_and_stops_on_the_event(project):
    runs: list[int] = []
    stop = threading.Event()
    inputs = Inputs()
    inputs.add(["proposals/draft.peace"])

    def once() -> int:
        runs.append(len(runs) + 1)
        if len(runs) >= 2:
            stop.set()  # the next wait returns at once: the watch ends with this run's code
        return len(runs)

    outcome: list[int] = []
    thread = threading.Thread(target=lambda: outcome.append(run_watching(once, inputs, stop_event=stop, clear=False)))
    thread.start()
    touch_until(project / "proposals" / "draft.peace", lambda: len(runs) >= 2)
    thread.join(PATIENCE)
    assert not thread.is_alive()
    assert runs == [1, 2] and outcome == [2]


def test_an_unrelated_file_does_not_rerun(project):
    runs: list[int] = []
    stop = threading.Event()
    inputs = Inputs()
    inputs.add(["proposals/draft.peace"])
    thread = threading.Thread(target=run_watching, args=(lambda: runs.append(1) or 0, inputs),
                              kwargs={"stop_event": stop, "clear": False})
    thread.start()
    for i in range(6):
        (project / "proposals" / "notes.txt").write_text(str(i), encoding="utf-8")
        time.sleep(0.3)
    assert runs == [1]
    touch_until(project / "proposals" / "draft.peace", lambda: len(runs) >= 2)  # the watch was live all along
    stop.set()
    thread.join(PATIENCE)
    assert not thread.is_alive()


class Running:
    """`peacecheck ... --watch` as a subprocess, its stderr lines collected as they come."""

    def __init__(self, *args: str, cwd: Path):
        env = {**os.environ, "NO_COLOR": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "peacecheck.checker", *args], cwd=cwd, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)

    def runs(self) -> int:
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return sum(1 for line in self.seen if line.startswith("[watch] run "))

    def wait_for_runs(self, count: int) -> None:
        deadline = time.monotonic() + PATIENCE
        while self.runs() < count:
            assert time.monotonic() < deadline and self.process.poll() is None, self.seen
            time.sleep(0.1)

    def finish(self) -> tuple[int, str]:
        out, _ = self.process.communicate(timeout=PATIENCE)
        return self.process.returncode, out


def test_check_watch_reruns_when_a_red_line_file_changes(project):
    running = Running("check", "proposals/draft.peace", "-q", "--watch", "--watch-max-runs", "2", cwd=project)
    running.wait_for_runs(1)
    north = project / "redlines" / "north.redlines"
    relaxed = north.read_text(encoding="utf-8").replace("severity hard", "severity soft")
    touch_until(north, lambda: running.runs() >= 2 or running.process.poll() is not None, relaxed)
    code, out = running.finish()
    assert out.splitlines() == ["proposals/draft.peace: at least one hard rejection",
                                "proposals/draft.peace: no hard rejection"]
    assert code == 0  # the last run's exit code
    status = [line for line in running.seen if line.startswith("[watch] run ")]
    assert status[0].startswith("[watch] run 1: exit 1; watching 3 folders")
    assert status[1].startswith("[watch] run 2 after a change to redlines/north.redlines: exit ")


def test_check_watch_survives_an_input_error_and_reruns_when_fixed(project):
    draft = project / "proposals" / "draft.peace"
    good = draft.read_text(encoding="utf-8")
    draft.write_text(good.replace("army.cap = 50_000", "army.cap = \"many\""), encoding="utf-8")
    running = Running("check", "proposals/draft.peace", "-q", "--watch", "--watch-max-runs", "2", cwd=project)
    running.wait_for_runs(1)
    assert any("PC102" in line for line in running.seen)
    touch_until(draft, lambda: running.runs() >= 2 or running.process.poll() is not None, good)
    code, out = running.finish()
    assert code == 1
    assert out == "proposals/draft.peace: at least one hard rejection\n"
    assert [line.split(":")[1].split(";")[0] for line in running.seen if line.startswith("[watch] run ")] == \
        [" exit 2", " exit 1"]


def test_diff_watch_reruns_when_new_changes(project):
    running = Running("diff", "proposals/draft.peace", "proposals/draft.peace", "--format", "json", "--watch",
                      "--watch-max-runs", "2", cwd=project)
    running.wait_for_runs(1)
    draft = project / "proposals" / "draft.peace"
    touch_until(draft, lambda: running.runs() >= 2 or running.process.poll() is not None)
    code, out = running.finish()
    assert code == 0 and out.count('"schema_version"') == 2


def test_watch_refuses_standard_input(project):
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "check", "-", "--watch"], cwd=project,
                          input="", capture_output=True, text=True)
    assert done.returncode == 2 and "--watch: PC121" in done.stderr
