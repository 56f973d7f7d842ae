"""Parsing speed: the fast front end and lark's path against the stdlib's pure-Python tomllib.

    python bench/bench_parse.py [--clauses 5000] [--rounds 5] [--write DIR]

One generated proposal (clauses with prose, tags, 1-3 terms, options on some) is written twice,
as a .peace file and as TOML holding the same information (ids, titles, texts, tags, terms with
typed values, options), and each is read in this process, median of `--rounds` rounds (CPU time):

  tomllib          tomllib.loads(toml)                    -> dicts (the peer)
  fast parse       dsl.scanner over lark's tables, each rule's node kept as its children (no models)
  fast models      dsl.scanner calling the transform at each reduction (what `parse` now runs)
  lark parse       lark LALR + contextual lexer -> parse tree (what `parse` ran before)
  lark models      lark parse tree + Builder.build

Printed: seconds, MB/s, and each one's time as a ratio of tomllib's (below 1 = faster than tomllib).
Not a unit test; ratios are what to compare between machines.
"""
from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEVELS = ("none", "low", "mid", "high", "total")
KINDS = ("alpha", "beta", "gamma", "delta")
MEMBERS = ("un", "eu", "us", "uk", "au", "ca")
WORDS = ("the parties agree that the arrangement set out in this point applies from signature and is reviewed by "
         "the joint commission every year it may be amended only by written consent of all signatories nothing "
         "in it limits the rights of third states under international law").split()


# ------------------------------------------------------------------ one draft, two spellings
def draft(clauses: int, seed: int = 1) -> list[dict]:
    """The information of a proposal: one dict per clause."""
    rng = random.Random(seed)
    out = []
    for c in range(clauses):
        topic = c // 10
        terms = {}
        for field in rng.sample(("level", "count", "kind", "members", "binding", "deadline"), rng.randint(1, 3)):
            terms[f"topic{topic}.{field}"] = _value(field, rng)
        options = []
        if c % 25 == 0:
            options = [{"id": o, "title": f"Variant {o}", "terms": {f"topic{topic}.level": ("name", rng.choice(LEVELS))}}
                       for o in ("a", "b")]
        words = [rng.choice(WORDS) for _ in range(rng.randint(50, 90))]
        text = "\n".join(" ".join(words[i:i + 12]) for i in range(0, len(words), 12))
        out.append({"id": str(c + 1), "title": f"Point {c + 1} on topic {topic}", "tags": [f"topic{topic % 7}", "bench"],
                    "text": text, "terms": terms, "options": options})
    return out


def _value(field: str, rng: random.Random) -> tuple[str, object]:
    if field == "level":
        return "name", rng.choice(LEVELS)
    if field == "count":
        return "number", rng.randrange(1000, 900_000)
    if field == "kind":
        return "name", rng.choice(KINDS)
    if field == "members":
        return "set", sorted(rng.sample(MEMBERS, 2))
    if field == "binding":
        return "bool", rng.choice((True, False))
    return "date", f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}"


def as_peace(clauses: list[dict]) -> str:
    def value(kind: str, raw: object) -> str:
        if kind == "set":
            return "[" + ", ".join(raw) + "]"  # type: ignore[arg-type]
        if kind == "bool":
            return "true" if raw else "false"
        return str(raw)

    out = ['proposal "Benchmark draft"', 'vocabulary "../vocab/bench.vocab"', "date 2025-12-01",
           "parties north, south", ""]
    for c in clauses:
        out.append(f'clause {c["id"]} "{c["title"]}" {{')
        out.append("  tags " + ", ".join(c["tags"]))
        out.append('  text """\n' + "\n".join("    " + line for line in c["text"].split("\n")) + '\n  """')
        out += [f"  {path} = {value(*v)}" for path, v in c["terms"].items()]
        for o in c["options"]:
            terms = " ".join(f"{path} = {value(*v)}" for path, v in o["terms"].items())
            out.append(f'  option {o["id"]} "{o["title"]}" {{ {terms} }}')
        out.append("}")
    return "\n".join(out) + "\n"


