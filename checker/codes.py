"""The checker's diagnostic codes: command-line values, outputs, configuration, tools, lint and solve.

The language's own codes (files, syntax, validation) live in `peacecheck.dsl.diagnostics.ERROR_CODES`;
`ALL_CODES` is both, for `peacecheck explain` and the README's table. Each text is the code's user
documentation: what it means and what to do.
"""
from __future__ import annotations

from peacecheck.dsl.diagnostics import ERROR_CODES as LANGUAGE_CODES

CHECKER_CODES: dict[str, str] = {
    "PC119": "Output path is an input: `-o` names a file that this run reads; refusing to overwrite it.",
    "PC120": "Cannot write output: the output file could not be written.",
    "PC121": "Unknown option or command value: a command-line value is not valid (for example an unknown party).",
    "PC600": "Invalid configuration file: peacecheck.toml (or the [tool.peacecheck] table of pyproject.toml) is not valid TOML, or cannot be read.",
    "PC601": "Unknown configuration key: the config sets a key peacecheck does not know (keys: redlines, parties, fail-on, format, outputs, tests, proposals, coverage-threshold).",
    "PC602": "Bad configuration value: a config key has a value of the wrong type or out of range (for example fail-on = \"sometimes\").",
    "PC603": "Unknown output format: `-o FORMAT:FILE` (or the config's `format`/`outputs`) names a format that is not registered; `peacecheck check --help` lists them.",
    "PC604": "Outputs collide: two `-o` outputs write to the same file, or two to standard output.",
    "PC607": "Binary report on a terminal: a `docx` report is a Word file, not text; write it with `-o FILE.docx` (or redirect standard output to a file).",
    "PC608": "python-docx missing: Word output (`--format docx`) and `peacecheck import` of a .docx need the `python-docx` package. Install it with `pip install 'peacecheck[docx]'`.",
    "PC606": "Several proposals, one report: `check` with more than one proposal prints text or github annotations to standard output only; check one proposal per run to write files or other formats.",
    "PC610": "Invalid test file: a red-line test file is not valid TOML.",
    "PC611": "Malformed test case: a test file or case has an unknown key, a value of the wrong type, both `terms` and `proposal`, no expectation, or `expect` without a party.",
    "PC612": "Unknown verdict: a test case expects a verdict other than reject, concern, accept or silent.",
    "PC613": "Unknown rule in a test: `fires`, `not_fires` or `acknowledged` names a rule the party (or any party) does not have.",
    "PC614": "Unknown party in a test: a test case (or file) names a party that has no red-line file.",
    "PC615": "No test files: `peacecheck test` found no *.toml test files (default: redlines/tests/).",
    "PC620": "Formatter safety stop: formatting would change what the file means (a formatter bug); the file is left untouched. Please report it with the file.",
    "PC630": "Refusing to overwrite: `peacecheck init` found files it would create already present; nothing was written.",
    "PC640": "Cannot import: `peacecheck import` reads .docx, .md, .markdown and .txt drafts; the file has another type, is not valid UTF-8 text, or is not a readable Word document.",
    "PC641": "Nothing to import: no numbered points (`1.`, `21(a)`, `Point 12 -`, numbered headings) were found in the draft, so no clause could be made.",
    "PC642": "Import target exists: `peacecheck import` never overwrites; the .peace file it would write (or the one named by -o) is already there.",
    "PC700": "Rule never fires (lint warning): no possible proposal makes the rule's `when` condition true, or every proposal meets the requirement's `that` condition (even one that says nothing), so the red line never objects to anything. Often a comparison points the wrong way along a scale, or a condition needs values that cannot occur together. Example: `when guarantee.kind > article5_like` (nothing is above the top of the scale).",
    "PC701": "Rule fires on every proposal (lint warning): the rule's `when` condition is true for every possible proposal, the empty one included (`absent x` holds on a proposal that says nothing about x), or no proposal can meet the requirement's `that` condition. The party then objects to everything. Example: `require X \"...\" { that guarantee.kind > article5_like }`.",
    "PC702": "A party's hard red lines contradict each other (lint warning): no possible proposal meets all of the named hard red lines of one party, so the party rejects everything; typically a `require` demands what a hard `rule` forbids. Example: `require A { that present ukraine.army.personnel_cap }` with `rule B { when present ukraine.army.personnel_cap }`. Each set named is minimal: without any one of its red lines the rest can be met.",
    "PC703": "A soft red line can never be met together with its party's hard red lines (lint warning): every proposal the party can accept still crosses this soft red line, so it never tells acceptable proposals apart. Example: hard `require A { that alliance == neutral }` with soft `rule B { when alliance == neutral }`.",
    "PC704": "Unused vocabulary term (lint warning): no red line reads the term and no proposal looked at states it. Remove it, or write the rule or clause that was meant to use it.",
    "PC730": "OR-tools missing: `peacecheck solve` and `peacecheck lint` need the `ortools` package. Install it with `pip install 'peacecheck[solve]'` (or `pip install ortools`).",
    "PC731": "Draft under another vocabulary: `solve --from DRAFT` reads the draft's terms against the proposal's options, so both must use the same vocabulary file.",
    "PC735": "Solver gave up: CP-SAT stopped without proving an answer. This should not happen on the problem sizes peacecheck handles; please report it with the input.",
}

ALL_CODES: dict[str, str] = dict(sorted({**LANGUAGE_CODES, **CHECKER_CODES}.items()))
