"""`peacecheck lsp`: a Language Server (stdio) for .peace, .redlines and .vocab files.

    workspace.py    open documents, the overlay Loader (unsaved buffers first, then the disk), the
                    digest cache of parsed vocabularies and red lines, one Analysis per document
    positions.py    the dsl's line:column to LSP's UTF-16 positions; words, strings, the path left of a value
    diagnostics.py  input errors, lint warnings and findings as diagnostics; verdict hints and lenses
    navigation.py   what is under the cursor: hover, definition, references
    completion.py   completion in context
    actions.py      quick fixes and formatting (edits; nothing writes a file)
    server.py       pygls wiring: capabilities, handlers, publishing, background lint

Only server.py imports pygls; workspace.py and positions.py import no LSP library at all.

Nothing here writes a file: formatting and quick fixes are edits the editor applies.
"""
from __future__ import annotations


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    from .server import build_server

    build_server().start_io()
