"""Project configuration: `[tool.peacecheck]` in pyproject.toml, or a peacecheck.toml.

Discovery (`find_config`, `load_config`) reads through `files.read_limited`; parsing is pure: this
module turns its text into a Config or a PeaceError (PC600-PC603). Paths in a
config are relative to the folder the config file is in; the command line
beats the file.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span, did_you_mean

FAIL_ON = ("reject", "concern", "never")


@dataclass(frozen=True)
class Config:
    """Settings from a config file; an empty Config means "no file, defaults everywhere"."""

    file: str = ""
    root: str = "."  # the folder relative paths are resolved from
    redlines: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    fail_on: str = ""
    format: str = ""
    outputs: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    proposals: tuple[str, ...] = ()
    coverage_threshold: float | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def path(self, relative: str) -> str:
        """A path from the config, as seen from the working folder's side (joined to the config's folder)."""
        return str(PurePath(self.root) / relative)


# key -> (Config field, kind). Kinds: paths, names, choice, text, outputs, percent.
KEYS: dict[str, tuple[str, str]] = {
    "redlines": ("redlines", "paths"),
    "parties": ("parties", "names"),
    "fail-on": ("fail_on", "choice"),
    "format": ("format", "text"),
    "outputs": ("outputs", "outputs"),
    "tests": ("tests", "paths"),
    "proposals": ("proposals", "paths"),
    "coverage-threshold": ("coverage_threshold", "percent"),
}


def parse_config(text: str, filename: str, formats: set[str] | None = None) -> Config | None:
    """A config file's text -> Config; None for a pyproject.toml without `[tool.peacecheck]`."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_position(str(exc), text)
        raise PeaceError([Diagnostic("PC600", f"invalid TOML: {_toml_message(str(exc))}", Span(filename, line, column))]) from None
    is_pyproject = PurePath(filename).name == "pyproject.toml"
    tool = data.get("tool", {})
    if not isinstance(tool, dict):  # `tool = "x"`: there is no [tool.peacecheck] to look into
        where = re.search(r"^[ \t]*tool[ \t]*=", text, re.MULTILINE)
        line = text.count("\n", 0, where.start()) + 1 if where else 1
        raise PeaceError([Diagnostic("PC602", "`tool` must be a table ([tool.peacecheck])", Span(filename, line, 1))])
    if is_pyproject:
        table = tool.get("peacecheck")
        if table is None:
            return None
    else:
        table = tool.get("peacecheck", data) if set(data) == {"tool"} else data
    if not isinstance(table, dict):
        raise PeaceError([Diagnostic("PC602", "[tool.peacecheck] must be a table", Span(filename, 1, 1))])
    root = str(PurePath(filename).parent)
    return Config(file=filename, root=root, **_fields(table, text, filename, formats))


def _fields(table: dict[str, Any], text: str, filename: str, formats: set[str] | None) -> dict[str, Any]:
    errors: list[Diagnostic] = []
    fields: dict[str, Any] = {}
    section = re.search(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*peacecheck[ \t]*\]", text, re.MULTILINE)
    offset = section.end() if section else 0
    for key, raw in table.items():
        where = Span(filename, key_line(text, key, offset), 1)
        if key not in KEYS:
            hint = did_you_mean(key, set(KEYS)) or "known keys: " + ", ".join(sorted(KEYS))
            errors.append(Diagnostic("PC601", f"unknown configuration key '{key}'", where, hint))
            continue
        name, kind = KEYS[key]
        try:
            fields[name] = _value(key, kind, raw, formats)
        except ValueError as exc:
            code = "PC603" if kind in ("outputs", "text") and "format" in str(exc) else "PC602"
            errors.append(Diagnostic(code, str(exc), where))
    if errors:
        raise PeaceError(errors)
    return fields


