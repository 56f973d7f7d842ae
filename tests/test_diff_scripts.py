"""Diffs in any script (issue 11, part 6): the same edit aligns and redlines alike in English, Ukrainian,
Russian, Arabic, Hebrew and Chinese; a merge with changed numbers is a merge; a party whose objection
was replaced by another is not 'no change'; tables pad by display width."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacecheck.checker.diff import align, diff, redline, side, tokenize
from peacecheck.checker.diff.redline import normalise
from peacecheck.checker.diff.text import Stems, content_words
from peacecheck.checker.evaluation.evaluate import check
from peacecheck.checker.files import DiskLoader, load_inputs
from peacecheck.checker.reports.diff_html import render as render_html
from peacecheck.checker.reports.diff_text import render_json, render_text
from peacecheck.checker.reports.width import cut, display_width, pad

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "diff"

# Four clauses in each language: A ceasefire, B prisoners, C elections, D reconstruction; E (new) shipping.
# The edit: C's 'parliamentary' becomes 'local' (one word). No terms, so only the words can align them.
TEXTS = {
    "en": {
        "A": ("Ceasefire along the line of contact", "A full ceasefire takes effect along the current line of contact "
              "within seventy-two hours of signature, monitored by an international mission."),
        "B": ("Exchange of prisoners", "All prisoners of war and detained civilians are exchanged on an all-for-all "
              "basis, and the remains of the dead are returned to their families."),
        "C": ("Elections", "Presidential and parliamentary elections are held within one hundred days after the "
              "ceasefire, under international observation."),
        "D": ("Reconstruction fund", "A reconstruction fund is established from frozen assets to rebuild housing, "
              "schools and hospitals."),
        "E": ("Free navigation", "Commercial ships sail freely through the Black Sea and the Sea of Azov, and the "
              "ports reopen for grain exports."),
        "edit": ("parliamentary", "local"),
    },
    "uk": {
        "A": ("Припинення вогню вздовж лінії зіткнення", "Повне припинення вогню набуває чинності вздовж нинішньої "
              "лінії зіткнення протягом сімдесяти двох годин після підписання під наглядом міжнародної місії."),
        "B": ("Обмін полоненими", "Усі військовополонені та затримані цивільні особи обмінюються за принципом всіх "
              "на всіх, а тіла загиблих повертаються їхнім родинам."),
        "C": ("Вибори", "Президентські та парламентські вибори проводяться протягом ста днів після припинення "
              "вогню під міжнародним спостереженням."),
        "D": ("Фонд відбудови", "Створюється фонд відбудови із заморожених активів для відновлення житла, шкіл і "
              "лікарень."),
        "E": ("Вільне судноплавство", "Торговельні судна вільно ходять Чорним та Азовським морями, а порти знову "
              "відкриваються для експорту зерна."),
        "edit": ("парламентські", "місцеві"),
    },
    "ru": {
        "A": ("Прекращение огня вдоль линии соприкосновения", "Полное прекращение огня вступает в силу вдоль "
              "нынешней линии соприкосновения в течение семидесяти двух часов после подписания под наблюдением "
              "международной миссии."),
        "B": ("Обмен пленными", "Все военнопленные и задержанные гражданские лица обмениваются по принципу всех на "
              "всех, а тела погибших возвращаются их семьям."),
        "C": ("Выборы", "Президентские и парламентские выборы проводятся в течение ста дней после прекращения огня "
              "под международным наблюдением."),
        "D": ("Фонд восстановления", "Создаётся фонд восстановления из замороженных активов для строительства "
              "жилья, школ и больниц."),
        "E": ("Свободное судоходство", "Торговые суда свободно ходят по Чёрному и Азовскому морям, а порты вновь "
              "открываются для экспорта зерна."),
        "edit": ("парламентские", "местные"),
    },
    "ar": {
        "A": ("وقف إطلاق النار على طول خط التماس", "يدخل وقف شامل لإطلاق النار حيز التنفيذ على طول خط التماس "
              "الحالي خلال اثنتين وسبعين ساعة من التوقيع، تحت إشراف بعثة دولية."),
        "B": ("تبادل الأسرى", "يتم تبادل جميع أسرى الحرب والمدنيين المحتجزين على أساس الكل مقابل الكل، وتُعاد "
              "رفات القتلى إلى عائلاتهم."),
        "C": ("الانتخابات", "تُجرى الانتخابات الرئاسية والبرلمانية في غضون مئة يوم بعد وقف إطلاق النار، تحت رقابة "
              "دولية."),
        "D": ("صندوق إعادة الإعمار", "يُنشأ صندوق لإعادة الإعمار من الأصول المجمدة لإعادة بناء المساكن والمدارس "
              "والمستشفيات."),
        "E": ("حرية الملاحة", "تبحر السفن التجارية بحرية في البحر الأسود وبحر آزوف، وتُعاد فتح الموانئ لتصدير "
              "الحبوب."),
        "edit": ("والبرلمانية", "والمحلية"),
    },
    "he": {
        "A": ("הפסקת אש לאורך קו המגע", "הפסקת אש מלאה נכנסת לתוקף לאורך קו המגע הנוכחי בתוך שבעים ושתיים שעות "
              "מהחתימה, בפיקוח משלחת בינלאומית."),
        "B": ("חילופי שבויים", "כל שבויי המלחמה והאזרחים העצורים מוחלפים על בסיס כולם תמורת כולם, וגופות "
              "ההרוגים מוחזרות למשפחותיהם."),
        "C": ("בחירות", "בחירות לנשיאות ולפרלמנט מתקיימות בתוך מאה ימים לאחר הפסקת האש, בפיקוח בינלאומי."),
        "D": ("קרן שיקום", "קרן שיקום מוקמת מנכסים מוקפאים לבנייה מחדש של בתים, בתי ספר ובתי חולים."),
        "E": ("חופש שיט", "ספינות מסחר שטות בחופשיות בים השחור ובים אזוב, והנמלים נפתחים מחדש לייצוא תבואה."),
        "edit": ("ולפרלמנט", "ולמועצות"),
    },
    "zh": {
        "A": ("沿接触线停火", "全面停火在签署后七十二小时内沿当前接触线生效，由国际特派团监督。"),
        "B": ("交换战俘", "所有战俘和被拘留的平民按照全部交换全部的原则进行交换，死者遗体归还其家属。"),
        "C": ("选举", "总统和议会选举在停火后一百天内举行，并接受国际观察。"),
        "D": ("重建基金", "利用冻结资产设立重建基金，用于重建住房、学校和医院。"),
        "E": ("自由航行", "商船在黑海和亚速海自由航行，港口重新开放以出口粮食。"),
        "edit": ("议会", "地方"),
    },
}


def clause(cid: str, title: str, text: str, terms: str = "") -> str:
    return f'clause {cid} "{title}" {{\n  text """\n    {text}\n  """\n{terms}}}\n\n'


def project(tmp_path: Path, old: str, new: str):
    """Two drafts (clause sources) in a project with the diff fixture's vocabulary and red lines: checked."""
    shutil.copytree(FIXTURES / "vocab", tmp_path / "vocab")
    shutil.copytree(FIXTURES / "redlines", tmp_path / "redlines")
    (tmp_path / "proposals").mkdir()
    head = 'proposal "{}"\nvocabulary "../vocab/diff.vocab"\nparties north, south\n\n'
    results = []
    for name, body in (("old", old), ("new", new)):
        path = tmp_path / "proposals" / f"{name}.peace"
        path.write_text(head.format(name) + body, encoding="utf-8")
        loaded = load_inputs(path, [tmp_path / "redlines"], DiskLoader(tmp_path))
        results.append(check(loaded.proposal, loaded.vocabulary, loaded.redlines))
    return results


