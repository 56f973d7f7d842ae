"""The file system side of the CLI: finding, confining and reading input files.

The dsl reads through the ``DiskLoader`` defined here, so the project-tree rule
(no include path may leave the project, not even through a symlink) is enforced
in one place.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span, did_you_mean

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
    """Reads files for the dsl, refusing any path that resolves outside `root`.

    Reads only regular files, and at most `max_bytes` of them (PC013 beyond), so
    a device, a FIFO or a huge file cannot hang the run or exhaust memory.
    """

    def __init__(self, root: Path, max_bytes: int | None = None):
        from peacecheck.dsl.parser import MAX_FILE_BYTES

        self.root = root.resolve()
        self.max_bytes = max_bytes if max_bytes is not None else MAX_FILE_BYTES
        self.read_keys: list[str] = []
        self.data: dict[str, bytes] = {}
        from peacecheck.checker.cache import active

        self.cache = active()  # parsed red lines and vocabularies by content, when the CLI turned it on

    def resolve(self, relative: str, from_file: str, span: Span) -> str:
        if "\0" in relative or "\n" in relative or "\r" in relative:
            # The OS cannot name such a file, and a newline would forge a `file:line:col` line.
            raise PeaceError([Diagnostic("PC020", f"cannot resolve {relative!r}: a path cannot contain "
                                         "a NUL byte or a line break", span)])
        base = Path(from_file).parent
        target = Path(relative) if Path(relative).is_absolute() else base / relative
        try:
            real = target.resolve()
        except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a name too long
            raise PeaceError([Diagnostic("PC020", f"cannot resolve '{relative}': {exc}", span)]) from None
        if not real.is_relative_to(self.root):
            raise PeaceError([Diagnostic("PC021", f"'{relative}' resolves outside the project ({self.root})", span,
                                         "paths must stay inside the project folder")])
        # The real path is the file's key: two paths to one file (a symlink, `a/../b`) are one file,
        # so include cycles through symlinks are found.
        return display_path(real)

    def read(self, key: str) -> bytes:
        if key in self.data:
            return self.data[key]
        data = read_limited(Path(key), self.max_bytes)
        self.read_keys.append(key)
        self.data[key] = data
        return data


def read_limited(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes; OSError if it is not one, PeaceError (PC013) if it is larger than `max_bytes`."""
    import errno
    import stat

    from peacecheck.dsl.parser import too_large

    # O_NONBLOCK: opening a FIFO must not wait for a writer. Open first, then fstat: no window to swap the file.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    except ValueError:  # a NUL byte in the path (from a config or a test file): no file has such a name
        raise OSError(errno.EINVAL, "a path cannot contain a NUL byte", str(path).replace("\0", "\\0")) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > max_bytes:
            raise PeaceError([too_large(str(path), info.st_size, max_bytes)])
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PeaceError([too_large(str(path), len(data), max_bytes)])
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
    """Write via a temporary file in the same folder and rename, so a reader never sees half a file.

    If anything fails (or the run is interrupted) before the rename, the old file is untouched and
    the temporary file is removed. A symlink is written through: its target is replaced, the link kept.
    A temporary file a killed run left behind (kill -9 runs no clean-up) is removed by the next write.
    """
    descriptor = _open_descriptor(path)
    if descriptor is not None:  # /dev/stdout, /dev/fd/3, /proc/self/fd/1: the stream this process already has
        _write_descriptor(descriptor, data)
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if _is_special(path):
        _write_in_place(path, data)
        return
    folder = path.parent if str(path.parent) else Path(".")
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    tmp = _write_temporary(folder, path.name, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(folder)


# Names of a stream this process already has open. Resolving them would give the file or pipe behind the
# stream (`>> log.txt` resolves to log.txt): renaming over that would lose what the file held, and
# reopening it would write from its start. They are written into through the open descriptor instead.
_DESCRIPTOR_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
_DESCRIPTOR_PREFIXES = ("/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/")


def _open_descriptor(path: Path) -> int | None:
    """The descriptor number `path` names, if it names one of this process's open streams."""
    text = os.path.normpath(os.path.abspath(path))
    if text in _DESCRIPTOR_NAMES:
        return _DESCRIPTOR_NAMES[text]
    for prefix in _DESCRIPTOR_PREFIXES:
        if text.startswith(prefix) and text[len(prefix):].isdigit():
            return int(text[len(prefix):])
    return None


def _write_descriptor(descriptor: int, data: bytes) -> None:
    """All of `data` into an open descriptor, where it stands (appending if the shell opened it with >>)."""
    import sys

    if descriptor in (1, 2):  # what Python itself has buffered for the stream goes first
        (sys.stdout if descriptor == 1 else sys.stderr).flush()
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`, all at once, only if nothing is there: FileExistsError otherwise.

    Nothing is followed: a symlink at `path`, even a dangling one, counts as there (writing through it
    would create a file wherever it points). The file appears complete (hard link of a finished
    temporary file), or, where the file system has no hard links, is created exclusively in place.
    """
    folder = path.parent if str(path.parent) else Path(".")
    mode = 0o666 & ~_umask()
    tmp = _write_temporary(folder, path.name, data, mode)
    try:
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some network and FAT file systems)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    finally:
        tmp.unlink(missing_ok=True)
    _sync_folder(folder)


# Our temporary files: `.NAME.peacecheck-PID-RANDOM.tmp`. The process id tells a live run's file
# (left alone) from a killed run's (removed).
_TEMP = re.compile(r"\.(?P<name>.+)\.peacecheck-(?P<pid>[0-9]+)-[a-z0-9_]+\.tmp")


def _write_temporary(folder: Path, name: str, data: bytes, mode: int) -> Path:
    """A finished, synced temporary file beside `name` (removed again if writing it fails)."""
    import tempfile

    remove_stale_temporaries(folder, name)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.peacecheck-{os.getpid()}-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def remove_stale_temporaries(folder: Path, name: str) -> list[Path]:
    """Remove the temporary files for `name` that a killed peacecheck run left in `folder`.

    Only files of our own naming pattern, regular, owned by this user, whose process is gone: a live
    run's file, another user's file, a symlink or a folder are never touched. Returns what was removed.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.fullmatch(entry.name)
        if match is None or match["name"] != name or _process_alive(int(match["pid"])):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_uid == getattr(os, "getuid", lambda: info.st_uid)():
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:  # gone meanwhile, or not ours to remove
            continue
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):  # another user's process (alive), or not a pid
        return True
    return True


def _is_special(path: Path) -> bool:
    """True for an existing FIFO, device or socket: those are never renamed over (that would put a
    plain file where `/dev/null` or a named pipe was), only written into."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_in_place(path: Path, data: bytes) -> None:
    """Write into a FIFO or a character device as it is (what `-o /dev/stdout` means)."""
    mode = os.stat(path).st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        raise OSError(f"'{path}' is not a regular file, a pipe or a character device")
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ------------------------------------------------------------------ loading a check's inputs
class Inputs:
    """A proposal with its vocabulary and the red lines it is checked against."""

    def __init__(self, proposal, vocabulary, redlines, digests):
        self.proposal = proposal
        self.vocabulary = vocabulary
        self.redlines = redlines
        self.digests = digests
        self.set_aside: tuple = ()  # filled by party selection (project.seat_parties)
        self.at_table: tuple[str, ...] = ()


def load_inputs(proposal_path: Path, redline_paths: list[Path], loader: "DiskLoader") -> Inputs:
    """Load and validate everything; raise PeaceError with every diagnostic of every file."""
    from peacecheck.dsl.api import collect_proposal, collect_redlines
    from peacecheck.dsl.diagnostics import DiagnosticSink

    sink = DiagnosticSink()
    proposal, vocabulary = collect_proposal(display_path(proposal_path), loader, sink)
    redlines, digests, complete = [], {}, True
    files = redline_files(redline_paths)
    for path in files:
        key = display_path(path)
        loaded, _ = collect_redlines(key, loader, sink, vocabulary)
        if loaded is None:
            complete = False
            continue
        redlines.append(loaded)
        digests[loaded.party] = loader.data.get(key, b"")
    diagnostics = sink.items
    _check_parties(redlines, diagnostics)
    if not files and not diagnostics:
        where = Span(display_path(proposal_path), 1, 1)
        diagnostics.append(Diagnostic("PC118", "no red-line files found", where, "put *.redlines files in a "
                                      "redlines/ folder above the proposal, or pass --redlines"))
    if proposal is not None and files:
        _check_acknowledgements(proposal, redlines, complete, diagnostics)
    if proposal is not None and proposal.parties and complete:
        _check_table(proposal, redlines, files, proposal_path, loader, diagnostics)
    if diagnostics:
        raise PeaceError(diagnostics)
    return Inputs(proposal, vocabulary, redlines, digests)


def _check_acknowledgements(proposal, redlines: list, complete: bool, diagnostics: list[Diagnostic]) -> None:
    """Acknowledgements name known parties and rules; an unknown party only counts if every red-line file parsed."""
    from peacecheck.dsl.diagnostics import DiagnosticSink
    from peacecheck.dsl.validate import validate_acknowledgements

    sink = DiagnosticSink()
    validate_acknowledgements(proposal, redlines, sink)
    diagnostics.extend(d for d in sink.items if complete or d.code != "PC107")


def _check_table(proposal, redlines: list, files: list[Path], proposal_path: Path, loader: "DiskLoader",
                 diagnostics: list[Diagnostic]) -> None:
    """PC107 for a party in `parties` that no red-line file defines: neither one loaded, nor one in the
    project's redlines/ folder (which `--redlines one-file` does not load, but whose parties exist)."""
    known = {r.party for r in redlines}
    unknown = [p for p in proposal.parties if p not in known]
    if not unknown:
        return
    folder = find_redlines_dir(proposal_path)
    loaded = {p.resolve() for p in files}
    for path in redline_files([folder]) if folder else []:
        if path.resolve() not in loaded:
            known |= set(_declared_party(path))
    text = loader.data.get(proposal.file, b"").decode("utf-8", "replace")
    places = dict(reversed(party_positions(text)))  # a name listed twice: its first place
    for party in dict.fromkeys(unknown):
        if party in known:
            continue
        line, column = places.get(party, (proposal.span.line, proposal.span.column))
        hint = did_you_mean(party, known) or (f"known parties: {', '.join(sorted(known)) or 'none'}; a party "
                                              f"without red lines needs a file that declares it")
        diagnostics.append(Diagnostic("PC107", f"unknown party '{party}' in parties",
                                      Span(proposal.file, line, column, line, column + len(party)), hint))


_TOKEN = re.compile(r'\s+|#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|.', re.S)


def party_positions(text: str) -> list[tuple[str, tuple[int, int]]]:
    """(name, (line, column)) of each name on a proposal's `parties` line, read from its source text
    (the model keeps the names only); strings and comments are skipped, the header ends at `clause`."""
    out: list[tuple[str, tuple[int, int]]] = []
    line, start, state = 1, 0, "header"  # header -> names (after `parties`) -> comma (after a name)
    for match in _TOKEN.finditer(text.removeprefix("\ufeff")):
        token = match.group()
        if not (token.isspace() or token.startswith("#")):
            if state == "header" and token == "clause":
                break
            if state == "header" and token == "parties":
                state = "names"
            elif state == "names" and (token[0].isalpha() or token[0] == "_"):
                out.append((token, (line, match.start() - start + 1)))
                state = "comma"
            elif state == "comma" and token == ",":
                state = "names"
            elif state != "header":
                break
        if "\n" in token:
            line += token.count("\n")
            start = match.start() + token.rindex("\n") + 1
    return out


def _declared_party(path: Path) -> list[str]:
    """The party a red-line file declares (its first statement, `party NAME "..."`), without parsing it."""
    from peacecheck.dsl.parser import MAX_FILE_BYTES

    try:
        text = read_limited(path, MAX_FILE_BYTES).decode("utf-8", "replace")
    except (OSError, PeaceError):
        return []
    found = re.search(r"^\s*party\s+([A-Za-z_][A-Za-z0-9_]*)", re.sub(r"#[^\n]*", "", text), re.M)
    return [found.group(1)] if found else []


def _check_parties(redlines: list, diagnostics: list[Diagnostic]) -> None:
    seen: dict[str, str] = {}
    for r in redlines:
        if r.party in seen:
            diagnostics.append(Diagnostic("PC105", f"party '{r.party}' is defined twice (also in {seen[r.party]})",
                                          r.span))
        seen.setdefault(r.party, r.file)


def source_line(key: str, line: int, cache: dict[str, list[str] | None] | None = None) -> str | None:
    """The text of one line of a file, for showing under a diagnostic (`cache` keeps files split into lines)."""
    cache = cache if cache is not None else {}
    if key not in cache:
        cache[key] = _source_lines(key)
    lines = cache[key]
    return lines[line - 1] if lines is not None and 0 < line <= len(lines) else None


def _source_lines(key: str) -> list[str] | None:
    from peacecheck.dsl.parser import MAX_FILE_BYTES

    try:
        data = read_limited(Path(key), MAX_FILE_BYTES)
    except (OSError, PeaceError):
        return None
    text = data.decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def read_input(path: str) -> bytes:
    """One input file named on the command line or in a test run: a regular file only, within the size
    limit (a FIFO or /dev/zero must not hang or fill memory); PC020 otherwise."""
    from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span
    from peacecheck.dsl.parser import MAX_FILE_BYTES

    try:
        return read_limited(Path(path), MAX_FILE_BYTES)
    except OSError as exc:
        raise PeaceError([Diagnostic("PC020", f"cannot read '{path}': {exc.strerror or exc}", Span(path, 1, 1))]) from None
