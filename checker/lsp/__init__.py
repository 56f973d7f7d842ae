"""`peacecheck lsp`: a Language Server (stdio) for .peace, .redlines and .vocab files.

The editor-independent work (documents, loading through a Loader that serves unsaved buffers,
caching, diagnostics, verdicts, hover, completion, navigation, code actions) lives in plain
modules that import no LSP library:

    workspace.py   open documents, the overlay Loader, the digest cache, one Analysis per document
    features.py    hover, completion, definition, references, code actions, verdict hints
    server.py      pygls wiring: capabilities, handlers, publishing; pygls is imported only here

Nothing here writes a file: formatting and quick fixes are edits the editor applies.
"""
from __future__ import annotations


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    from .server import build_server

    build_server().start_io()
