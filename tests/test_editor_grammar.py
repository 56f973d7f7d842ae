"""The TextMate grammar, tokenised the way VS Code tokenises (vscode-textmate + Oniguruma, from npm).

The npm packages are installed once into a cache folder (not the repository). Without node/npm
the tests skip with a hint, except under CI=true, where they must run: there a missing tool or a
failed install is a failure.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

GRAMMAR = REPO / "editors" / "peacecheck.tmLanguage.json"
TOKENIZE = REPO / "editors" / "vscode" / "test" / "tokenize.js"
NPM_PACKAGES = ("vscode-textmate@9.4.0", "vscode-oniguruma@2.0.1")
SHIPPED = ("proposals/miami.peace", "redlines/ukraine.redlines", "vocab/russia-ukraine.vocab")
Tokens = list[tuple[str, str]]  # (text, innermost scope) per token of a line


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "peacecheck-tests" / ("textmate-" + "-".join(p.replace("@", "") for p in NPM_PACKAGES))


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the TextMate grammar tests must run in CI: {reason}")
    pytest.skip(f"{reason} (install Node.js and npm to run the grammar tests)")


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """A node_modules folder with vscode-textmate and vscode-oniguruma, installed on first use."""
    if not shutil.which("node") or not shutil.which("npm"):
        _unavailable("node or npm not found")
    folder = _cache_dir()
    modules = folder / "node_modules"
    if not all((modules / p.split("@")[0] / "package.json").is_file() for p in NPM_PACKAGES):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--no-save", *NPM_PACKAGES],
                              cwd=folder, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0:
            _unavailable(f"npm install failed: {done.stderr.strip()[-500:]}")  # no registry (offline)
    return modules


def tokenise(node_modules: Path, paths: list[Path]) -> dict[str, list[Tokens]]:
    done = subprocess.run(["node", str(TOKENIZE), str(GRAMMAR), *map(str, paths)], capture_output=True, check=False,
                          text=True, timeout=120, env={**os.environ, "NODE_PATH": str(node_modules)})
    assert done.returncode == 0, done.stderr
    raw = json.loads(done.stdout)
    return {name: [[(text, scopes[-1]) for text, scopes in line] for line in lines] for name, lines in raw.items()}


@pytest.fixture(scope="session")
def shipped(node_modules) -> dict[str, list[Tokens]]:
    tokens = tokenise(node_modules, [REPO / p for p in SHIPPED])
    return {p: tokens[str(REPO / p)] for p in SHIPPED}


def line(tokens: list[Tokens], source: str) -> Tokens:
    """The tokens (blanks dropped, stripped) of the first line that starts with `source` (indentation aside)."""
    for found in tokens:
        if "".join(t for t, _ in found).strip().startswith(source):
            return [(t.strip(), s) for t, s in found if t.strip()]
    raise AssertionError(f"no line {source!r}")


P = ".peacecheck"


def test_assignment_values_are_constants_and_equals_is_no_comparison(shipped):
    miami = shipped["proposals/miami.peace"]
    assert line(miami, "ukraine.sovereignty = affirmed") == [
        ("ukraine.sovereignty", "variable.other.term" + P), ("=", "keyword.operator.assignment" + P),
        ("affirmed", "constant.other.value" + P)]
    assert line(miami, "guarantee.guarantors = [us, nato, europe]")[2:] == [
        ("[", "punctuation.section.brackets.begin" + P), ("us", "constant.other.value" + P),
        (",", "punctuation.separator" + P), ("nato", "constant.other.value" + P), (",", "punctuation.separator" + P),
        ("europe", "constant.other.value" + P), ("]", "punctuation.section.brackets.end" + P)]
    assert line(miami, "ukraine.army.peacetime_level = 800_000")[2] == ("800_000", "constant.numeric" + P)
    assert line(miami, "guarantee.sanctions_snapback = true")[2] == ("true", "constant.language.boolean" + P)
    assert line(miami, "parties ukraine, russia, us, europe")[1] == ("ukraine", "variable.other.party" + P)


def test_condition_values_and_operators(shipped):
    ukraine = shipped["redlines/ukraine.redlines"]
    assert line(ukraine, "when territory.* >= recognized_de_facto") == [
        ("when", "keyword.other.field" + P), ("territory.*", "variable.other.term" + P),
        (">=", "keyword.operator.comparison" + P), ("recognized_de_facto", "constant.other.value" + P)]
    in_list = line(ukraine, "when nato.ukraine_membership in [renounced, constitutionally_barred]")[:7]
    assert in_list[2] == ("in", "keyword.operator.word" + P)
    assert ("constitutionally_barred", "constant.other.value" + P) in in_list
    has_any = line(ukraine, "that guarantee.guarantors has any [us, nato, europe")
    assert has_any[2:5] == [("has", "keyword.operator.word" + P), ("any", "keyword.operator.word" + P),
                            ("[", "punctuation.section.brackets.begin" + P)]
    assert line(ukraine, "severity hard")[1] == ("hard", "constant.language.severity" + P)
    assert line(ukraine, "cite aa_factbox")[1] == ("aa_factbox", "entity.name.tag" + P)
    assert line(ukraine, 'rule UA-TERR-1 "')[1] == (
        "UA-TERR-1", "entity.name.function" + P)


def test_vocabulary_enum_scale_and_set_members_have_scopes(shipped):
    vocab = shipped["vocab/russia-ukraine.vocab"]
    enum = line(vocab, "term ukraine.sovereignty : enum(affirmed, limited)")
    assert enum[:7] == [("term", "keyword.declaration.term" + P), ("ukraine.sovereignty", "variable.other.term" + P),
                        (":", "punctuation.separator.type" + P), ("enum", "storage.type" + P),
                        ("(", "punctuation.section.parens.begin" + P),
                        ("affirmed", "constant.other.value.member" + P), (",", "punctuation.separator" + P)]
    scale = next(found for found in vocab if found and found[0][0] == "type")
    names = [(t.strip(), s) for t, s in scale if t.strip()]
    assert names[:4] == [("type", "keyword.declaration.type" + P), ("territorial_status", "entity.name.type" + P),
                         ("=", "keyword.operator.assignment" + P), ("scale", "storage.type" + P)]
    assert ("ukrainian_control", "constant.other.value.scale" + P) in names
    assert ("<", "keyword.operator.order" + P) in names
    sets = next(found for found in vocab if any(t == "set" for t, _ in found))
    assert ("nato", "constant.other.value.member" + P) in sets
    assert line(vocab, "term territory.crimea : territorial_status")[3] == (
        "territorial_status", "entity.name.type" + P)


def test_no_equals_sign_in_the_shipped_files_is_a_comparison(shipped):
    for name, lines in shipped.items():
        for found in lines:
            for text, scope in found:
                if text.strip() == "=":
                    assert scope == "keyword.operator.assignment" + P, name
                if text.strip() in ("==", "!=", ">=", "<="):
                    assert scope == "keyword.operator.comparison" + P, name


def test_every_keyword_of_the_language_has_a_keyword_scope(node_modules, tmp_path):
    """Each keyword of dsl/peace.lark, alone on a line, gets a keyword, type or language-constant scope."""
    keywords = sorted(set(re.findall(r'"([a-z_]+)"', (REPO / "dsl" / "peace.lark").read_text(encoding="utf-8"))))
    assert {"clause", "acknowledge", "until", "present", "scale", "hard"} <= set(keywords)
    sample = tmp_path / "keywords.peace"
    sample.write_text("\n".join(keywords) + "\n", encoding="utf-8")
    lines = tokenise(node_modules, [sample])[str(sample)]
    scopes = dict(found[0] for found in lines if found)
    for keyword in keywords:
        assert scopes[keyword].startswith(("keyword.", "storage.type.", "constant.language.")), keyword


@pytest.mark.slow
def test_the_extension_packages_into_a_vsix_with_the_shipped_grammar(tmp_path):
    """editors/vscode/build.sh, run on a copy of the folder, makes a .vsix holding editors/*.json unchanged."""
    import zipfile

    if not shutil.which("node") or not shutil.which("npm"):
        _unavailable("node or npm not found")
    folder = tmp_path / "editors"
    shutil.copytree(REPO / "editors", folder, ignore=shutil.ignore_patterns("node_modules", "*.vsix", "syntaxes",
                                                                            "__pycache__"))
    (folder / "vscode" / "language-configuration.json").unlink(missing_ok=True)
    done = subprocess.run(["bash", str(folder / "vscode" / "build.sh"), "--out", str(tmp_path / "peacecheck.vsix")],
                          capture_output=True, text=True, timeout=300, check=False)
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0 and re.search(r"ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED", output):
        _unavailable(f"the npm registry cannot be reached: {output[-300:]}")
    assert done.returncode == 0, output[-2000:]
    with zipfile.ZipFile(tmp_path / "peacecheck.vsix") as vsix:
        names = set(vsix.namelist())
        assert vsix.read("extension/syntaxes/peacecheck.tmLanguage.json") == GRAMMAR.read_bytes()
        manifest = json.loads(vsix.read("extension/package.json"))
    assert {"extension/extension.js", "extension/language-configuration.json",
            "extension/node_modules/vscode-languageclient/package.json"} <= names
    assert not any(n.startswith("extension/test/") for n in names)
    assert manifest["contributes"]["grammars"][0]["scopeName"] == "source.peacecheck"
    assert manifest["contributes"]["languages"][0]["extensions"] == [".peace", ".redlines", ".vocab"]
