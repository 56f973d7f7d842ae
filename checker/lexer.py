"""A Pygments lexer for the peacecheck language: .peace, .redlines and .vocab files.

Registered as a Pygments plugin (entry point group "pygments.lexers"), so
`pygmentize -l peacecheck FILE` and `get_lexer_by_name("peacecheck")` find it;
the HTML report can use it to highlight snippets. Pygments is imported only by
whoever uses this module.
"""
from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Literal, Name, Number, Operator, Punctuation, String, Text, Whitespace

__all__ = ["PeacecheckLexer"]

_ID = r"[A-Za-z_][A-Za-z0-9_]*"


class PeacecheckLexer(RegexLexer):
    """Proposals, red lines and vocabularies of peacecheck."""

    name = "peacecheck"
    aliases = ["peacecheck", "peace", "redlines"]
    filenames = ["*.peace", "*.redlines", "*.vocab"]
    mimetypes = ["text/x-peacecheck"]
    url = "https://pypi.org/project/peacecheck/"

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*$", Comment.Single),
            (r'"""', String.Doc, "block"),
            (r'"', String.Double, "string"),
            # block openers and the ids they name
            (r"(clause)(\s+)([0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)", bygroups(Keyword.Declaration, Whitespace, Name.Label)),
            (r"(rule|require)(\s+)([A-Za-z][A-Za-z0-9_-]*)", bygroups(Keyword.Declaration, Whitespace, Name.Label)),
            (r"(acknowledge)(\s+)(" + _ID + r")(\s+)([A-Za-z][A-Za-z0-9_-]*)",
             bygroups(Keyword, Whitespace, Name.Constant, Whitespace, Name.Label)),
            (r"(option|source|party)(\s+)(" + _ID + ")", bygroups(Keyword.Declaration, Whitespace, Name.Label)),
            (r"(type)(\s+)(" + _ID + r")(?=\s*=)", bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (r"(term)(\s+)(" + _ID + r"(?:\." + _ID + r")*)", bygroups(Keyword.Declaration, Whitespace, Name.Variable)),
            (r"(cite)(\s+)(" + _ID + ")", bygroups(Keyword, Whitespace, Name.Label)),
            (r"(severity)(\s+)(hard|soft)\b", bygroups(Keyword, Whitespace, Name.Constant)),
            (r"\d{4}-\d{2}-\d{2}(?![0-9A-Za-z_])", Literal.Date),
            (r"-?\d[\d_]*(?:\.\d+)?(?![A-Za-z_])", Number),
            (words(("proposal", "vocabulary", "include"), suffix=r"\b"), Keyword.Namespace),
            (words(("text", "tags", "status", "note", "version", "date", "drafted_by", "parties", "revises",
                    "weight", "because", "when", "that", "until", "title", "publication", "seed", "url",
                    "author"), prefix=r"(?<![.\w])", suffix=r"\b(?!\s*\.)"), Keyword),
            (words(("true", "false"), suffix=r"\b"), Keyword.Constant),
            (words(("and", "or", "not", "in", "has", "any", "all", "present", "absent"), suffix=r"\b"), Operator.Word),
            (words(("number", "unit", "enum", "scale", "set", "bool"), suffix=r"\b"), Keyword.Type),
            (_ID + r"(?:\." + _ID + r")*\.\*|" + _ID + r"(?:\." + _ID + r")+", Name.Variable),
            (r"[A-Za-z_][A-Za-z0-9_-]*", Name),
            (r"==|!=|<=|>=|<|>|=", Operator),
            (r"[{}()\[\],:.]", Punctuation),
        ],
        "string": [
            (r'\\(?:u[0-9a-fA-F]{4}|.)', String.Escape),
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
            (r"\n", Text, "#pop"),  # an unterminated string ends at the line's end
        ],
        "block": [
            (r'\\(?:u[0-9a-fA-F]{4}|.)', String.Escape),
            (r'"""', String.Doc, "#pop"),
            (r'[^"\\]+', String.Doc),
            (r'"', String.Doc),
        ],
    }

    def analyse_text(text: str) -> float:  # noqa: N805 - Pygments calls it as a static method
        first = next((line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")), "")
        return 0.8 if first.startswith(("proposal \"", "party ", "vocabulary \"")) else 0.0

