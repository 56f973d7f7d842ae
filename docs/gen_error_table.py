"""Regenerate the README's error-code table from checker.codes.ALL_CODES (the language's codes and the checker's).

    python docs/gen_error_table.py
"""
from __future__ import annotations

import re
from pathlib import Path

from peacecheck.checker.codes import ALL_CODES as ERROR_CODES

README = Path(__file__).resolve().parent.parent / "README.md"


def table() -> str:
    rows = ["| code | meaning |", "|---|---|"]
    for code in sorted(ERROR_CODES):
        text = ERROR_CODES[code].replace("|", "\\|").replace("\n", " ")
        rows.append(f"| {code} | {text} |")
    return "\n".join(rows)


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    new = re.sub(r"(<!-- error-codes:start -->\n).*?(\n<!-- error-codes:end -->)",
                 lambda m: m.group(1) + table() + m.group(2), text, flags=re.DOTALL)
    README.write_text(new, encoding="utf-8")
    print(f"{len(ERROR_CODES)} codes written to {README}")
