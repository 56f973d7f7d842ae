"""A content-addressed cache of parsed red lines and vocabularies, in the user's own cache folder.

Red-line files and vocabularies change rarely; a check reads them every time. Their parsed models
(and the transform's diagnostics, such as a field given twice) are kept under
`$XDG_CACHE_HOME/peacecheck` (else `~/.cache/peacecheck`), one file per entry, named by the SHA-256
of the file's name, its bytes, and a tag that changes with the Python and lark versions and the dsl's
own sources (grammar and models included). Proposals are not stored: they
are what changes between runs.

Safety: entries are pickles, and unpickling runs code, so nothing is read that another user could
have written. The folder is created 0700 and, before any use, must be a real folder (not a symlink)
owned by this user with no group or other permissions, inside a parent that no one else can write
to; each entry must be a regular file owned by this user and not writable by others, opened
without following symlinks. Anything else disables the cache for the run (never an error). Writes
go to a temporary file in the folder and are renamed into place, so concurrent runs see a whole
entry or none; an entry that fails to load is ignored and removed.

Off with `--no-cache` or `PEACECHECK_NO_CACHE=1`; the library and the tests use it only when asked
(the CLI's entry point turns it on).
"""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any, Callable

ENV_OFF = "PEACECHECK_NO_CACHE"
FOLDER = "peacecheck"
LAYOUT = "v1"  # bump when the entry format changes
MAX_ENTRIES = 512  # beyond this, the least recently written entries are removed
_SUFFIX = ".pickle"

_active: "ParsedCache | None" = None


def enable(folder: Path | None = None) -> "ParsedCache | None":
    """Turn the cache on for this process (the default folder unless one is given); None if switched off."""
    global _active
    if os.environ.get(ENV_OFF, "").strip() not in ("", "0"):
        _active = None
    else:
        _active = ParsedCache(folder or default_folder())
    return _active


def disable() -> None:
    global _active
    _active = None


def active() -> "ParsedCache | None":
    """The cache a loader should use, or None."""
    return _active


def default_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / FOLDER


def _dsl_folder() -> str:
    """The dsl package's folder, found without importing it."""
    from importlib.util import find_spec

    spec = find_spec("peacecheck.dsl")
    return os.path.dirname(spec.origin) if spec and spec.origin else os.path.join(os.path.dirname(__file__), "..", "dsl")


def _safe_parent(path: Path) -> bool:
    """The folder holding ours exists (or is created 0700) and only its owner (us or root) may write to it."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid in (os.getuid(), 0) and not info.st_mode & 0o022


def _safe_folder(path: Path) -> bool:
    """Our folder: created 0700 if missing, and then a real folder of ours that no one else can enter."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


class ParsedCache:
    """Parsed models by content; every failure is a miss."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._usable: bool | None = None  # checked on first use
        self._tag: bytes | None = None
        self.hits = 0
        self.misses = 0

    # ---------------------------------------------------------------- the one entry point
    def parse_into(self, data: bytes | str, key: str, sink, max_bytes: int, parse: Callable) -> Any:
        """`parse(data, key, sink, max_bytes)`, or its stored result for these bytes under this name."""
        from peacecheck.dsl.diagnostics import DiagnosticSink

        if not self.usable():
            return parse(data, key, sink, max_bytes)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        name = self._entry_name(key, raw)
        stored = self._load(name)
        if stored is not None:
            model, diagnostics = stored
            self.hits += 1
            sink.items.extend(diagnostics)
            return model
        self.misses += 1
        own = DiagnosticSink()
        model = parse(data, key, own, max_bytes)  # a syntax error raises: nothing is stored
        sink.items.extend(own.items)
        sink.causes |= own.causes
        if self._worth_keeping(model):
            self._store(name, (model, list(own.items)))
        return model

    # ---------------------------------------------------------------- checks
    def usable(self) -> bool:
        if self._usable is None:
            self._usable = hasattr(os, "getuid") and _safe_parent(self.folder.parent) and _safe_folder(self.folder)
        return self._usable

    @staticmethod
    def _worth_keeping(model: Any) -> bool:
        from peacecheck.dsl import models as m
        from peacecheck.dsl.transform import VocabularyFile

        return isinstance(model, (m.RedLines, VocabularyFile))

    def tag(self) -> bytes:
        """What an entry depends on besides the file: versions, and the dsl's sources (grammar included), by their
        sizes and modification times (reading them would cost more than the cache saves)."""
        if self._tag is None:
            import hashlib
            from importlib.util import find_spec

            # Not peacecheck's own version: an entry holds only the dsl's models, which the dsl's sources below
            # pin, and importlib.metadata alone would cost a tenth of a check's start-up.
            dsl = Path(_dsl_folder())
            digest = hashlib.sha256()
            for name in ("peacecheck", sys.version, LAYOUT):
                digest.update(name.encode() + b"\0")
            lark = find_spec("lark")  # lark's version by its __init__.py (which holds it), without importing lark
            if lark is not None and lark.origin:
                info = os.stat(lark.origin)
                digest.update(f"lark\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
            for path in sorted(dsl.glob("*.py")) + [dsl / "peace.lark"]:  # any edit of the dsl: new entries
                info = os.stat(path)
                digest.update(f"{path.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
            self._tag = digest.digest()
        return self._tag

    def _entry_name(self, key: str, raw: bytes) -> str:
        import hashlib

        digest = hashlib.sha256(self.tag())
        digest.update(key.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(raw)
        return digest.hexdigest() + _SUFFIX

    # ---------------------------------------------------------------- entries
    def _load(self, name: str) -> Any | None:
        import pickle

        path = self.folder / name
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
                    return None  # not ours, or writable by someone else: never unpickled
                blob = handle.read()
        except OSError:
            return None
        try:
            stored = pickle.loads(blob)
            if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], list)):
                raise ValueError("not an entry")
            return stored
        except Exception:  # a corrupt or outdated entry: a miss, and removed
            path.unlink(missing_ok=True)
            return None

    def _store(self, name: str, value: Any) -> None:
        import pickle
        import tempfile

        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            fd, tmp = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=self.folder)  # created 0600
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(blob)
                os.replace(tmp, self.folder / name)  # atomic: a concurrent reader sees all of it or nothing
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._prune()
        except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
            return  # a cache that cannot be written is no error

    def _prune(self) -> None:
        """Keep the folder bounded: the oldest entries go once there are more than MAX_ENTRIES."""
        try:
            entries = [e for e in os.scandir(self.folder) if e.name.endswith(_SUFFIX)]
            if len(entries) <= MAX_ENTRIES:
                return
            entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns)
            for entry in entries[:len(entries) - MAX_ENTRIES]:
                os.unlink(entry.path)
        except OSError:
            return
