"""`python -m checker ...` runs the peacecheck command line."""
from checker.cli import run

run()
