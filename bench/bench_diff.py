"""Benchmark `peacecheck diff`: two generated drafts of 200 and 2,000 clauses, against difflib.HtmlDiff.

    python bench/bench_diff.py [--sizes 200 2000] [--seed 7] [--rounds 3] [--htmldiff-timeout 600] [--keep DIR]
    python bench/bench_diff.py --quick      # 800 and 2000 clauses, 3 rounds: the two goals of issue 12
    python bench/bench_diff.py --quick --page-sha   # also a SHA-256 of each size's page: before and after a speed-up

The drafts use the repository's vocabulary and red lines. The new draft renumbers most clauses
(drops and additions shift every later number), edits the words and terms of about one clause in
eight, splits some clauses, merges some points' sub-points, moves some clauses and drops and adds
a few. Each clause has 60-120 words of prose.

Timed (CPU time): parsing and checking both drafts (for context), then the diff's core as the CLI runs it:
alignment, redlines, term changes and verdict deltas (checker.diff.diff), and rendering the HTML
page. Python's difflib.HtmlDiff().make_file runs on the same prose (the concatenated clause texts,
wrapped at 88 columns as in a .peace file), in a child process with a time limit. The whole
`peacecheck diff OLD NEW -o diff.html` command (CPU seconds of the child process) is compared with
HtmlDiff().make_file on the two files' own lines. Medians of --rounds. Not a unit test.
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import random
import resource
import statistics
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

COMMON = [
    "the", "parties", "agree", "that", "shall", "be", "within", "days", "after", "signing", "of", "this",
    "agreement", "and", "its", "terms", "under", "international", "supervision", "all", "forces",
    "territory", "guarantee", "security", "ceasefire", "line", "contact", "commission", "joint", "working",
    "group", "humanitarian", "exchange", "reconstruction", "fund", "sanctions", "elections", "region",
    "oblast", "withdrawal", "zone", "monitoring", "mechanism", "parliament", "ratify", "law", "treaty",
    "protocol", "annex", "implementation", "schedule", "phase", "first", "second", "third", "each", "both",
    "any", "other", "further", "relevant",
]
VERBS = ["establish", "guarantee", "monitor", "review", "withdraw", "restore", "recognise", "finance", "verify",
         "suspend", "extend", "negotiate", "ratify", "implement", "deploy", "return", "exchange", "lift"]
ADJECTIVES = ["permanent", "temporary", "joint", "neutral", "binding", "phased", "independent", "regional",
              "demilitarised", "humanitarian", "economic", "maritime", "nuclear", "civilian", "military"]
AMOUNTS = ["600,000", "800,000", "$100bn", "$800bn", "50%", "100 days", "15 years", "33/33/33", "50:50"]


def pseudo_words(rng: random.Random, n: int) -> list[str]:
    """Names of places, bodies and things: rarer words that give each clause its topic."""
    syllables = ["ka", "ro", "vel", "dan", "mir", "ost", "ur", "sel", "tav", "ne", "lin", "gor", "bra", "zi",
                 "pol", "ter", "hal", "mun", "sk", "ev", "ar", "ob", "lut", "ny"]
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(out)


class Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names = pseudo_words(rng, 2500)

    def topic(self) -> list[str]:
        return self.rng.sample(self.names, 6)

    def sentence(self, topic: list[str]) -> str:
        r = self.rng
        words = [r.choice(COMMON) for _ in range(r.randint(4, 9))]
        words[r.randrange(len(words))] = r.choice(VERBS)
        words.insert(r.randrange(len(words)), r.choice(ADJECTIVES))
        for _ in range(r.randint(1, 3)):
            words.insert(r.randrange(len(words)), r.choice(topic).capitalize())
        if r.random() < 0.3:
            words.insert(r.randrange(len(words)), r.choice(AMOUNTS))
        text = " ".join(words)
        return text[0].upper() + text[1:] + r.choice([".", ".", ".", ";", ","]) .replace(";", ".").replace(",", ".")

    def prose(self, topic: list[str], words: int) -> str:
        out: list[str] = []
        while sum(len(s.split()) for s in out) < words:
            out.append(self.sentence(topic))
        return " ".join(out)


def term_pool(vocabulary) -> list[tuple[str, list[str]]]:
    """Each term with a few values it may take, written in the language's syntax."""
    pool = []
    for path, term in vocabulary.terms.items():
        t = term.type
        if t.kind in ("enum", "scale"):
            values = list(t.values)
        elif t.kind == "bool":
            values = ["true", "false"]
        elif t.kind == "number":
            values = ["100", "600_000", "800_000", "50", "15"]
        elif t.kind == "set":
            values = ["[" + ", ".join(t.values[:k]) + "]" for k in range(1, min(3, len(t.values)) + 1)]
        elif t.kind == "date":
            values = ["2026-01-01", "2026-06-30"]
        else:
            values = ['"as agreed"', '"to be settled"']
        pool.append((path, values))
    return pool


