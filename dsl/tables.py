"""The LALR parser tables, shipped with the package as plain Python literals.

Building the tables from `peace.lark` is most of lark's start-up cost. lark's own `cache=True`
keeps them as a pickle under a predictable name in the shared temp folder, where another user can
plant a file that runs code when unpickled; so no cache is read from outside the package at all.
`parser_tables.json` is generated from the grammar (`python -m peacecheck.dsl.tables`) and holds the
grammar's digest and lark's version: when either differs, the tables are rebuilt in memory instead.
JSON, not a Python module, because reading it is fast even where no bytecode is cached, and because
it can hold data only, never code.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lark import Lark

OPTIONS: dict[str, Any] = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": False}
TABLES_FILE = "parser_tables.json"
# JSON keys are strings: a dict whose keys were all ints is written as {INT_KEYS: [[key, value], ...]}.
INT_KEYS = "__int_keys__"


def grammar_text() -> str:
    return resources.files(__package__).joinpath("peace.lark").read_text(encoding="utf-8")


def grammar_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_parser() -> "Lark":
    """The parser from the shipped tables when they match this grammar and lark, else built anew."""
    import lark

    text = grammar_text()
    shipped = _shipped_tables()
    if shipped and shipped.get("grammar_sha256") == grammar_digest(text) \
            and shipped.get("lark_version") == lark.__version__:
        return lark.Lark._load_from_dict(shipped["data"], shipped["memo"])
    return lark.Lark(text, **OPTIONS)


def _shipped_tables() -> dict[str, Any] | None:
    try:
        raw = resources.files(__package__).joinpath(TABLES_FILE).read_bytes()
        return json.loads(raw, object_hook=_decode_int_keys)
    except (OSError, ValueError):
        return None


def _decode_int_keys(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and INT_KEYS in obj:
        return {key: value for key, value in obj[INT_KEYS]}
    return obj


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        items = {key: _encode(item) for key, item in value.items()}
        if items and all(isinstance(key, int) for key in items):
            return {INT_KEYS: sorted([key, item] for key, item in items.items())}
        return items
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    return value


def tables_json() -> str:
    """The text of `parser_tables.json` for the current grammar and lark version."""
    import lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    text = grammar_text()
    data, memo = lark.Lark(text, **OPTIONS).memo_serialize([TerminalDef, Rule])
    document = {"grammar_sha256": grammar_digest(text), "lark_version": lark.__version__,
                "data": _encode(data), "memo": _encode(memo)}
    return json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"


def write_tables() -> None:
    """Regenerate the shipped tables. lark numbers its states in set order, so the hash seed is fixed
    to make the file the same bytes on every run."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        import subprocess  # a developer's step: not imported by every run

        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run([sys.executable, "-m", "peacecheck.dsl.tables"], check=True, env=env)
        return
    target = Path(__file__).with_name(TABLES_FILE)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(tables_json(), encoding="utf-8")
    os.replace(tmp, target)
    print(f"wrote {target.name}")


if __name__ == "__main__":  # pragma: no cover - a developer's regeneration step
    write_tables()