def language_drafts(lang: str) -> tuple[str, str]:
    """Old: 1 A, 2 B, 3 C, 4 D. New: 1 C (edited), 2 A, 3 B, 4 E (D dropped, E added, all renumbered)."""
    t = TEXTS[lang]
    before, after = t["edit"]
    edited = (t["C"][0], t["C"][1].replace(before, after))
    assert edited[1] != t["C"][1]
    old = "".join(clause(str(n), *t[k]) for n, k in enumerate("ABCD", 1))
    new = "".join(clause(str(n), *c) for n, c in enumerate([edited, t["A"], t["B"], t["E"]], 1))
    return old, new


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_the_same_edit_aligns_in_every_script(lang, tmp_path):
    old, new = project(tmp_path, *language_drafts(lang))
    result = diff(old, new)
    pairs = {(d.old_ids, d.new_ids): d.method for d in result.pairs}
    assert pairs == {(("3",), ("1",)): "content", (("1",), ("2",)): "content", (("2",), ("3",)): "content"}
    assert [d.old_ids for d in result.dropped] == [("4",)]
    assert [d.new_ids for d in result.added] == [("4",)]


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_the_redline_touches_only_the_edited_word(lang, tmp_path):
    old, new = project(tmp_path, *language_drafts(lang))
    edited = next(d for d in diff(old, new).pairs if d.new_ids == ("1",))
    before, after = TEXTS[lang]["edit"]
    changes = [(s.op, s.text.strip()) for s in edited.redline if s.op != "equal"]
    assert changes == [("delete", before), ("insert", after)]
    assert "".join(s.text for s in side(edited.redline, "new")) == normalise(edited.new_text)