def _value(key: str, kind: str, raw: Any, formats: set[str] | None) -> Any:
    if kind in ("paths", "names", "outputs"):
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise ValueError(f"'{key}' takes a list of strings")
        if kind in ("paths", "outputs") and any(c in i for i in items for c in "\0\n\r"):
            # No file has such a name, and a line break would forge a `file:line:col` line.
            raise ValueError(f"'{key}': a path cannot contain a NUL byte or a line break")
        if kind == "names":
            bad = [i for i in items if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", i)]
            if bad:
                raise ValueError(f"'{key}': '{bad[0]}' is not a party id")
        if kind == "outputs":
            for item in items:
                parse_output(item, formats or set(), require_format=True)
        return tuple(items)
    if kind == "choice":
        if raw not in FAIL_ON:
            raise ValueError(f"'{key}' is one of {', '.join(FAIL_ON)}, not {raw!r}")
        return raw
    if kind == "text":
        if not isinstance(raw, str) or (formats and raw not in formats):
            raise ValueError(f"'{key}': unknown format {raw!r}; known formats: {', '.join(sorted(formats or ()))}")
        return raw
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 <= raw <= 100:
        raise ValueError(f"'{key}' is a percentage from 0 to 100, not {raw!r}")
    return float(raw)


@dataclass(frozen=True)
class OutputSpec:
    format: str
    path: str  # "-" for standard output


_FORMAT_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9_-]+):(.*)$")

# The one map from an output file's extension to its format, for every command's `-o`.
SUFFIX_FORMAT = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
                 ".json": "json", ".sarif": "sarif", ".xml": "junit", ".docx": "docx"}
# Format names no file should be called: `-o json` is a mistake for `--format json`.
KNOWN_FORMATS = frozenset(SUFFIX_FORMAT.values()) | {"text", "github"}


def format_for_path(path: str, formats: set[str] | frozenset[str], default_format: str) -> str:
    """The format `-o FILE` implies: its extension when the command has that format, else the default."""
    if path == "-":
        return default_format
    implied = SUFFIX_FORMAT.get(Path(path).suffix.lower())
    return implied if implied in formats else default_format


def parse_output(spec: str, formats: set[str], default_format: str = "text",
                 require_format: bool = False) -> OutputSpec:
    """`json:result.json` -> (json, result.json); a plain `result.txt` takes `default_format`.

    A prefix of two or more letters before ':' must name a known format, so a typo
    (`jsno:x.json`) is an error rather than a file called `jsno:x.json`.
    """
    match = _FORMAT_PREFIX.match(spec)
    if match is None:
        if require_format:
            raise ValueError(f"output '{spec}' needs a format: FORMAT:PATH (for example json:result.json)")
        if spec in KNOWN_FORMATS or spec in formats:
            raise ValueError(f"'{spec}' is a format name, not a file: use --format {spec}, "
                             f"or {spec}:FILE to write a file")
        return OutputSpec(format_for_path(spec, formats, default_format), spec)
    name, path = match.group(1), match.group(2)
    if name not in formats:
        hint = did_you_mean(name, formats)
        raise ValueError(f"unknown output format '{name}' in '{spec}'" + (f"; {hint}" if hint else
                                                                          f"; known formats: {', '.join(sorted(formats))}"))
    if not path:
        raise ValueError(f"output '{spec}' names no file (use {name}:- for standard output)")
    return OutputSpec(name, path)


def key_line(text: str, key: str, offset: int = 0) -> int:
    """The line a key is set on, at or after `offset` (for messages); 1 if it cannot be found."""
    pattern = re.compile(r'^[ \t]*["\']?' + re.escape(key) + r'["\']?[ \t]*=', re.MULTILINE)
    match = pattern.search(text, offset)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _toml_position(message: str, text: str = "") -> tuple[int, int]:
    match = re.search(r"at line (\d+), column (\d+)", message)
    if match:
        return int(match.group(1)), int(match.group(2))
    if "end of document" in message:
        return text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
    return 1, 1


def _toml_message(message: str) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", message) or message


