"""Regenerate the models' golden dumps: python tests/golden/models/regen.py

`dumps.json` holds, for every shipped and fixture file, `model_dump()` of what the front ends build from
it (the fast scanner and lark's path, which agree: tests/test_scanner.py), and for every vocabulary the
merged `Vocabulary` that `load_vocabulary` returns; one file a line. Values are tagged with their Python
types (tuple, list, dict, date, float, str subclasses...), so a silent coercion shows up as a difference,
not only a changed value.

It was first captured from the pydantic models, before they became dataclasses: tests/test_models.py
checks that the models still dump the same data of the same types. Golden files are generated, never
hand-edited; review the diff before committing.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
FOLDERS = ("proposals", "redlines", "vocab", "tests")
SUFFIXES = (".peace", ".redlines", ".vocab")
GOLDEN = HERE / "dumps.json"


def sources() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (REPO / folder).rglob("*") if p.suffix in SUFFIXES and p.is_file())


def tagged(value):
    """`value` as JSON with its types kept: what the dump is, not only what it says."""
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return {"float": repr(value)}
    if isinstance(value, tuple):
        return {"tuple": [tagged(v) for v in value]}
    if isinstance(value, list):
        return {"list": [tagged(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[tagged(k), tagged(v)] for k, v in value.items()]}
    if type(value) is dt.date:
        return {"date": value.isoformat()}
    return {"type": f"{type(value).__module__}.{type(value).__qualname__}", "repr": repr(value)}


class DiskLoader:
    """Files of the checkout, by path relative to it (the dsl's Loader protocol)."""

    def resolve(self, relative: str, from_file: str, span) -> str:
        return os.path.normpath(os.path.join(os.path.dirname(from_file), relative))

    def read(self, key: str) -> bytes:
        return (REPO / key).read_bytes()


def parsed(path: Path, fast: bool):
    """The tagged dump of one front end's model of `path`, or the codes of the diagnostics it raised."""
    from peacecheck.dsl import api
    from peacecheck.dsl.diagnostics import DiagnosticSink, PeaceError

    original = api.parse_models
    if not fast:
        api.parse_models = lambda text, filename, sink: None
    try:
        model = api.parse_into(path.read_bytes(), path.relative_to(REPO).as_posix(), DiagnosticSink())
    except PeaceError as exc:
        return {"raised": sorted(d.code for d in exc.diagnostics)}
    finally:
        api.parse_models = original
    return {"model": type(model).__name__, "dump": tagged(model.model_dump())}


def merged(path: Path):
    """The tagged dump of the Vocabulary `load_vocabulary` builds from `path` and its includes."""
    from peacecheck.dsl import api
    from peacecheck.dsl.diagnostics import PeaceError

    try:
        vocabulary = api.load_vocabulary(path.relative_to(REPO).as_posix(), DiskLoader())
    except PeaceError as exc:
        return {"raised": sorted(d.code for d in exc.diagnostics)}
    return {"model": type(vocabulary).__name__, "dump": tagged(vocabulary.model_dump())}


def capture() -> dict:
    out: dict = {}
    for path in sources():
        name = path.relative_to(REPO).as_posix()
        fast, lark = parsed(path, True), parsed(path, False)
        if fast != lark:
            raise SystemExit(f"{name}: the two front ends disagree; see tests/test_scanner.py")
        out[name] = {"parsed": fast}
        if path.suffix == ".vocab":
            out[name]["merged"] = merged(path)
    return out


if __name__ == "__main__":
    lines = [f"{json.dumps(name)}: {json.dumps(entry, ensure_ascii=False)}" for name, entry in capture().items()]
    GOLDEN.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print("wrote", GOLDEN)
