"""Output files, from a review as a hostile user would: streams, symlinks, FORMAT:FILE and extensions everywhere."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PEACECHECK = [sys.executable, "-m", "peacecheck.checker"]


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([*PEACECHECK, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_dev_stdout_appends_to_a_redirected_file_instead_of_replacing_it(tmp_path):
    log = tmp_path / "log.txt"
    log.write_text("keep\n", encoding="utf-8")
    with log.open("a", encoding="utf-8") as handle:
        done = subprocess.run([*PEACECHECK, "proposals/miami.peace", "-q", "-o", "json:/dev/stdout"], cwd=REPO,
                              stdout=handle, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("keep\n") and '"acknowledgements"' in text


def test_dev_stdout_into_a_pipe_is_written_not_reopened():
    done = subprocess.run(" ".join([*PEACECHECK, "proposals/miami.peace", "-o", "/dev/stdout"]) + " | head -1",
                          shell=True, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.stdout.startswith("20-point peace framework") and "PC120" not in done.stderr


def test_a_symlink_to_a_red_line_file_is_never_a_report(tmp_path):
    import shutil

    project = tmp_path / "p"
    for folder in ("proposals", "redlines", "vocab"):
        shutil.copytree(REPO / folder, project / folder)
    (project / "report.html").symlink_to(project / "redlines" / "europe.redlines")
    before = (project / "redlines" / "europe.redlines").read_bytes()
    done = run("proposals/miami.peace", "--redlines", "redlines/ukraine.redlines", "-o", "report.html", cwd=project)
    assert done.returncode == 2 and "PC119" in done.stderr
    assert (project / "redlines" / "europe.redlines").read_bytes() == before
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    done = run("proposals/miami.peace", "-o", "json:pyproject.toml", cwd=project)
    assert done.returncode == 2 and "PC119" in done.stderr
    assert (project / "pyproject.toml").read_text(encoding="utf-8") == "[project]\nname = 'x'\n"


def test_format_prefix_and_extensions_in_diff_solve_and_history(tmp_path):
    target = tmp_path / "rel.txt"
    done = run("diff", "proposals/us-28-point.peace", "proposals/miami.peace", "-o", f"html:{target}")
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and not (tmp_path / f"html:{target}").exists()
    for command in (["solve", "proposals/options.peace"], ["history", "proposals"]):
        for name in ("x.sarif", "x.xml", "x.docx"):
            done = run(*command, "-o", str(tmp_path / name))
            assert done.returncode == 2 and "PC603" in done.stderr and not (tmp_path / name).exists(), (command, name)
    done = run("solve", "proposals/options.peace", "-o", str(tmp_path / "x.md"))
    assert done.returncode == 2 and "cannot write markdown" in done.stderr
    done = run("solve", "proposals/options.peace", "-o", f"text:{tmp_path / 'x.md'}")
    assert done.returncode in (0, 1) and (tmp_path / "x.md").read_text(encoding="utf-8").startswith("Negotiation")
    done = run("diff", "proposals/us-28-point.peace", "proposals/miami.peace", "-o", "")
    assert done.returncode == 2 and "PC603" in done.stderr and done.stdout == ""