@pytest.mark.parametrize("word", ["كَتَبَ", "हिन्दी", "שָׁלוֹם", "Україна's", "café", "Article-5-like"])
def test_words_keep_their_combining_marks(word):
    assert [t for _, t in tokenize(f"({word}).")] == ["(", word, ")", "."]


def test_ideographs_are_tokens_of_their_own_and_numbers_stay_whole():
    assert [t for _, t in tokenize("总统和议会选举在一百天内")][:3] == ["总", "统", "和"]
    assert [t for _, t in tokenize("капітал 100млрд і ١٢٬٠٠٠ осіб")] == ["капітал", "100млрд", "і", "١٢٬٠٠٠", "осіб"]
    assert redline("总统和议会选举", "总统和地方选举") == (
        redline("总统和议会选举", "总统和议会选举")[0].__class__("equal", "总统和"),
        *redline("总统和议会选举", "总统和地方选举")[1:])
    assert [s.op for s in redline("总统和议会选举", "总统和地方选举")] == ["equal", "delete", "insert", "equal"]


def test_similarity_words_of_other_scripts():
    stems = Stems()
    assert content_words("Україна та України", stems) == ["україн", "та", "україн"]
    assert content_words("الانتخابات والانتخابات", stems)[0] == content_words("والانتخابات", stems)[0]
    assert content_words("总统选举", stems) == ["总统", "统选", "选举"]
    assert content_words("Recognised recognized recognition", stems) == ["recogn"] * 3


# ------------------------------------------------------------------ a merge whose numbers changed
MERGE_OLD = (clause("1", "Sovereignty confirmed", "The agreement confirms that Northland is a sovereign state.",
                    "  sovereignty.affirmed = true\n")
             + clause("2", "Armed forces in peacetime", "Northland keeps its armed forces in peacetime at a level "
                      "agreed with its partners, and the ceiling applies in peacetime and in war.",
                      "  army.scope = always\n")
             + clause("3", "A ceiling of 12,000", "The ceiling is 12,000.", "  army.cap = 12_000\n")
             + clause("4", "Elections", "Elections are held within one hundred days.", "  elections.days = 100\n"))
MERGE_NEW = (clause("1", "Armed forces in peacetime", "Northland keeps its armed forces in peacetime at a level "
                    "agreed with its partners, and the ceiling applies in peacetime and in war. The ceiling is 9,000.",
                    "  army.scope = always\n  army.cap = 9_000\n")
             + clause("2", "Sovereignty confirmed", "The agreement confirms that Northland is a sovereign state.",
                      "  sovereignty.affirmed = true\n")
             + clause("3", "Elections", "Elections are held within one hundred days.", "  elections.days = 100\n"))


def test_a_merge_with_changed_numbers_is_a_merge_with_the_value_changed(tmp_path):
    result = diff(*project(tmp_path, MERGE_OLD, MERGE_NEW))
    merged = next(d for d in result.pairs if d.new_ids == ("1",))
    assert (merged.old_ids, merged.method) == (("2", "3"), "merged")
    assert [(t.path, t.kind, [v.value for v in t.before], [v.value for v in t.after]) for t in merged.terms] == [
        ("army.cap", "changed", ["12000"], ["9000"])]
    assert not result.dropped and not result.added
    assert "term changed: army.cap: 12000 -> 9000" in render_text(result)


