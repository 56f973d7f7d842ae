"""`peacecheck lsp`, driven over pipes by a JSON-RPC client with the messages an editor sends.

The project is a copy of tests/fixtures/basic in a temporary folder; the server runs there (as an
editor starts it, in the workspace root). Expected codes, positions and verdicts come from the CLI
run on the same files, not from numbers written here.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASIC
from lsp_client import LspClient

BROKEN = '''proposal "Broken draft"
vocabulary "../vocab/basic.vocab"
parties north, south

clause 1 "Land" {
  land.north = cede
  land.nrth = held
  army.cap = 50_000

clause 2 "Alliance" {
  alliance.membership = renounced
  acknowledge north N-LANDS "known"
}
'''


def cli(project: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=project, capture_output=True,
                          text=True, input=stdin, timeout=60, check=False)


def cli_positions(stderr: str) -> set[tuple[str, int, int]]:
    """(code, 0-based line, 0-based column) of every `file:line:col: CODE` line the CLI printed."""
    return {(code, int(line) - 1, int(col) - 1)
            for line, col, code in re.findall(r"^\S+?:(\d+):(\d+): (PC\d+) ", stderr, re.MULTILINE)}


def codes(diagnostics: list[dict]) -> set[tuple[str, int, int]]:
    return {(d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"])
            for d in diagnostics if str(d["code"]).startswith("PC")}


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if needle in line)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lsp") / "basic"
    shutil.copytree(BASIC, folder)
    (folder / "proposals" / "broken.peace").write_text(BROKEN, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def server(project):
    """One server for the module: initialize, (the tests), shutdown and exit, with exit code 0."""
    before = snapshot(project)
    client = LspClient(project)
    client.capabilities = client.initialize(project)["capabilities"]
    yield client
    assert client.close() == 0
    assert snapshot(project) == before, "the server wrote a file"


@pytest.fixture
def draft(server, project):
    """proposals/draft.peace, open; closed again after the test."""
    path = project / "proposals" / "draft.peace"
    uri = server.open(path)
    yield uri, path.read_text(encoding="utf-8")
    server.close_document(uri)


def test_initialize_advertises_every_feature(server):
    caps = server.capabilities
    for name in ("hoverProvider", "completionProvider", "definitionProvider", "referencesProvider",
                 "codeActionProvider", "documentFormattingProvider", "inlayHintProvider", "codeLensProvider"):
        assert caps.get(name), name
    assert caps["textDocumentSync"]["change"] == 2  # incremental
    assert caps["positionEncoding"] == "utf-16"  # though the client listed utf-8 first


def test_positions_count_utf16_code_units(server, project):
    """The CLI counts characters; LSP counts UTF-16 units: an emoji before an error shifts it by one more."""
    text = BROKEN.replace('clause 1 "Land" {\n  land.north = cede', 'clause 1 "Land" { note "\U0001F30D" land.north = cede'
                          ).replace("  army.cap = 50_000\n", "  army.cap = 50_000\n}\n")
    path = project / "proposals" / "emoji.peace"
    path.write_text(text, encoding="utf-8")
    try:
        run = cli(project, "check", "proposals/emoji.peace")
        found = server.diagnostics(server.open(path))
    finally:
        path.unlink()
    (_, row, col), = [p for p in cli_positions(run.stderr) if p[0] == "PC101"]
    value = next(d for d in found if d["code"] == "PC101")["range"]
    assert (value["start"]["line"], value["start"]["character"], value["end"]["character"]) == (
        row, col + 1, col + 1 + len("cede"))


def test_diagnostics_have_the_cli_codes_and_positions(server, project):
    run = cli(project, "check", "proposals/broken.peace")
    assert run.returncode == 2
    expected = cli_positions(run.stderr)
    assert {c for c, _, _ in expected} >= {"PC500"}
    uri = server.open(project / "proposals" / "broken.peace")
    found = server.diagnostics(uri)
    assert codes(found) == expected
    pc500 = next(d for d in found if d["code"] == "PC500")
    assert pc500["severity"] == 1 and "line 5" in pc500["message"]


def test_semantic_errors_match_the_cli_and_ranges_cover_the_word(server, project):
    text = BROKEN.replace("  army.cap = 50_000\n", "  army.cap = 50_000\n}\n")
    path = project / "proposals" / "semantic.peace"
    path.write_text(text, encoding="utf-8")
    try:
        run = cli(project, "check", "proposals/semantic.peace")
        uri = server.open(path)
        found = server.diagnostics(uri)
    finally:
        path.unlink()
    assert codes(found) == cli_positions(run.stderr)
    assert {d["code"] for d in found} == {"PC100", "PC101", "PC115"}
    by_code = {d["code"]: d for d in found}
    row = line_of(text, "land.nrth")
    assert by_code["PC100"]["range"] == {"start": {"line": row, "character": 2},
                                         "end": {"line": row, "character": 2 + len("land.nrth")}}
    value = by_code["PC101"]["range"]
    assert (value["end"]["character"] - value["start"]["character"]) == len("cede")
    assert "did you mean 'ceded'?" in by_code["PC101"]["message"]  # the CLI's did-you-mean


def test_unsaved_edits_are_checked_and_fixed_as_you_type(server, draft):
    uri, text = draft
    assert codes(server.diagnostics(uri)) == set()
    server.change(uri, text.replace("land.north = ceded", "land.north = cedd"), 2)
    found = server.diagnostics(uri)
    assert codes(found) == {("PC101", line_of(text, "land.north = ceded"), len("  land.north = "))}
    server.change(uri, text, 3)
    assert codes(server.diagnostics(uri)) == set()


def _verdict_label(verdicts: dict[str, str], order: list[str]) -> str:
    symbols = {"reject": "✗", "concern": "!", "accept": "✓", "silent": "·"}
    return "  ".join(f"{p} {symbols[verdicts[p]]}" for p in order if p in verdicts)


def test_verdict_hints_and_lenses_match_the_cli(server, project, draft):
    uri, text = draft
    server.diagnostics(uri)
    report = json.loads(cli(project, "check", "--format", "json", "proposals/draft.peace").stdout)
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": len(text.split("\n")), "character": 0}}
    hints = server.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": whole})
    lenses = server.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    by_line = {h["position"]["line"]: h["label"] for h in hints}
    assert {lens["range"]["start"]["line"]: lens["command"]["title"] for lens in lenses} == by_line
    for clause in report["clauses"]:
        row = line_of(text, f'clause {clause["id"]} "')
        assert by_line[row] == _verdict_label(clause["verdicts"], ["north", "south"])
        assert hints[0]["position"]["character"] >= len(text.split("\n")[hints[0]["position"]["line"]])
        for option in clause.get("options", []):
            assert by_line[line_of(text, f'option {option["id"]} "')] == _verdict_label(option["verdicts"],
                                                                                       ["north", "south"])
    assert by_line[line_of(text, 'clause 1 "')].startswith("north ✗")


def test_a_hard_rejection_is_an_error_on_the_clause_with_rule_values_and_citation(server, draft):
    uri, text = draft
    found = server.diagnostics(uri)
    rejection = next(d for d in found if d["code"] == "N-LAND")
    assert rejection["severity"] == 1
    assert rejection["range"]["start"]["line"] == line_of(text, "land.north = ceded")
    message = rejection["message"]
    assert "land.north = ceded" in message and ">= ceded" in message and "North's position paper" in message
    soft = next(d for d in found if d["code"] == "N-ARMY")
    assert soft["severity"] == 2 and soft["range"]["start"]["line"] == line_of(text, "army.cap = 50_000")
    option = [d for d in found if d["code"] == "S-ELECT"]  # a finding of a non-default option gets its own
    assert option and option[0]["range"]["start"]["line"] == line_of(text, "elections.days = 30")


def test_hover_on_a_term_a_rule_and_a_clause(server, project, draft):
    uri, text = draft
    server.diagnostics(uri)
    row = line_of(text, "land.north = ceded")
    term = server.at("textDocument/hover", uri, row, 4)["contents"]["value"]
    assert "land.north" in term and "held` < `frozen` < `ceded" in term and "Northern province" in term
    clause = server.at("textDocument/hover", uri, line_of(text, 'clause 1 "'), 8)["contents"]["value"]
    assert "north ✗" in clause and "N-LAND" in clause
    red = project / "redlines" / "north.redlines"
    red_uri = server.open(red)
    server.diagnostics(red_uri)
    red_text = red.read_text(encoding="utf-8")
    rule = server.at("textDocument/hover", red_uri, line_of(red_text, 'rule N-LAND'), 7)["contents"]["value"]
    assert "No province ceded" in rule and "hard rule" in rule and "`land.* >= ceded`" in rule
    assert "North's position paper" in rule and "p. 1" in rule
    server.close_document(red_uri)


def labels(items) -> list[str]:
    return [i["label"] for i in (items["items"] if isinstance(items, dict) else items)]


def test_completion_in_context(server, project, draft):
    uri, text = draft
    server.diagnostics(uri)
    edited = text.replace("  army.cap = 50_000\n", "  army.cap = 50_000\n  land.south = \n  acknowledge north \n"
                                                   "  acknowledge \n  \n  note \"see land.north = \n")
    server.change(uri, edited, 2)
    server.diagnostics(uri)
    lines = edited.split("\n")
    row = line_of(edited, "land.south = ")
    assert labels(server.at("textDocument/completion", uri, row, len(lines[row]))) == ["held", "frozen", "ceded"]
    row = line_of(edited, "acknowledge north ")
    assert labels(server.at("textDocument/completion", uri, row, len(lines[row]))) == [
        "N-LAND", "N-ARMY", "N-ALLIANCE", "N-GUAR"]
    row = lines.index("  acknowledge ")
    assert labels(server.at("textDocument/completion", uri, row, len(lines[row]))) == ["north", "south"]
    row = lines.index("  ", row)
    inside = labels(server.at("textDocument/completion", uri, row, 2))
    assert {"text", "tags", "option", "acknowledge", "land.north", "guarantee.guarantors"} <= set(inside)
    assert "severity" not in inside and "clause" not in inside
    row = line_of(edited, "vocabulary ")
    paths = server.at("textDocument/completion", uri, row, len('vocabulary "../'))
    assert labels(paths) == ["../vocab/basic.vocab", "../vocab/extra.vocab"]
    assert paths[0]["textEdit"]["range"]["start"] == {"line": row, "character": len('vocabulary "')}
    row = line_of(edited, 'note "see land.north = ')  # inside a string: prose, no completion, no hover
    assert labels(server.at("textDocument/completion", uri, row, len(lines[row]))) == []
    assert server.at("textDocument/hover", uri, row, len(lines[row]) - 5) is None


def test_completion_of_sources_values_in_conditions_and_rule_keywords(server, project):
    red = project / "redlines" / "north.redlines"
    text = red.read_text(encoding="utf-8").replace('  cite paper "p. 1"\n', '  cite \n  when guarantee.kind >= \n  \n', 1)
    uri = server.open(red, text)
    server.diagnostics(uri)
    lines = text.split("\n")
    row = lines.index("  cite ")
    assert labels(server.at("textDocument/completion", uri, row, 7)) == ["paper"]
    row = lines.index("  when guarantee.kind >= ")
    assert labels(server.at("textDocument/completion", uri, row, len(lines[row]))) == ["none", "weak", "strong"]
    keywords = labels(server.at("textDocument/completion", uri, row + 1, 2))
    assert {"severity", "weight", "when", "that", "because", "cite"} <= set(keywords)
    server.close_document(uri)


def _location(loc: dict) -> tuple[str, int]:
    return Path(loc["uri"].removeprefix("file://")).name, loc["range"]["start"]["line"]


def test_definition_and_references(server, project, draft):
    uri, text = draft
    server.diagnostics(uri)
    vocab = (project / "vocab" / "basic.vocab").read_text(encoding="utf-8")
    row = line_of(text, "land.north = ceded")
    assert [_location(loc) for loc in server.at("textDocument/definition", uri, row, 4)] == [
        ("basic.vocab", line_of(vocab, "term land.north"))]
    refs = {_location(loc) for loc in server.at("textDocument/references", uri, row, 4,
                                                context={"includeDeclaration": True})}
    assert {("draft.peace", row), ("basic.vocab", line_of(vocab, "term land.north"))} <= refs
    row = line_of(text, "vocabulary ")
    assert [_location(loc) for loc in server.at("textDocument/definition", uri, row, 16)] == [("basic.vocab", 0)]
    red = project / "redlines" / "north.redlines"
    red_text = red.read_text(encoding="utf-8")
    red_uri = server.open(red)
    server.diagnostics(red_uri)
    row = line_of(red_text, "cite paper")
    assert [_location(loc) for loc in server.at("textDocument/definition", red_uri, row, 8)] == [
        ("north.redlines", line_of(red_text, "source paper"))]
    server.close_document(red_uri)


def test_definition_of_an_acknowledged_rule(server, project, draft):
    uri, text = draft
    edited = text.replace("  army.cap = 50_000\n", '  army.cap = 50_000\n  acknowledge north N-ARMY "agreed"\n')
    server.change(uri, edited, 2)
    server.diagnostics(uri)
    row = line_of(edited, "acknowledge north N-ARMY")
    red_text = (project / "redlines" / "north.redlines").read_text(encoding="utf-8")
    assert [_location(loc) for loc in server.at("textDocument/definition", uri, row, 22)] == [
        ("north.redlines", line_of(red_text, "rule N-ARMY"))]


def _apply(text: str, edits: list[dict]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                       reverse=True):
        start = offsets[edit["range"]["start"]["line"]] + edit["range"]["start"]["character"]
        end = offsets[edit["range"]["end"]["line"]] + edit["range"]["end"]["character"]
        text = text[:start] + edit["newText"] + text[end:]
    return text


def test_code_actions_fix_a_misspelt_value_and_a_missing_brace(server, project):
    path = project / "proposals" / "broken.peace"
    uri = server.open(path)
    found = server.diagnostics(uri)
    pc500 = next(d for d in found if d["code"] == "PC500")
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": pc500["range"],
                                                         "context": {"diagnostics": [pc500]}})
    fix = next(a for a in actions if a["kind"] == "quickfix")
    closed = _apply(BROKEN, fix["edit"]["changes"][uri])
    assert "  army.cap = 50_000\n}\n\nclause 2" in closed
    server.change(uri, closed, 2)
    found = server.diagnostics(uri)
    assert "PC500" not in {d["code"] for d in found}
    value = next(d for d in found if d["code"] == "PC101")
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": value["range"],
                                                         "context": {"diagnostics": [value]}})
    fixed = _apply(closed, next(a for a in actions if a["kind"] == "quickfix")["edit"]["changes"][uri])
    assert "  land.north = ceded\n" in fixed
    rule = next(d for d in found if d["code"] == "PC115")  # acknowledge names N-LANDS: did you mean N-LAND?
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": rule["range"],
                                                         "context": {"diagnostics": [rule]}})
    assert "N-LAND " in _apply(closed, next(a for a in actions if a["kind"] == "quickfix")["edit"]["changes"][uri])


def test_format_document_is_the_fmt_output(server, project, draft):
    uri, text = draft
    messy = text.replace("  army.cap = 50_000", "army.cap=50_000").replace('clause 2 "Army" {', 'clause  2 "Army"{')
    server.change(uri, messy, 2)
    server.diagnostics(uri)
    edits = server.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                                       "options": {"tabSize": 2, "insertSpaces": True}})
    expected = cli(project / "proposals", "fmt", "-", stdin=messy)
    assert expected.returncode == 0
    assert _apply(messy, edits) == expected.stdout
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {
        "start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}})
    source = next(a for a in actions if a["kind"] == "source")
    assert _apply(messy, source["edit"]["changes"][uri]) == expected.stdout


def test_a_red_line_edit_rechecks_the_open_proposal(server, project, draft):
    uri, _ = draft
    assert "N-LAND" in {d["code"] for d in server.diagnostics(uri)}
    red = project / "redlines" / "north.redlines"
    red_text = red.read_text(encoding="utf-8")
    red_uri = server.open(red)
    server.diagnostics(red_uri)
    server.diagnostics(uri)
    asked = len(server.server_requests)
    server.change(red_uri, red_text.replace("when land.* >= ceded", "when land.* >= frozen").replace(
        "severity hard\n  when land.* >= frozen", "severity soft\n  when land.* >= frozen"), 2)
    server.diagnostics(red_uri)
    land = next(d for d in server.diagnostics(uri) if d["code"] == "N-LAND")
    server.drain()
    assert "workspace/inlayHint/refresh" in [r["method"] for r in server.server_requests[asked:]]
    assert land["severity"] == 2 and ">= frozen" in land["message"]  # the unsaved red line, now soft
    server.notify("textDocument/didClose", {"textDocument": {"uri": red_uri}})
    assert next(d for d in server.diagnostics(uri) if d["code"] == "N-LAND")["severity"] == 1  # disk again


def test_a_vocabulary_edit_rechecks_the_open_proposal(server, project, draft):
    uri, text = draft
    server.diagnostics(uri)
    vocab = project / "vocab" / "basic.vocab"
    vocab_uri = server.open(vocab)
    server.diagnostics(vocab_uri)
    server.change(vocab_uri, vocab.read_text(encoding="utf-8").replace("term army.cap", "term army.ceiling"), 2)
    server.diagnostics(vocab_uri)
    assert ("PC100", line_of(text, "army.cap"), 2) in codes(server.diagnostics(uri))
    server.close_document(vocab_uri)


def test_lint_warnings_on_a_red_line_file(server, project):
    red = project / "redlines" / "south.redlines"
    text = red.read_text(encoding="utf-8").replace('rule S-ELECT "Elections not before 100 days" {',
                                                   'rule S-NEVER "Never" {\n  severity hard\n'
                                                   '  when guarantee.kind > strong\n  cite memo\n}\n\n'
                                                   'rule S-ELECT "Elections not before 100 days" {')
    uri = server.open(red, text)
    first = server.diagnostics(uri)
    assert [d for d in first if d["code"] == "PC700"] == []  # lint follows, after a pause in typing
    later = server.diagnostics(uri)
    never = next(d for d in later if d["code"] == "PC700")
    assert never["severity"] == 2 and never["range"]["start"]["line"] == line_of(text, "rule S-NEVER")
    server.close_document(uri)


def test_unused_terms_on_the_vocabulary_as_peacecheck_lint_reports_them(server, project):
    run = cli(project, "lint", "redlines", "proposals/draft.peace")
    expected = {p for p in cli_positions(run.stdout + run.stderr) if p[0] == "PC704"}
    assert expected
    uri = server.open(project / "vocab" / "basic.vocab")
    assert codes(server.diagnostics(uri)) == set()
    later = server.diagnostics(uri)
    assert codes(later) == expected and {d["severity"] for d in later} == {2}
    server.close_document(uri)


def test_a_failing_request_does_not_stop_the_server(server, project, draft):
    uri, text = draft
    server.diagnostics(uri)
    unknown = (project / "proposals" / "nowhere.peace").resolve().as_uri()
    assert server.at("textDocument/hover", unknown, 0, 0) is None
    assert server.at("textDocument/hover", uri, 10_000, 10_000) is None
    with pytest.raises(RuntimeError, match="-32602"):  # invalid params: an error answer, not silence
        server.at("textDocument/completion", uri, -5, 3)
    with pytest.raises(RuntimeError, match="-32602"):
        server.request("textDocument/hover", {"textDocument": {"uri": uri}})
    assert "land.north" in server.at("textDocument/hover", uri, line_of(text, "land.north = ceded"), 4)[
        "contents"]["value"]


def test_an_exception_in_a_handler_is_answered_and_logged(monkeypatch):
    """In-process: the guard turns a crash into an empty answer and a log message to the client."""
    from peacecheck.checker.lsp import server as lsp_server

    logged = []
    fake = type("Fake", (), {"window_log_message": lambda self, params: logged.append(params.message)})()

    @lsp_server.guarded(list)
    def broken(ls, params):
        raise KeyError("boom")

    assert broken(fake, None) == []
    assert logged and "broken failed: KeyError" in logged[0]


def test_an_edit_to_a_proposal_parses_only_the_proposal(project, monkeypatch):
    """In-process: after the first check, an edit re-parses only the file edited; the rest comes from the cache."""
    from peacecheck.checker.lsp.workspace import Workspace

    monkeypatch.chdir(project)
    ws = Workspace()
    path = project / "proposals" / "draft.peace"
    text = path.read_text(encoding="utf-8")
    key = ws.update(path.as_uri(), text)
    first = ws.analyse(key)
    files = ws.cache.misses
    assert files == 5  # the proposal, two vocabulary files, two red-line files
    ws.update(path.as_uri(), text.replace("army.cap = 50_000", "army.cap = 150_000"))
    second = ws.analyse(key)
    assert ws.cache.misses == files + 1
    assert second.result.clauses[1].verdicts["north"] != first.result.clauses[1].verdicts["north"]
    assert [r.rules for r in second.redlines] == [r.rules for r in first.redlines]
    red = project / "redlines" / "south.redlines"
    ws.update(red.as_uri(), red.read_text(encoding="utf-8") + "\n# an edit\n")
    ws.analyse(key)
    assert ws.cache.misses == files + 2  # only south.redlines again
