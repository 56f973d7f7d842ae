"""The command-line conventions users bring from ruff, yamllint and conftest: -q, --color with
NO_COLOR/FORCE_COLOR, folders and - as inputs, shell completion, `lint .`, and the pre-commit hooks."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BASIC, REPO

DRAFT = "proposals/draft.peace"
ESC = "\x1b["


def run(*args: str, cwd: Path = BASIC, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    command = [sys.executable, "-m", "peacecheck.checker", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, env={**base, **(env or {})}, input=stdin, text=True)


@pytest.fixture
def project(tmp_path):
    copy = tmp_path / "basic"
    shutil.copytree(BASIC, copy)
    return copy


# ------------------------------------------------------------------ -q / --quiet
def test_quiet_prints_only_the_result_line():
    done = run("check", DRAFT, "-q")
    assert (done.returncode, done.stdout, done.stderr) == (1, "proposals/draft.peace: at least one hard rejection\n", "")


def test_quiet_keeps_errors_and_leaves_files_whole(tmp_path):
    bad = run("check", "proposals/nope.peace", "-q")
    assert bad.returncode == 2 and "PC020" in bad.stderr and bad.stdout == ""
    out = tmp_path / "r.json"
    done = run("check", DRAFT, "-q", "-o", str(out))
    assert done.stdout == "" and out.read_text().startswith("{")


# ------------------------------------------------------------------ --color, NO_COLOR, FORCE_COLOR
@pytest.mark.parametrize("env, flag, coloured", [
    ({}, None, False),                                       # not a terminal: plain
    ({"FORCE_COLOR": "1"}, None, True),                      # force-color.org
    ({"FORCE_COLOR": ""}, None, False),                      # empty means unset
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, None, False),    # NO_COLOR wins over FORCE_COLOR
    ({"NO_COLOR": "1"}, "always", True),                     # the command line beats the environment
    ({"FORCE_COLOR": "1"}, "never", False),
    ({}, "always", True),
])
def test_colour_precedence(env, flag, coloured):
    done = run("check", DRAFT, *(["--color", flag] if flag else []), env=env)
    assert done.returncode == 1
    assert (ESC in done.stdout) is coloured
    assert "Result: at least one hard rejection." in re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)


def test_colour_never_reaches_a_file(tmp_path):
    out = tmp_path / "report.txt"
    run("check", DRAFT, "--color", "always", "-o", str(out))
    assert ESC not in out.read_text()


def test_diff_takes_color_too():
    done = run("diff", DRAFT, DRAFT, "--set", "1:land.north=held", "--color", "always")
    assert done.returncode == 0 and ESC in done.stdout


# ------------------------------------------------------------------ folders, -, and the default
def test_a_folder_means_every_peace_file_below_it(project):
    (project / "proposals" / "more").mkdir()
    (project / "proposals" / "more" / "second.peace").write_text(
        (project / DRAFT).read_text(encoding="utf-8").replace('"../vocab/', '"../../vocab/'), encoding="utf-8")
    (project / "proposals" / ".hidden").mkdir()
    (project / "proposals" / ".hidden" / "x.peace").write_text("not a proposal")
    done = run("check", "proposals", "-q", cwd=project)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == ["proposals/draft.peace: at least one hard rejection",
                                        "proposals/more/second.peace: at least one hard rejection"]
    assert run("check", "-q", cwd=project).stdout == done.stdout  # no argument: proposals/ here


def test_an_empty_folder_is_an_input_error(project):
    (project / "empty").mkdir()
    done = run("check", "empty", cwd=project)
    assert done.returncode == 2 and "empty: PC020" in done.stderr


def test_no_argument_uses_the_configs_proposals(project):
    (project / "drafts").mkdir()
    shutil.move(project / DRAFT, project / "drafts" / "d.peace")
    (project / "peacecheck.toml").write_text('proposals = ["drafts"]\n')
    done = run("check", "-q", cwd=project)
    assert done.stdout == "drafts/d.peace: at least one hard rejection\n", done.stderr


def test_stdin_is_checked_under_the_name_given():
    text = (BASIC / DRAFT).read_text(encoding="utf-8")
    done = run("check", "-", "--stdin-filename", "proposals/edited.peace", "-q", stdin=text)
    assert (done.returncode, done.stdout) == (1, "proposals/edited.peace: at least one hard rejection\n")


def test_stdin_errors_point_into_stdin_with_its_line():
    text = (BASIC / DRAFT).read_text(encoding="utf-8").replace("army.cap = 50_000", 'army.cap = "many"')
    done = run("check", "-", "--stdin-filename", "proposals/edited.peace", stdin=text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "army.cap" in s)
    assert done.returncode == 2
    assert done.stderr.splitlines()[:3] == [
        f"proposals/edited.peace:{line}:14: PC102 'army.cap' takes a number, not a string (\"many\")",
        '      army.cap = "many"', "                 ^"]


def test_stdin_is_read_bounded():
    done = run("check", "-", "--max-size", "100", stdin="#" * 5000)
    assert done.returncode == 2 and "<stdin>:1:1: PC013 file is 101 bytes; the limit is 100" in done.stderr


def test_stdin_may_be_named_once():
    done = run("check", "-", "-", stdin="")
    assert done.returncode == 2 and "PC121" in done.stderr


# ------------------------------------------------------------------ shell completion
def complete(words: str, *, module: bool = False) -> subprocess.CompletedProcess:
    env = {"_PEACECHECK_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    if module:  # `python -m peacecheck.checker`: the program is still called peacecheck
        return run(cwd=REPO, env=env)
    code = "import sys; from peacecheck.checker.cli import run; sys.argv[0] = 'peacecheck'; run()"
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **env})


def test_completion_lists_the_lazily_loaded_commands():
    done = complete("peacecheck ", module=True)
    assert done.returncode == 0, done.stderr
    names = {line.split(",", 1)[1] for line in done.stdout.splitlines()}
    assert {"check", "diff", "solve", "lint", "fmt", "test", "init", "explain"} <= names


def test_completion_of_options_after_a_file_or_a_typo_is_no_error():
    assert "plain,--format" in complete("peacecheck proposals/miami.peace --for").stdout
    typo = complete("peacecheck chek --co")
    assert typo.returncode == 0 and "Usage" not in typo.stdout + typo.stderr
    assert set(complete("peacecheck check --color ").stdout.split()) == {"plain,auto", "plain,always", "plain,never"}


def test_completion_script_is_emitted():
    env = {"_PEACECHECK_COMPLETE": "bash_source"}
    done = run(cwd=REPO, env=env)
    assert done.returncode == 0 and "_peacecheck_completion()" in done.stdout


# ------------------------------------------------------------------ lint .
def test_lint_dot_in_a_project_reads_its_redlines_and_proposals():
    done = run("lint", ".", cwd=REPO)
    default = run("lint", cwd=REPO)
    assert done.returncode == default.returncode and done.stdout == default.stdout
    assert "PC118" not in done.stderr


def test_lint_of_a_plain_folder_finds_files_below_it(project):
    nested = project / "all"
    shutil.copytree(project / "redlines", nested / "deep" / "redlines")
    shutil.copytree(project / "vocab", nested / "deep" / "vocab")
    done = run("lint", "all", cwd=project)
    assert done.returncode in (0, 1), done.stderr
    assert "2 red-line file(s)" in done.stdout


# ------------------------------------------------------------------ pre-commit
def hook(name: str) -> dict[str, str]:
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    block = text.split(f"- id: {name}\n", 1)[1].split("\n- id:", 1)[0]
    return dict(re.findall(r"^  (\w+): (.+)$", block, re.MULTILINE))


def run_hook(name: str, staged: list[str], cwd: Path) -> subprocess.CompletedProcess | None:
    """What pre-commit does: run the entry if a staged file matches `files`, adding them unless pass_filenames: false."""
    spec = hook(name)
    matched = [f for f in staged if re.search(spec["files"], f)]
    if not matched:
        return None
    args = shlex.split(spec["entry"])[1:] + (matched if spec.get("pass_filenames", "true") != "false" else [])
    return run(*args, cwd=cwd)


def test_check_hook_rechecks_proposals_when_a_red_line_file_changes(project):
    done = run_hook("peacecheck-check", ["redlines/north.redlines"], project)
    assert done is not None, "editing a red-line file must run the check hook"
    assert done.returncode == 1 and "Result: at least one hard rejection." in done.stdout
    for staged in ("vocab/basic.vocab", "peacecheck.toml", "sub/pyproject.toml", DRAFT):
        assert run_hook("peacecheck-check", [staged], project) is not None, staged
    assert run_hook("peacecheck-check", ["README.md"], project) is None


def test_check_hook_works_when_the_config_asks_for_json(project):
    shutil.copy(project / DRAFT, project / "proposals" / "second.peace")
    (project / "peacecheck.toml").write_text('format = "json"\noutputs = ["json:out/result.json"]\n')
    assert run("check", "proposals", cwd=project).returncode == 2  # the reason the hook passes explicit options
    done = run_hook("peacecheck-check", [DRAFT, "proposals/second.peace"], project)
    assert done.returncode == 1, done.stderr
    assert "PC606" not in done.stderr and done.stdout.count("Result: at least one hard rejection.") == 2


def test_readme_pre_commit_example_uses_this_layout_and_no_placeholder_host():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Editors and hooks", 1)[1].split("\n## ", 1)[0]
    assert "example.org" not in section and "<the URL" not in section
    entry = re.search(r"entry: (peacecheck check .*)", section).group(1)
    done = run(*shlex.split(entry)[1:], cwd=REPO)
    assert done.returncode == 1 and "PC606" not in done.stderr
    assert done.stdout.count("Result:") == len(list((REPO / "proposals").glob("*.peace")))
