"""The file system side of the CLI: finding, confining and reading input files.

The dsl reads through the ``DiskLoader`` defined here, so the project-tree rule
(no include path may leave the project, not even through a symlink) is enforced
in one place.
"""
from __future__ import annotations

import os
from pathlib import Path

from dsl.diagnostics import Diagnostic, PeaceError, Span

PROJECT_MARKERS = ("peacecheck.toml", "pyproject.toml", ".git", "redlines")
REDLINE_SUFFIX = ".redlines"


def project_root(start: Path) -> Path:
    """The folder include paths must stay in.

    The nearest folder at or above `start` that looks like a project; failing
    that the working folder if `start` is inside it; failing that `start`.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    cwd = Path.cwd().resolve()
    return cwd if start.is_relative_to(cwd) else start


class DiskLoader:
    """Reads files for the dsl, refusing any path that resolves outside `root`."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.read_keys: list[str] = []

    def resolve(self, relative: str, from_file: str, span: Span) -> str:
        base = Path(from_file).parent
        target = Path(relative) if Path(relative).is_absolute() else base / relative
        real = target.resolve()
        if not real.is_relative_to(self.root):
            raise PeaceError([Diagnostic("PC021", f"'{relative}' resolves outside the project ({self.root})", span,
                                         "paths must stay inside the project folder")])
        return display_path(target)

    def read(self, key: str) -> bytes:
        data = Path(key).read_bytes()
        self.read_keys.append(key)
        return data


def display_path(path: Path) -> str:
    """A path as shown in messages: relative to the working folder when it is inside it."""
    normal = Path(os.path.normpath(path))
    try:
        return str(normal.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(normal)


def find_redlines_dir(proposal: Path) -> Path | None:
    """The `redlines/` folder found by walking up from the proposal's folder."""
    for folder in (proposal.resolve().parent, *proposal.resolve().parents):
        candidate = folder / "redlines"
        if candidate.is_dir():
            return candidate
    return None


def redline_files(paths: list[Path]) -> list[Path]:
    """Expand folders into their *.redlines files, sorted, keeping explicit files as given."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob(f"*{REDLINE_SUFFIX}")))
        else:
            files.append(path)
    return files


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename, so a reader never sees half a file."""
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ loading a check's inputs
class Inputs:
    """A proposal with its vocabulary and the red lines it is checked against."""

    def __init__(self, proposal, vocabulary, redlines, digests):
        self.proposal = proposal
        self.vocabulary = vocabulary
        self.redlines = redlines
        self.digests = digests


def load_inputs(proposal_path: Path, redline_paths: list[Path], loader: "DiskLoader") -> Inputs:
    """Load and validate everything; raise PeaceError with every diagnostic of every file."""
    from dsl.api import check_acknowledgements, load_proposal, load_redlines

    diagnostics: list[Diagnostic] = []
    proposal = vocabulary = None
    try:
        proposal, vocabulary = load_proposal(display_path(proposal_path), loader)
    except PeaceError as exc:
        diagnostics += exc.diagnostics
    redlines, digests = [], {}
    files = redline_files(redline_paths)
    for path in files:
        key = display_path(path)
        try:
            loaded, _ = load_redlines(key, loader, vocabulary)
        except PeaceError as exc:
            diagnostics += exc.diagnostics
            continue
        redlines.append(loaded)
        digests[loaded.party] = Path(key).read_bytes()
    _check_parties(redlines, diagnostics)
    if not files and not diagnostics:
        where = Span(display_path(proposal_path), 1, 1)
        diagnostics.append(Diagnostic("PC118", "no red-line files found", where,
                                      "put *.redlines files in a redlines/ folder above the proposal, or pass --redlines"))
    if proposal is not None and not diagnostics:
        try:
            check_acknowledgements(proposal, redlines)
        except PeaceError as exc:
            diagnostics += exc.diagnostics
    if diagnostics:
        raise PeaceError(diagnostics)
    return Inputs(proposal, vocabulary, redlines, digests)


def _check_parties(redlines: list, diagnostics: list[Diagnostic]) -> None:
    seen: dict[str, str] = {}
    for r in redlines:
        if r.party in seen:
            diagnostics.append(Diagnostic("PC105", f"party '{r.party}' is defined twice (also in {seen[r.party]})",
                                          r.span))
        seen.setdefault(r.party, r.file)


def source_line(key: str, line: int) -> str | None:
    """The text of one line of a file, for showing under a diagnostic."""
    try:
        data = Path(key).read_bytes()
    except OSError:
        return None
    text = data.decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else None