def as_toml(clauses: list[dict]) -> str:
    def value(kind: str, raw: object) -> str:
        if kind == "set":
            return "[" + ", ".join(f'"{m}"' for m in raw) + "]"  # type: ignore[union-attr]
        if kind == "bool":
            return "true" if raw else "false"
        if kind == "name":
            return f'"{raw}"'
        return str(raw)  # numbers and dates are TOML literals too

    out = ['title = "Benchmark draft"', 'vocabulary = "../vocab/bench.vocab"', "date = 2025-12-01",
           'parties = ["north", "south"]', ""]
    for c in clauses:
        out += ["[[clause]]", f'id = "{c["id"]}"', f'title = "{c["title"]}"',
                "tags = [" + ", ".join(f'"{t}"' for t in c["tags"]) + "]",
                'text = """\n' + "\n".join("    " + line for line in c["text"].split("\n")) + '\n  """']
        out += ["[clause.terms]"] + [f'"{path}" = {value(*v)}' for path, v in c["terms"].items()]
        for o in c["options"]:
            terms = ", ".join(f'"{path}" = {value(*v)}' for path, v in o["terms"].items())
            out += ["[[clause.option]]", f'id = "{o["id"]}"', f'title = "{o["title"]}"', f"terms = {{ {terms} }}"]
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------ timing
def median_cpu(function, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return statistics.median(times)


def measure(clauses: int, rounds: int) -> list[tuple[str, float, int]]:
    import tomllib

    from peacecheck.dsl.diagnostics import DiagnosticSink
    from peacecheck.dsl.parser import parse_tree
    from peacecheck.dsl.scanner import FrontEnd, front_end, front_end_data, parse_models
    from peacecheck.dsl.transform import Builder

    data = draft(clauses)
    peace, toml = as_peace(data), as_toml(data)
    parsed = tomllib.loads(toml)
    assert len(parsed["clause"]) == clauses
    model = parse_models(peace, "bench.peace", DiagnosticSink())
    assert model is not None and len(model.clauses) == clauses, "the fast path fell back on the generated draft"
    bare = FrontEnd(front_end_data(), {name: _children for name in Builder._rules})
    front_end()
    del parsed, model  # each reader is timed with the same heap: nothing left over from these checks
    gc.collect()
    rows = [("tomllib", median_cpu(lambda: tomllib.loads(toml), rounds), len(toml.encode())),
            ("fast parse", median_cpu(lambda: bare.parse(peace, None), rounds), len(peace.encode())),
            ("fast models", median_cpu(lambda: parse_models(peace, "bench.peace", DiagnosticSink()), rounds),
             len(peace.encode())),
            ("lark parse", median_cpu(lambda: parse_tree(peace, "bench.peace"), rounds), len(peace.encode())),
            ("lark models", median_cpu(lambda: Builder("bench.peace", DiagnosticSink()).build(
                parse_tree(peace, "bench.peace")), rounds), len(peace.encode()))]
    return rows


def _children(builder, meta, children: list) -> list:
    return children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clauses", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", metavar="DIR", help="only write bench.peace and bench.toml to DIR")
    args = parser.parse_args()
    if args.write:
        data = draft(args.clauses)
        Path(args.write).mkdir(parents=True, exist_ok=True)
        (Path(args.write) / "bench.peace").write_text(as_peace(data), encoding="utf-8")
        (Path(args.write) / "bench.toml").write_text(as_toml(data), encoding="utf-8")
        return
    rows = measure(args.clauses, args.rounds)
    peer = rows[0][1]
    print(f"{args.clauses} clauses, median of {args.rounds} rounds (CPU seconds)")
    print(f"{'':<12} {'MB':>6} {'s':>7} {'MB/s':>6} {'x tomllib':>10}")
    for name, seconds, size in rows:
        print(f"{name:<12} {size / 1e6:>6.2f} {seconds:>7.3f} {size / 1e6 / seconds:>6.2f} {seconds / peer:>10.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
