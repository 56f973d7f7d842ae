"""The one room for user-facing words about verdicts and findings, shared by every format.

Text, JSON `message`, SARIF, JUnit, GitHub, Markdown and HTML all word a verdict and a finding from
here, so a soft finding is a concern everywhere and a hard one a rejection everywhere.
"""
from __future__ import annotations

# A clause's verdict for one party, as a word.
VERDICT_LABELS = {"reject": "rejects", "concern": "has a concern with", "accept": "accepts", "silent": "is silent on"}


def finding_verb(kind: str, severity: str) -> str:
    """What a party does in a finding: a requirement it requires, a hard line it rejects, a soft one concerns it."""
    if kind == "require":
        return "requires"
    return "rejects" if severity == "hard" else "has a concern"


def finding_message(party_name: str, kind: str, severity: str, title: str, rule_id: str, evidence: str) -> str:
    """`Ukraine rejects: No ceded territory (UA-TERR-1); territory.donetsk = ceded`."""
    return f"{party_name} {finding_verb(kind, severity)}: {title} ({rule_id}); {evidence}"
