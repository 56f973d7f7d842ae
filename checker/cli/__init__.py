"""The command line, a thin shell over the library: one module per command (see main.COMMANDS).

Nothing outside this package imports it; it is the only importer of click and caller of sys.exit.
"""
from peacecheck.checker.cli.main import main, run

__all__ = ["main", "run"]