# ------------------------------------------------------------------ discovery
CONFIG_NAMES = ("peacecheck.toml", "pyproject.toml")
# A config is a few lines; anything near this size is not one (and /dev/zero must not fill memory).
MAX_CONFIG_BYTES = 1024 * 1024


def known_formats() -> set[str]:
    from peacecheck.checker.reports.formats import RENDERERS

    return set(RENDERERS)


def find_config(start: Path) -> Path | None:
    """The nearest peacecheck.toml, or pyproject.toml with [tool.peacecheck], at or above `start`.

    The walk stops at the first folder holding `.git` (the repository root)."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name == "peacecheck.toml" or _has_section(candidate)):
                return candidate
        if (folder / ".git").exists():
            return None
    return None


def _has_section(pyproject: Path) -> bool:
    from peacecheck.checker.files import read_limited

    try:
        text = read_limited(pyproject, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, PeaceError):
        return False
    return "peacecheck" in text and "[tool.peacecheck" in text.replace(" ", "")


def load_config(explicit: str | None = None) -> Config:
    """The config named by --config, else the one found from the working folder, else defaults."""
    from peacecheck.checker.files import display_path, read_limited

    path = Path(explicit) if explicit else find_config(Path.cwd())
    if path is None:
        return Config()
    key = display_path(path)
    try:
        text = read_limited(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PeaceError([Diagnostic("PC600", f"cannot read config '{key}': {getattr(exc, 'strerror', None) or exc}",
                                     Span(key, 1, 1))]) from None
    return parse_config(text, key, known_formats()) or Config()


# ------------------------------------------------------------------ the check command's settings
@dataclass(frozen=True)
class CheckSettings:
    redlines: tuple[str, ...]
    parties: tuple[str, ...]
    fail_on: str
    outputs: tuple[OutputSpec, ...]
    today: dt.date


def check_settings(config_path: str | None, fmt: str | None, outputs: tuple[str, ...], parties: tuple[str, ...],
                   redlines: tuple[str, ...], fail_on: str | None, today: dt.datetime | None,
                   proposals: int = 1) -> CheckSettings:
    """The check command's options, with the config filling what the command line leaves out."""
    config = load_config(config_path)
    default_format = fmt or config.format or "text"
    specs = _outputs(outputs, config, default_format)
    _check_outputs(specs, proposals)
    return CheckSettings(
        redlines=redlines or tuple(config.path(r) for r in config.redlines),
        parties=parties or config.parties,
        fail_on=fail_on or config.fail_on or "reject",
        outputs=specs,
        today=today.date() if today else dt.date.today(),
    )


def _outputs(outputs: tuple[str, ...], config: Config, default_format: str) -> tuple[OutputSpec, ...]:
    from peacecheck.checker.reports.formats import RENDERERS

    formats = set(RENDERERS)
    try:
        if outputs:
            return tuple(parse_output(o, formats, default_format) for o in outputs)
        if config.outputs:
            return tuple(OutputSpec(s.format, s.path if s.path == "-" else config.path(s.path))
                         for s in (parse_output(o, formats) for o in config.outputs))
    except ValueError as exc:
        raise PeaceError([Diagnostic("PC603", str(exc), Span("-o", 0, 0))]) from None
    return (OutputSpec(default_format, "-"),)


def _check_outputs(specs: tuple[OutputSpec, ...], proposals: int) -> None:
    seen: set[str] = set()
    for spec in specs:
        target = "-" if spec.path == "-" else str(Path(spec.path).resolve())
        if target in seen:
            where = "standard output" if target == "-" else f"'{spec.path}'"
            raise PeaceError([Diagnostic("PC604", f"two outputs write to {where}", Span("-o", 0, 0))])
        seen.add(target)
    if proposals > 1 and any(s.path != "-" or s.format not in ("text", "github") for s in specs):
        raise PeaceError([Diagnostic("PC606", "several proposals make one report each: only text or github "
                                     "output to standard output can hold them", Span("check", 0, 0),
                                     "check one proposal per run to write files or machine formats")])
