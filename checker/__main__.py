"""`python -m peacecheck.checker ...` runs the peacecheck command line."""
from peacecheck.checker.cli import run

run()