# ------------------------------------------------------------------ one objection replaced by another
SWAP_OLD = (clause("1", "The north", "The northern region is recognised.", "  territory.north = recognized\n")
            + clause("2", "Elections", "Elections within a year.", "  elections.days = 365\n"))
SWAP_NEW = (clause("1", "The north", "The northern region is recognised.", "  withdrawal.east = true\n")
            + clause("2", "Elections", "Elections within a year.", "  elections.days = 365\n"))


def test_a_replaced_objection_is_a_change_not_no_change(tmp_path):
    result = diff(*project(tmp_path, SWAP_OLD, SWAP_NEW))
    north = next(s for s in result.summary if s.party == "north")
    assert (north.before["reject"], north.after["reject"]) == (1, 1)
    assert north.trend == "changed"
    assert [(m.label, m.before, m.after) for m in north.shifted] == [("1 -> 1", "reject", "reject")]
    pair = result.pairs[0]
    rules = {(r.rule, r.change) for v in pair.verdicts if v.party == "north" for r in v.rules}
    assert rules == {("N-TERR-1", "resolved"), ("N-TERR-2", "new")}
    page = render_html(result)
    card = page[page.index('data-party="north"'):page.index("</article>", page.index('data-party="north"'))]
    assert "no change" not in card and "changed, same count" in card
    assert '"trend": "changed"' in render_json(result)
    south = next(s for s in result.summary if s.party == "south")
    assert south.trend == "unchanged" and not south.shifted


# ------------------------------------------------------------------ spacing and display width
SPACED = st.lists(st.sampled_from(["word", "слово", "كلمة", "字", ".", " ", "\t", "\n", "\n\n", " \n \n", "\r",
                                   "\u00a0", "600,000"]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(SPACED)
def test_normalise_is_what_joining_the_tokens_gives(text):
    assert normalise(text) == "".join(lead + token for lead, token in tokenize(text))


def test_display_width_pads_wide_and_combining_characters():
    assert display_width("中文标题") == 8 and display_width("Україна") == 7 and display_width("e\u0301") == 1
    assert display_width("👍 yes") == 6
    rows = [pad(title, 12) + "|" for title in ("Elections", "选举", "Вибори", "👍 ok")]
    assert {display_width(r) for r in rows} == {13}
    assert cut("中文标题", 5) == "中文…" and display_width(cut("中文标题", 5)) <= 5
    assert cut("short", 10) == "short"


def test_align_needs_no_ascii(tmp_path):
    old, new = project(tmp_path, *language_drafts("uk"))
    alignment = align(old.proposal, new.proposal)
    assert len(alignment.matches) == 3 and len(alignment.added) == 1 and len(alignment.dropped) == 1


def test_the_check_table_keeps_its_columns_with_wide_titles(tmp_path):
    import os
    import subprocess
    import sys

    body = (clause("1", "选举在一百天内举行", "Elections.", "  elections.days = 100\n")
            + clause("2", "👍 Army ceiling", "Army.", "  army.cap = 600_000\n")
            + clause("3", "Plain title", "Amnesty.", "  amnesty.full = true\n"))
    project(tmp_path, body, body)
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "proposals/new.peace"], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False)
    rows = [line for line in done.stdout.splitlines() if line[:1] in ("1", "2", "3", "C") and "concern" in line
            or line.startswith("Clause")]
    assert len(rows) == 4, done.stdout
    starts = {display_width(row[:row.index("north" if row.startswith("Clause") else "concern")]) for row in rows}
    assert len(starts) == 1, rows


_MIXED = st.text(alphabet=st.sampled_from(list("ab 's’-.,1$%:_\u0301كَتَبَ हिन्दी 中文字 Україна\u00a0\t\n\x1c\u2028ї")),
                 max_size=40)


@settings(max_examples=400, deadline=None)
@given(_MIXED)
def test_content_words_by_chunks_are_the_whole_texts(text: str):
    """content_words reads a text chunk by chunk (between whitespace, each distinct chunk once): the same
    words, in the same order, as scanning the whole text with its content pattern."""
    from itertools import chain

    from peacecheck.checker.diff.text import content_pattern

    stems = Stems()
    whole = list(chain.from_iterable(map(stems.__getitem__, content_pattern(text).findall(text))))
    assert content_words(text, Stems()) == whole
