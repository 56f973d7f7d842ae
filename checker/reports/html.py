"""What every HTML page peacecheck writes shares: jinja2 set-up, inlined assets, the CSP, the version.

Pages are self-contained: their stylesheet and script are inlined, and a
Content-Security-Policy allows exactly those (pinned by hash) and nothing else,
so even markup that slipped past escaping could not run or fetch anything.
"""
from __future__ import annotations

from typing import Any


def static(name: str) -> str:
    """A file of checker/reports/templates (our own asset, not input)."""
    from importlib.resources import files

    return files("peacecheck.checker.reports").joinpath("templates", name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def peacecheck_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("peacecheck")
    except PackageNotFoundError:
        return "unknown"


def jinja_environment():
    """Autoescaping, strict about undefined names (a template typo fails loudly), stable whitespace,
    and no raw control character in any value a template prints (`printable`)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("peacecheck.checker.reports", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined, finalize=printable,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def printable(value: Any) -> Any:
    """Every `{{ value }}` of every page, before escaping: raw C0/C1 controls (never valid in HTML)
    become U+FFFD. Done here, not only by the CLI's last pass, so the library's `render()` is as safe."""
    from markupsafe import Markup

    from peacecheck.checker.reports.escape import markup_text

    if isinstance(value, Markup):  # already markup (our assets, pre-escaped fragments): keep it markup
        return Markup(markup_text(str(value)))
    return markup_text(value) if isinstance(value, str) else value


def inline_assets(css: str, script: str | None = None) -> dict[str, Any]:
    """Template context for an inlined stylesheet (and script) and the CSP that admits only them.

    Every page's stylesheet follows the shared base.css (colours, type, links, headings)."""
    from markupsafe import Markup

    css = static("base.css") + css

    for asset in (css, script or ""):
        if "</" in asset:  # inlined raw: a closing tag would end the element early
            raise ValueError("an inlined stylesheet or script must not contain '</'")
    script_src = csp_hash(script) if script else "'none'"
    context: dict[str, Any] = {
        "css": Markup(css),
        "csp": f"default-src 'none'; style-src {csp_hash(css)}; script-src {script_src}; "
               "img-src 'none'; base-uri 'none'; form-action 'none'",
    }
    if script is not None:
        context["script"] = Markup(script)
    return context
