"""`/ask` retrieval: ranking measured on question -> paragraph pairs, and its rules."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from bot.quiz.loader import SourceCache, load_quiz
from bot.quiz.quotes import SourceText
from bot.quiz.retrieval import (
    NOT_FOUND,
    PASSAGE_LIMIT,
    Answer,
    Passage,
    SourceIndex,
    quiz_notes,
    render,
    render_passage,
    sentence_spans,
    terms,
)
from tests.shipped import icc_loaded

from .conftest import BASE, variant

PAIRS_FILE = Path(__file__).with_name("ask_pairs.yaml")
TITLE = "Israel in talks with ICC over Gaza war inquiry"
# Floors under the measured rates (see the printed report): a regression fails the test.
RANK3_FLOOR = 0.80
RANK1_FLOOR = 0.75


@cache
def _pairs() -> tuple[Path, list[tuple[str, int | None]]]:
    data = yaml.safe_load(PAIRS_FILE.read_text(encoding="utf-8"))
    source = (PAIRS_FILE.parent / data["source"]).resolve()
    pairs = [
        (q["ask"], None if q["expected"] == "none" else int(q["expected"]))
        for q in data["questions"]
    ]
    return source, pairs


def _raw_source() -> str:
    return _pairs()[0].read_text(encoding="utf-8")


@cache
def _index() -> SourceIndex:
    return SourceIndex.build([("icc-gaza-2014", SourceText(_raw_source()), TITLE)])


ANSWERABLE = [(q, p) for q, p in _pairs()[1] if p is not None]
UNRELATED = [q for q, p in _pairs()[1] if p is None]


def test_the_pairs_meet_their_brief() -> None:
    paragraphs = SourceText(_raw_source()).paragraphs
    assert len(ANSWERABLE) >= 24
    assert len(UNRELATED) >= 8
    assert {p for _, p in ANSWERABLE} == {p.number for p in paragraphs}, "every paragraph"
    questions = [q for q, _ in _pairs()[1]]
    assert len(set(questions)) == len(questions), "no question twice"


def test_hit_rate_at_rank_1_and_rank_3(capsys: pytest.CaptureFixture[str]) -> None:
    index = _index()
    lines = []
    rank1 = rank3 = 0
    for question, expected in ANSWERABLE:
        got = [p.paragraph for p in index.ask(question, limit=3).passages]
        rank1 += got[:1] == [expected]
        rank3 += expected in got
        mark = "1" if got[:1] == [expected] else "3" if expected in got else "-"
        lines.append(f"  {mark} expected {expected:>2} got {got!s:<12} {question}")
    refused = sum(not index.ask(q).found for q in UNRELATED)
    n = len(ANSWERABLE)
    report = [
        "",
        "/ask retrieval over ask_pairs.yaml (1 = hit at rank 1, 3 = within the top 3):",
        *lines,
        f"hit rate at rank 1: {rank1}/{n} = {rank1 / n:.0%}",
        f"hit rate at rank 3: {rank3}/{n} = {rank3 / n:.0%}",
        f"unrelated questions answered 'the text does not say': {refused}/{len(UNRELATED)}",
    ]
    with capsys.disabled():  # shown without -s too: CI logs keep the rates
        print("\n".join(report))
    assert rank3 / n >= RANK3_FLOOR
    assert rank1 / n >= RANK1_FLOOR


@pytest.mark.parametrize("question", UNRELATED)
def test_unrelated_questions_are_not_answered(question: str) -> None:
    answer = _index().ask(question)
    assert answer.found is False
    assert answer.passages == ()
    assert render(answer) == NOT_FOUND


def test_passages_are_verbatim_and_stand_where_they_say() -> None:
    raw = _raw_source()
    paragraphs = SourceText(raw).paragraphs
    seen = 0
    for question, _ in ANSWERABLE:
        for passage in _index().ask(question, limit=5).passages:
            seen += 1
            assert passage.text in raw  # as written: curly quotes, spacing and all
            assert passage.text == passage.text.strip()
            assert passage.paragraph_text == paragraphs[passage.paragraph - 1].text
            assert passage.text in passage.paragraph_text
            start, end = passage.focus
            assert passage.paragraph_text[start:end] in passage.text
            assert passage.source_title == TITLE
            assert passage.source_key == "icc-gaza-2014"
    assert seen > len(ANSWERABLE)


def test_no_paragraph_is_listed_twice() -> None:
    for question, _ in ANSWERABLE:
        numbers = [p.paragraph for p in _index().ask(question, limit=13).passages]
        assert len(numbers) == len(set(numbers)), question


def test_only_passages_holding_a_question_word_are_listed() -> None:
    answer = _index().ask("How many soldiers?", limit=13)
    assert [p.paragraph for p in answer.passages] == [6]


def test_scores_are_best_first() -> None:
    for question, _ in ANSWERABLE:
        scores = [p.score for p in _index().ask(question, limit=13).passages]
        assert scores == sorted(scores, reverse=True), question


def test_a_sentence_is_quoted_rather_than_its_paragraph() -> None:
    # Paragraph 6 has two sentences; the soldiers are in the second only.
    top = _index().ask("How many Israeli soldiers were killed?").passages[0]
    assert top.paragraph == 6
    assert not top.is_whole_paragraph
    assert top.text == "Israel put the number of its dead at 67 soldiers and six civilians."


def test_the_paragraph_is_quoted_when_the_answer_spans_its_sentences() -> None:
    source = SourceText("Alpha met Beta in Paris. Gamma stayed in Rome.\n\nDelta flew to Oslo.")
    index = SourceIndex.build([("k", source, "T")])
    spread = index.ask("Did Alpha and Gamma travel?").passages[0]
    assert spread.is_whole_paragraph
    assert spread.text == "Alpha met Beta in Paris. Gamma stayed in Rome."
    one = index.ask("Whom did Alpha meet in Paris?").passages[0]
    assert one.text == "Alpha met Beta in Paris."


@pytest.mark.parametrize(
    ("question", "paragraphs", "name"),
    [
        # The misspelt name is the only word that can find these.
        ("Who is Bensuda?", {4, 13}, "Bensouda"),
        ("What did Bensoda say?", {4, 13}, "Bensouda"),
        ("Liberman?", {9}, "Lieberman"),
        ("Who is Leiberman?", {9}, "Lieberman"),
        ("bensouda", {4, 13}, "Bensouda"),  # lower case, spelt right
    ],
)
def test_misspelt_names_find_the_name(question: str, paragraphs: set[int], name: str) -> None:
    answer = _index().ask(question)
    assert answer.found
    assert answer.passages[0].paragraph in paragraphs
    assert name in answer.passages[0].text


def test_a_misspelt_name_counts_by_its_similarity() -> None:
    query = _index().query_terms("Bensuda")
    assert set(query) == {"bensuda"}
    assert 0.85 <= query["bensuda"]["bensouda"] < 1
    # Only names are guessed at: an unknown common word stays unknown.
    assert _index().query_terms("mountain") == {"mountain": {}}


@pytest.mark.parametrize(
    "question",
    [
        "Did more than 2100 Palestinians die?",
        "Did more than 2,100 Palestinians die?",
        "Were 67 soldiers and 6 civilians the Israeli dead?",
        "Were sixty-seven soldiers and six civilians the Israeli dead?",
    ],
)
def test_numbers_in_either_form(question: str) -> None:
    answer = _index().ask(question)
    assert answer.found
    assert answer.passages[0].paragraph == 6


def test_numbers_are_normalised_not_guessed() -> None:
    assert terms("2,100") == terms("2100") == ["2100"]
    assert terms("six") == terms("6") == ["6"]
    assert terms("sixty-seven") == ["67"]
    assert terms("1,000,000") == ["1000000"]
    # A different year is not a typo of a year in the text: no fuzzy match for numbers.
    assert _index().query_terms("2010") == {"2010": {}}
    assert _index().query_terms("2007") == {"2007": {"2007": 1.0}}
    assert _index().ask("What happened to Gaza in 2007?").passages[0].paragraph == 11
    assert not _index().ask("What happened in 2010?").found


def test_terms_fold_case_accents_quotes_and_dashes() -> None:
    assert terms("Bénsouda’s") == terms("BENSOUDA's") == ["bensouda"]
    assert terms("“war crimes”") == terms('"War Crimes"') == ["war", "crim"]
    assert terms("non—cooperation") == terms("non-cooperation") == ["non", "cooperat"]
    assert terms("the U.N. in Geneva") == ["un", "geneva"]
    assert terms("What is it that they were doing?") == []  # stop words only
    assert terms("can't") == []


@pytest.mark.parametrize(
    "forms",
    [
        ("soldier", "soldiers"),
        ("engage", "engaged", "engaging"),
        ("atrocity", "atrocities"),
        ("investigate", "investigation", "investigations"),
        ("publicly", "public"),
        ("stopped", "stop", "stopping"),
        ("send", "sent", "sending"),
        ("deny", "denies", "denied"),
        ("agree", "agreed", "agrees"),
        ("base", "based", "bases"),
        ("die", "dies"),
        ("decline", "declined", "declining"),
    ],
)
def test_light_stemming_conflates_forms(forms: tuple[str, ...]) -> None:
    assert len({tuple(terms(f)) for f in forms}) == 1, [terms(f) for f in forms]


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("killed", "kill"),  # a double l stays
        ("stopped", "stop"),  # other doubled consonants go
        ("region", "region"),  # -ion only as -tion/-sion
        ("need", "need"),  # too short to lose -ed
        ("Hamas", "hama"),  # not a word, but the same term each time it is written
        ("crisis", "crisi"),
    ],
)
def test_light_stemming_exact_terms(word: str, term: str) -> None:
    assert terms(word) == [term]


def test_initials_meet_the_full_name() -> None:
    assert _index().ask("What was said at the United Nations?").passages[0].paragraph == 4
    index = SourceIndex.build(
        [("k", SourceText("The International Criminal Court sits in The Hague."), "T")]
    )
    assert index.ask("Where does the ICC sit?").found


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        (
            "Bensouda spoke at the U.N. in Geneva. She said more.",
            ["Bensouda spoke at the U.N. in Geneva.", "She said more."],
        ),
        (
            "J. K. Rowling met Mr. Smith. Then they left.",
            ["J. K. Rowling met Mr. Smith.", "Then they left."],
        ),
        (
            "“We will visit,” Bensouda said. She declined to comment.",
            ["“We will visit,” Bensouda said.", "She declined to comment."],
        ),
        (
            "“Is it required?” she asked. “Yes.” It was.",
            ["“Is it required?” she asked.", "“Yes.”", "It was."],
        ),
        ("More than 2,100 died. 67 soldiers too.", ["More than 2,100 died.", "67 soldiers too."]),
        ("The U.S. Army left at 3 p.m. yesterday.", ["The U.S. Army left at 3 p.m. yesterday."]),
        ("One line\nwrapped.  Two.", ["One line\nwrapped.", "Two."]),
    ],
)
def test_sentences_split_where_news_prose_ends_them(paragraph: str, sentences: list[str]) -> None:
    assert [paragraph[a:b] for a, b in sentence_spans(paragraph)] == sentences


def test_every_sentence_of_the_article_stands_verbatim() -> None:
    for paragraph in SourceText(_raw_source()).paragraphs:
        spans = sentence_spans(paragraph.text)
        pieces = [paragraph.text[a:b] for a, b in spans]
        assert " ".join(pieces) == paragraph.text  # nothing lost, nothing added
    four = SourceText(_raw_source()).paragraphs[3].text
    assert len(sentence_spans(four)) == 2  # "the U.N. in Geneva" does not end one


def test_a_source_shared_by_two_quizzes_is_indexed_once() -> None:
    text = _raw_source()
    index = SourceIndex.build(
        [
            ("quiz-a", SourceText(text), "Title A"),
            ("quiz-b", SourceText(text), "Title B"),  # equal text, another object
            ("quiz-a", SourceText(text), "Title A"),  # the same key again
        ]
    )
    assert index.keys == [("quiz-a", "quiz-b")]
    answer = index.ask("How many Israeli soldiers were killed?", limit=13)
    numbers = [p.paragraph for p in answer.passages]
    assert len(numbers) == len(set(numbers))
    assert {p.source_title for p in answer.passages} == {"Title A"}
    # Filtering by either key finds the shared text; naming it shows that quiz.
    assert index.ask("soldiers", keys={"quiz-b"}).passages[0].source_key == "quiz-b"
    assert not index.ask("soldiers", keys={"another-quiz"}).found


def test_several_sources_are_searched_and_filtered() -> None:
    other = SourceText("Photosynthesis turns light into sugar.\n\nPlants need water.")
    index = SourceIndex.build([("icc", SourceText(_raw_source()), TITLE), ("bio", other, None)])
    top = index.ask("What does photosynthesis turn light into?").passages[0]
    assert (top.source_title, top.paragraph, top.source_key) == ("bio", 1, "bio")
    assert index.ask("How many Israeli soldiers were killed?").passages[0].source_key == "icc"
    assert not index.ask("What does photosynthesis make?", keys=["icc"]).found


def test_words_of_filtered_out_sources_count_as_unknown() -> None:
    # "plants" is common in the other source, so it weighs little there; for the ICC
    # article alone it is a word the text does not contain, and weighs most.
    plants = "\n\n".join(f"Plants grow in greenhouse {i}." for i in range(10))
    index = SourceIndex.build(
        [("icc", SourceText(_raw_source()), TITLE), ("bio", SourceText(plants), None)]
    )
    assert index.ask("Airport plants?").found
    assert not index.ask("Airport plants?", keys={"icc"}).found


def test_from_quizzes_indexes_their_shared_source_once() -> None:
    cache = SourceCache()
    first = load_quiz(BASE.encode(), "a.yaml", sources=cache).quiz
    second = load_quiz(
        variant("id: demo-quiz", "id: demo-two").encode(), "b.yaml", sources=cache
    ).quiz
    assert first is not None and second is not None
    index = SourceIndex.from_quizzes([first, second])
    assert index.keys == [("demo-quiz", "demo-two")]
    top = index.ask("How many Palestinians died?").passages[0]
    assert (top.source_title, top.paragraph) == ("Demo source", 2)


def test_an_empty_index_does_not_say() -> None:
    index = SourceIndex.build([])
    answer = index.ask("How many Israeli soldiers were killed?")
    assert answer == Answer("How many Israeli soldiers were killed?", (), False)
    assert render(answer) == NOT_FOUND


def test_a_question_of_stop_words_only_does_not_say() -> None:
    assert not _index().ask("What is it?").found
    assert not _index().ask("").found


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        _index().ask("soldiers", limit=0)


def test_render_quotes_each_passage_with_where_it_stands() -> None:
    answer = _index().ask("How many Israeli soldiers were killed?")
    text = render(answer)
    blocks = text.split("\n\n")
    assert len(blocks) == len(answer.passages) == 3
    quote, where = blocks[0].split("\n")
    assert quote == "> Israel put the number of its dead at 67 soldiers and six civilians."
    assert where == f"— {TITLE}, paragraph 6"
    for block, passage in zip(blocks, answer.passages, strict=True):
        assert block.startswith("> ")
        assert block.endswith(f", paragraph {passage.paragraph}")
        assert len(block) <= PASSAGE_LIMIT


def _long_paragraph_passage() -> Passage:
    filler = [f"Sentence number {i} says nothing much about anything at all." for i in range(60)]
    filler[30] = "The needle is in this sentence."
    paragraph = " ".join(filler)
    start = paragraph.index("The needle")
    return Passage(
        text=paragraph,
        source_title="Haystack",
        paragraph=2,
        score=1.0,
        source_key="k",
        paragraph_text=paragraph,
        focus=(start, start + len(filler[30])),
    )


def test_render_clips_a_long_paragraph_around_its_best_sentence() -> None:
    passage = _long_paragraph_passage()
    for limit in (PASSAGE_LIMIT, 300, 120):
        block = render_passage(passage, limit)
        assert len(block) <= limit
        quote = block.split("\n")[0]
        assert quote.startswith("> … ")  # the start was left out ...
        assert quote.endswith(" …")  # ... and so was the end
        assert "The needle is in this sentence." in quote
        assert block.endswith("— Haystack, paragraph 2")


def test_render_cuts_an_overlong_sentence_at_a_word() -> None:
    sentence = "word " * 400 + "end."
    passage = Passage(sentence, "T", 1, 1.0, "k", sentence, (0, len(sentence)))
    block = render_passage(passage, 200)
    assert len(block) <= 200
    quote = block.split("\n")[0]
    assert quote.endswith("word…")
    assert "end." not in quote


def test_render_keeps_markdown_literal_and_one_line() -> None:
    text = "A *starred* and_under `code` claim\nwrapped | here."
    passage = Passage(text, "My *title*", 1, 1.0, "k", text, (0, len(text)))
    quote, where = render_passage(passage).split("\n")
    assert quote == r"> A \*starred\* and\_under \`code\` claim wrapped \| here."
    assert where == r"— My \*title\*, paragraph 1"


def test_render_keeps_a_very_long_title_from_crowding_out_the_quote() -> None:
    passage = _long_paragraph_passage()
    block = render_passage(
        Passage(passage.text, "T" * 2000, 2, 1.0, "k", passage.text, passage.focus)
    )
    assert len(block) <= PASSAGE_LIMIT
    assert "The needle is in this sentence." in block


# ask_eval.yaml's test half, with the index the bot builds (the article and the quiz's
# notes). Its targets (hit@3 >= 90%, no answerable question refused, >= 95% of the
# unanswerable refused) are not met yet: these floors are the measured figures
# (bench/ask.py), so that a regression fails.
EVAL_FILE = Path(__file__).with_name("ask_eval.yaml")
EVAL_HIT3_FLOOR = 0.61
EVAL_HIT1_FLOOR = 0.45
EVAL_REFUSED_ANSWERABLE_CEILING = 5
EVAL_REFUSED_UNANSWERABLE_FLOOR = 0.25


@cache
def _bot_index() -> SourceIndex:
    return SourceIndex.from_quizzes([icc_loaded()])


def test_the_quiz_questions_are_notes_on_the_paragraphs_they_quote() -> None:
    loaded = icc_loaded()
    notes = quiz_notes(loaded)
    assert len(notes) == len(loaded.quiz.questions)
    assert {n for note in notes for n in note.paragraphs} == set(range(1, 14))
    # The author's words ("death toll") lead to the paragraph although the article lacks them.
    assert not _index().ask("What was the death toll?").found
    assert _bot_index().ask("What was the death toll?").passages[0].paragraph == 6


def test_the_eval_test_half_stays_above_its_floors() -> None:
    data = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    test_half = [q for q in data["questions"] if q["split"] == "test"]
    answerable = [q for q in test_half if q["paragraphs"]]
    unanswerable = [q for q in test_half if not q["paragraphs"]]
    rank1 = rank3 = refused = 0
    for item in answerable:
        answer = _bot_index().ask(item["question"])
        got = [p.paragraph for p in answer.passages]
        rank1 += bool(got) and got[0] in item["paragraphs"]
        rank3 += any(p in item["paragraphs"] for p in got)
        refused += not answer.found
    declined = sum(not _bot_index().ask(q["question"]).found for q in unanswerable)
    assert rank3 / len(answerable) >= EVAL_HIT3_FLOOR
    assert rank1 / len(answerable) >= EVAL_HIT1_FLOOR
    assert refused <= EVAL_REFUSED_ANSWERABLE_CEILING
    assert declined / len(unanswerable) >= EVAL_REFUSED_UNANSWERABLE_FLOOR