class Clause:
    def __init__(self, cid: str, title: str, text: str, terms: dict[str, str], tags: list[str],
                 origin: tuple[str, ...] = ()):
        self.id, self.title, self.text, self.terms, self.tags = cid, title, text, terms, tags
        self.origin = origin  # the old clauses this one came from (the truth the alignment should find)

    def copy(self) -> Clause:
        return Clause(self.id, self.title, self.text, dict(self.terms), list(self.tags), self.origin)

    def source(self) -> str:
        body = textwrap.fill(self.text, 88, initial_indent="    ", subsequent_indent="    ")
        terms = "".join(f"  {p} = {v}\n" for p, v in self.terms.items())
        tags = f"  tags {', '.join(self.tags)}\n" if self.tags else ""
        title = self.title.replace('"', "'")
        return f'clause {self.id} "{title}" {{\n{tags}  text """\n{body}\n  """\n{terms}}}\n'


def old_draft(size: int, w: Writer, pool, rng: random.Random) -> list[Clause]:
    clauses: list[Clause] = []
    point = 0
    while len(clauses) < size:
        point += 1
        subs = ["a", "b", "c"] if rng.random() < 0.04 and size - len(clauses) >= 3 else [""]
        for sub in subs:
            clause = new_clause(f"{point}.{sub}" if sub else str(point), w, pool, rng)
            clause.origin = (clause.id,)
            clauses.append(clause)
    return clauses


def new_clause(cid: str, w: Writer, pool, rng: random.Random) -> Clause:
    topic = w.topic()
    title = " ".join([rng.choice(ADJECTIVES).capitalize(), topic[0].capitalize(), rng.choice(COMMON),
                      topic[1].capitalize()])
    terms = {}
    for path, values in rng.sample(pool, rng.randint(1, 3)):
        terms[path] = rng.choice(values)
    tags = sorted({path.split(".")[0] for path in terms})
    return Clause(cid, title, w.prose(topic, rng.randint(60, 120)), terms, tags)


