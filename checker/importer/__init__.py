"""From a draft as mediators write it to a `.peace` skeleton: clause ids from the numbering, titles, text
verbatim, and term suggestions as comments the drafter confirms (never live terms).

Pure: text in, text out (reading .docx/.md/.txt bytes is the CLI's job). outline -> suggest -> skeleton.
"""
from peacecheck.checker.importer.outline import Outline, Point, outline  # noqa: F401
from peacecheck.checker.importer.skeleton import skeleton  # noqa: F401
from peacecheck.checker.importer.suggest import Suggestion, suggest  # noqa: F401
