"""Configuration: [tool.peacecheck] in pyproject.toml or a peacecheck.toml; the command line beats the file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from peacecheck.checker.config import find_config
from peacecheck.checker.config import Config, OutputSpec, parse_config, parse_output
from peacecheck.dsl.diagnostics import PeaceError
from test_outputs import FILES

FORMATS = {"text", "json", "sarif", "html"}


def codes(text: str, filename: str = "peacecheck.toml") -> list[tuple[str, int]]:
    with pytest.raises(PeaceError) as info:
        parse_config(text, filename, FORMATS)
    return [(d.code, d.span.line) for d in info.value.diagnostics]


def test_every_key_of_a_peacecheck_toml():
    config = parse_config('redlines = ["rl"]\nparties = ["north", "south"]\nfail-on = "concern"\nformat = "json"\n'
                          'outputs = ["sarif:out/r.sarif"]\ntests = ["rl/tests"]\nproposals = ["p"]\n'
                          'coverage-threshold = 90\n', "proj/peacecheck.toml", FORMATS)
    assert config == Config(file="proj/peacecheck.toml", root="proj", redlines=("rl",), parties=("north", "south"),
                            fail_on="concern", format="json", outputs=("sarif:out/r.sarif",), tests=("rl/tests",),
                            proposals=("p",), coverage_threshold=90.0)
    assert config.path("rl") == "proj/rl"


def test_pyproject_table_and_pyproject_without_one():
    assert parse_config('[project]\nname = "x"\n', "pyproject.toml") is None
    config = parse_config('[project]\nname = "x"\n[tool.peacecheck]\nfail-on = "never"\n', "pyproject.toml")
    assert config is not None and config.fail_on == "never" and config.root == "."


def test_unknown_keys_point_at_their_line_with_a_suggestion():
    with pytest.raises(PeaceError) as info:
        parse_config('[tool.other]\nfail_on = 1\n[tool.peacecheck]\nformat = "json"\nfail_on = "never"\n',
                     "pyproject.toml", FORMATS)
    [d] = info.value.diagnostics
    assert (d.code, d.span.line, d.hint) == ("PC601", 5, "did you mean 'fail-on'?")


@pytest.mark.parametrize("text, expected", [
    ('fail-on = "sometimes"\n', [("PC602", 1)]),
    ('parties = "north, south"\n', [("PC602", 1)]),
    ('redlines = [1]\n', [("PC602", 1)]),
    ('\ncoverage-threshold = 120\n', [("PC602", 2)]),
    ('coverage-threshold = true\n', [("PC602", 1)]),
    ('format = "pdf"\n', [("PC603", 1)]),
    ('outputs = ["pdf:x.pdf"]\n', [("PC603", 1)]),
    ('outputs = ["plain.json"]\n', [("PC603", 1)]),
    ('a = [\nb = 1\n', [("PC600", 2)]),
])
def test_bad_values(text: str, expected: list[tuple[str, int]]):
    assert codes(text) == expected


def test_output_specs():
    assert parse_output("json:r.json", FORMATS) == OutputSpec("json", "r.json")
    assert parse_output("r.txt", FORMATS, "html") == OutputSpec("html", "r.txt")
    assert parse_output("C:/r.txt", FORMATS) == OutputSpec("text", "C:/r.txt")  # a drive letter is not a format
    assert parse_output("json:-", FORMATS) == OutputSpec("json", "-")
    with pytest.raises(ValueError, match="did you mean 'json'"):
        parse_output("jsno:r.json", FORMATS)


def test_find_config_walks_up_and_stops_at_the_repository_root(tmp_path: Path):
    deep = tmp_path / "repo" / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "peacecheck.toml").write_text("")  # above the repository: never used
    (tmp_path / "repo" / ".git").mkdir()
    assert find_config(deep) is None
    (tmp_path / "repo" / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(deep) is None  # a pyproject.toml without [tool.peacecheck] does not count
    (tmp_path / "repo" / "pyproject.toml").write_text('[tool.peacecheck]\nfail-on = "never"\n')
    assert find_config(deep) == tmp_path / "repo" / "pyproject.toml"
    (tmp_path / "repo" / "a" / "peacecheck.toml").write_text('fail-on = "concern"\n')
    assert find_config(deep) == tmp_path / "repo" / "a" / "peacecheck.toml"


# ------------------------------------------------------------------ through the command line
@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    return tmp_path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})


def test_config_sets_fail_on_and_the_command_line_beats_it(project: Path):
    (project / "peacecheck.toml").write_text('fail-on = "never"\n')
    assert run("check", "proposals/draft.peace", cwd=project).returncode == 0
    assert run("check", "proposals/draft.peace", "--fail-on", "reject", cwd=project).returncode == 1


def test_config_found_from_a_subfolder_resolves_paths_from_its_own_folder(project: Path):
    (project / "redlines").rename(project / "lines")
    assert run("check", "draft.peace", cwd=project / "proposals").returncode == 2  # PC118: no red lines found
    (project / "peacecheck.toml").write_text('redlines = ["lines"]\nformat = "json"\n')
    done = run("check", "draft.peace", cwd=project / "proposals")
    data = json.loads(done.stdout)
    assert [p["id"] for p in data["parties"]] == ["north", "south"]
    assert [Path(p["file"]).parts[-2:] for p in data["parties"]] == [("lines", "north.redlines"),
                                                                     ("lines", "south.redlines")]
    text = run("check", "draft.peace", "--redlines", "../lines/north.redlines", "--format", "text",
               cwd=project / "proposals")
    assert "PC107" in text.stderr  # only north's red lines now: south's acknowledgement names an unknown party


def test_config_parties_and_outputs(project: Path):
    (project / "pyproject.toml").write_text('[tool.peacecheck]\nparties = ["south"]\n'
                                            'outputs = ["json:reports/r.json", "text:-"]\n')
    done = run("check", "proposals/draft.peace", cwd=project)
    assert done.returncode == 0 and "south (1 rule)" in done.stdout and "north" not in done.stdout.split("\n")[2]
    assert [p["id"] for p in json.loads((project / "reports/r.json").read_text())["parties"]] == ["south"]
    only = run("check", "proposals/draft.peace", "-o", "json:-", "--party", "north", cwd=project)
    assert [p["id"] for p in json.loads(only.stdout)["parties"]] == ["north"]


def test_invalid_config_is_an_input_error(project: Path):
    (project / "peacecheck.toml").write_text('fail-on = "reject"\nformats = "json"\n')
    done = run("check", "proposals/draft.peace", cwd=project)
    assert done.returncode == 2 and done.stdout == ""
    assert "peacecheck.toml:2:1: PC601 unknown configuration key 'formats'" in done.stderr
    assert "did you mean 'format'?" in done.stderr


def test_explicit_config_file(project: Path):
    (project / "strict.toml").write_text('fail-on = "concern"\nparties = ["south"]\n')
    assert run("check", "proposals/draft.peace", "--party", "south", cwd=project).returncode == 0
    assert run("check", "proposals/draft.peace", "--config", "strict.toml", cwd=project).returncode == 1
    missing = run("check", "proposals/draft.peace", "--config", "nope.toml", cwd=project)
    assert missing.returncode == 2 and "PC600" in missing.stderr