def edit(clause: Clause, w: Writer, pool, rng: random.Random) -> Clause:
    out = clause.copy()
    words = out.text.split()
    for _ in range(max(1, len(words) // 10)):
        i = rng.randrange(len(words))
        action = rng.random()
        if action < 0.4:
            words[i] = rng.choice(AMOUNTS + VERBS + ADJECTIVES)
        elif action < 0.7:
            words.insert(i, rng.choice(COMMON))
        elif len(words) > 20:
            del words[i]
    out.text = " ".join(words)
    if out.terms and rng.random() < 0.7:
        path = rng.choice(sorted(out.terms))
        values = dict(pool)[path]
        out.terms[path] = rng.choice(values)
    if rng.random() < 0.3:
        out.title = out.title + " " + rng.choice(ADJECTIVES)
    return out


def split(clause: Clause) -> list[Clause]:
    sentences = clause.text.split(". ")
    half = max(1, len(sentences) // 2)
    paths = sorted(clause.terms)
    first = Clause("", clause.title, ". ".join(sentences[:half]) + ".", {p: clause.terms[p] for p in paths[::2]},
                   clause.tags, clause.origin)
    second = Clause("", clause.title + " (continued)", ". ".join(sentences[half:]),
                    {p: clause.terms[p] for p in paths[1::2]}, clause.tags, clause.origin)
    return [first, second]


def merge(group: list[Clause]) -> Clause:
    terms: dict[str, str] = {}
    for c in group:
        terms.update(c.terms)
    return Clause("", group[0].title, " ".join(c.text for c in group), terms, sorted({t for c in group for t in c.tags}),
                  tuple(i for c in group for i in c.origin))


def new_draft(old: list[Clause], w: Writer, pool, rng: random.Random) -> list[Clause]:
    out: list[Clause] = []
    i = 0
    while i < len(old):
        c = old[i]
        family = c.id.split(".")[0]
        group = [x for x in old[i:i + 3] if x.id.split(".")[0] == family and "." in x.id]
        roll = rng.random()
        if len(group) == 3 and roll < 0.5:
            out.append(merge(group))
            i += 3
            continue
        i += 1
        if roll < 0.03:
            continue  # dropped
        if roll < 0.05:
            out.extend(split(c))
        elif roll < 0.17:
            out.append(edit(c, w, pool, rng))
        else:
            out.append(c.copy())
        if rng.random() < 0.03:
            out.append(new_clause("", w, pool, rng))  # added: no origin
    for _ in range(len(out) // 50):  # a few clauses move
        a, b = rng.randrange(len(out)), rng.randrange(len(out))
        out[a], out[b] = out[b], out[a]
    for n, c in enumerate(out, 1):  # renumbered from top to bottom
        c.id = str(n)
    return out


def write_draft(path: Path, title: str, clauses: list[Clause]) -> None:
    head = f'proposal "{title}"\nvocabulary "../vocab/russia-ukraine.vocab"\nparties ukraine, russia\n\n'
    path.write_text(head + "\n".join(c.source() for c in clauses), encoding="utf-8")


# ------------------------------------------------------------------ timing
def timed(fn, *args, repeat: int = 1):
    """Median CPU time of `repeat` runs (CPU time, so other processes on the machine skew it less)."""
    times, value = [], None
    for _ in range(repeat):
        start = time.process_time()
        value = fn(*args)
        times.append(time.process_time() - start)
    return statistics.median(times), value


def _htmldiff(old_lines: list[str], new_lines: list[str], queue) -> None:
    import difflib

    start = time.process_time()
    page = difflib.HtmlDiff().make_file(old_lines, new_lines)
    queue.put((time.process_time() - start, len(page)))


def htmldiff_seconds(old_lines: list[str], new_lines: list[str], limit: float, rounds: int = 1
                     ) -> tuple[float | None, int]:
    """Median CPU seconds of difflib.HtmlDiff().make_file in a child process (None: over `limit`)."""
    times, size = [], 0
    for _ in range(rounds):
        queue = multiprocessing.Queue()
        child = multiprocessing.Process(target=_htmldiff, args=(old_lines, new_lines, queue))
        child.start()
        child.join(limit)
        if child.is_alive():
            child.terminate()
            child.join()
            return None, 0
        seconds, size = queue.get()
        times.append(seconds)
    return statistics.median(times), size


def command_seconds(args: list[str], cwd: Path, rounds: int) -> float:
    """Median user + system CPU seconds of a whole `peacecheck` process."""
    times = []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=cwd, capture_output=True,
                              text=True, check=False, env={**os.environ, "NO_COLOR": "1"})
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert done.returncode == 0, done.stderr
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def lines_of(proposal) -> list[str]:
    out = []
    for c in proposal.clauses:
        out.append(f"{c.id} {c.title}")
        out.extend(textwrap.wrap(" ".join(c.text.split()), 88))
    return out


def bench(size: int, seed: int, folder: Path, limit: float, rounds: int = 3, with_command: bool = True) -> dict:
    from peacecheck.checker.diff import align, diff
    from peacecheck.checker.evaluation.evaluate import check
    from peacecheck.checker.files import DiskLoader, load_inputs
    from peacecheck.checker.reports.diff_html import render

    rng = random.Random(seed * 1000 + size)
    w = Writer(rng)
    project = folder / f"n{size}"
    (project / "proposals").mkdir(parents=True)
    shutil.copytree(REPO / "vocab", project / "vocab")
    shutil.copytree(REPO / "redlines", project / "redlines")
    loaded = load_inputs(REPO / "proposals" / "miami.peace", [REPO / "redlines"], DiskLoader(REPO))
    pool = term_pool(loaded.vocabulary)
    old = old_draft(size, w, pool, rng)
    new = new_draft(old, w, pool, rng)
    write_draft(project / "proposals" / "old.peace", f"Generated draft, {size} clauses", old)
    write_draft(project / "proposals" / "new.peace", f"Generated draft, {size} clauses, revised", new)

    t_parse, (a, b) = timed(lambda: tuple(load_inputs(project / "proposals" / f"{n}.peace", [project / "redlines"],
                                                      DiskLoader(project)) for n in ("old", "new")))
    t_check, (ca, cb) = timed(lambda: (check(a.proposal, b.vocabulary, b.redlines),
                                       check(b.proposal, b.vocabulary, b.redlines)))
    t_align, alignment = timed(align, a.proposal, b.proposal)
    t_diff, result = timed(diff, ca, cb)
    t_html, page = timed(render, result)
    t_core, _ = timed(lambda: render(diff(ca, cb)), repeat=rounds)
    words = sum(len(c.text.split()) for c in a.proposal.clauses)
    old_lines, new_lines = lines_of(a.proposal), lines_of(b.proposal)
    t_ref, ref_size = htmldiff_seconds(old_lines, new_lines, limit, rounds)
    t_ref_files = t_cli = None
    if with_command:
        files = [(project / "proposals" / f"{n}.peace").read_text(encoding="utf-8").splitlines()
                 for n in ("old", "new")]
        t_ref_files, _ = htmldiff_seconds(files[0], files[1], limit, rounds)
        args = ["diff", "proposals/old.peace", "proposals/new.peace", "-o", str(project / "diff.html")]
        command_seconds(args, project, 1)  # once to warm bytecode and the parsed-file cache, as a user's second run
        t_cli = command_seconds(args, project, rounds)
    methods: dict[str, int] = {}
    for mt in alignment.matches:
        methods[mt.method] = methods.get(mt.method, 0) + 1
    truth = {(o, c.id) for c in new for o in c.origin}
    found = {(a.proposal.clauses[i].id, b.proposal.clauses[j].id) for mt in alignment.matches for i in mt.old
             for j in mt.new}
    precision = len(found & truth) / max(1, len(found))
    recall = len(found & truth) / max(1, len(truth))
    # The page names the drafts' files, which live in a temporary folder: hashed without it, so the digest
    # of one seed and size is the same on every run and changes only if the diff's output does.
    page_sha = hashlib.sha256(page.replace(str(project), "<project>").encode()).hexdigest()
    return {"size": size, "page_sha": page_sha, "old": len(a.proposal.clauses), "new": len(b.proposal.clauses), "words": words,
            "lines": len(old_lines) + len(new_lines), "parse": t_parse, "check": t_check, "align": t_align,
            "diff": t_diff, "html": t_html, "core": t_core, "page_kb": len(page.encode()) // 1024,
            "htmldiff": t_ref, "htmldiff_kb": ref_size // 1024, "cli": t_cli, "htmldiff_files": t_ref_files,
            "methods": methods,
            "added": len(alignment.added), "dropped": len(alignment.dropped), "precision": precision,
            "recall": recall, "true_added": sum(1 for c in new if not c.origin),
            "true_dropped": len({c.id for c in old} - {o for c in new for o in c.origin})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--htmldiff-timeout", type=float, default=600.0)
    parser.add_argument("--keep", type=Path, help="Write the generated drafts here and keep them.")
    parser.add_argument("--quick", action="store_true", help="--sizes 800 2000 --rounds 3")
    parser.add_argument("--page-sha", action="store_true",
                        help="Print a SHA-256 of each size's HTML page (a speed-up must leave it unchanged).")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rounds = [800, 2000], 3
    folder = args.keep or Path(tempfile.mkdtemp(prefix="peacecheck-bench-"))
    try:
        # --quick times the whole command at 800 only (the goal's size): it costs several seconds a round
        rows = [bench(size, args.seed, folder, args.htmldiff_timeout, args.rounds, not args.quick or size <= 800)
                for size in args.sizes]
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{'clauses old/new':>16} {'words':>7} {'parse':>7} {'check':>7} {'align':>7} {'diff':>7} {'html':>7} "
          f"{'core':>7} {'page':>7} {'HtmlDiff':>9} {'ratio':>7} {'CLI':>7} {'HD files':>9} {'ratio':>7}")
    for r in rows:
        ref = f"{r['htmldiff']:.2f}s" if r["htmldiff"] is not None else f">{args.htmldiff_timeout:.0f}s"
        ratio = f"{r['htmldiff'] / r['core']:.1f}x" if r["htmldiff"] is not None else f">{args.htmldiff_timeout / r['core']:.0f}x"
        files = r["htmldiff_files"]
        cli_ratio = f"{files / r['cli']:.2f}x" if files is not None else "-"
        cli = f"{r['cli']:.2f}s" if r["cli"] is not None else "-"
        print(f"{r['old']:>7}/{r['new']:<8} {r['words']:>7} {r['parse']:>6.2f}s {r['check']:>6.2f}s "
              f"{r['align']:>6.2f}s {r['diff']:>6.2f}s {r['html']:>6.2f}s {r['core']:>6.2f}s {r['page_kb']:>5}kB "
              f"{ref:>9} {ratio:>7} {cli:>7} {(f'{files:.2f}s' if files else '-'):>9} {cli_ratio:>7}")
    print(f"CPU seconds, median of {args.rounds} rounds. core = diff (alignment, redlines, term changes, verdict")
    print("deltas) + HTML rendering; ratio = HtmlDiff / core (HtmlDiff on the clause titles and texts). CLI = CPU of")
    print("the whole `peacecheck diff -o diff.html` process (start-up, parsing and checking both drafts, core,")
    print("writing); HD files = HtmlDiff().make_file on the two files' lines; its ratio = HD files / CLI.")
    for r in rows:
        print(f"n={r['size']}: matches by method {dict(sorted(r['methods'].items()))}, "
              f"{r['added']} added ({r['true_added']} true), {r['dropped']} dropped ({r['true_dropped']} true); "
              f"clause links precision {r['precision']:.3f}, recall {r['recall']:.3f}; "
              f"HtmlDiff page {r['htmldiff_kb']} kB")
    if args.page_sha:
        for r in rows:
            print(f"page sha256, {r['size']} clauses (seed {args.seed}): {r['page_sha']}")
    print()
    for r in rows:
        if r["htmldiff"] is not None:
            print(f"RESULT diff core + page vs HtmlDiff, {r['size']} clauses: {r['htmldiff'] / r['core']:.2f}x faster "
                  "(goal >= 10x at 2000)")
        if r["htmldiff_files"] is not None:
            print(f"RESULT diff command vs HtmlDiff on the files, {r['size']} clauses: "
                  f"{r['htmldiff_files'] / r['cli']:.2f}x faster (goal >= 3x at 800)")
        print(f"RESULT diff alignment precision / recall, {r['size']} clauses: {r['precision']:.3f} / "
              f"{r['recall']:.3f} (goal >= 0.99)")


if __name__ == "__main__":
    main()
