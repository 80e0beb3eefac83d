"""Answering `/ask`: the passages of the source texts that best answer a question.

Passages. Each source text is cut into its paragraphs (numbered as `SourceText`
numbers them) and each paragraph into sentences; a passage is always a slice of the
source exactly as written.

Terms. Text and questions are folded alike: quotes, dashes and accents (`fold`),
case; "U.N." -> "un", "2,100" -> "2100", "six" -> "6", "sixty-seven" -> "67"; a short
list of English stop words is dropped; each word takes its dictionary form in the
text's language (`lemmas`: "troops" -> "troop"); a light suffix stripper conflates plurals,
-ing, -ed, -ly, -tion ("engaged", "engaging" -> "engag") and a few irregular verbs
("sent" -> "send"). A run of capitalised words also yields its initials, so that
"United Nations" meets "U.N." and "ICC" meets "International Criminal Court".

Scoring. BM25 (rank_bm25's BM25Plus, whose idf stays positive even for a text of one
or two paragraphs) over sentences and over paragraphs. A paragraph ranks by its best
sentence plus half its own score. A question word that is close to a name in the
sources (rapidfuzz ratio >= 85: "Bensuda" -> "Bensouda", "Liberman" -> "Lieberman",
"Israel" -> "Israeli") also counts as that name, weighted by the similarity; each
question word counts once per passage, through its best-matching form. Numbers are
never fuzzy: 2010 is another year than 2014, not a typo of it.

Notes. A quiz's questions are paraphrases tied to the paragraphs they quote: each one
(prompt, explanation, feedback, right answers) is indexed as a note on those paragraphs
(`quiz_notes`). A paragraph's score adds half its best note's BM25+, and its words count
as the paragraph's for the threshold.

Threshold. The text "says" something when some paragraph holds at least two of the
question's words, or at least two thirds of the question's weight (idf, a word found
nowhere weighing most: "Who is Bensouda?" is answered, "What is the capital of
Egypt?" is not). A question on another subject shares one word with a text at most,
by chance ("world"); tests/quiz/ask_pairs.yaml holds the calibration set.
And in English texts, a question that asks for a number, a month, a day or a time
(bot/quiz/answer_kinds.py) is said only when a passage it would quote holds one.

Meaning. Built with an embedder (bot/quiz/semantic.py; the bot's is the packaged model
of bot/paraphrase_model.py), every paragraph, sentence and note part of the texts in its
languages is embedded once. A question then ranks every paragraph by its closeness in
meaning (the best of the paragraph, its sentences and its notes, a note counting 0.9 of
its closeness) plus 0.2 times its word-matching score scaled to the best one; and the
text also "says" it when some paragraph is at least 0.43 close (the similarity floor),
which questions on other subjects stay under. Tuned on ask_eval.yaml's tune half only.

Results are per paragraph, best first, and never list a paragraph twice. Each shows
its best sentence, or the whole paragraph when the question's words are spread over
several of its sentences.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.i18n import N_, _
from bot.quiz.answer_kinds import applies_to, asked_for, holds
from bot.quiz.lemmas import DEFAULT_LANGUAGE, lemma
from bot.quiz.models import ChoiceQuestion, ShortAnswerQuestion
from bot.quiz.quotes import SourceText, fold

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from rank_bm25 import BM25Plus

    from bot.quiz.loader import LoadedQuiz
    from bot.quiz.semantic import Embedder

MIN_WORDS = 2  # question words one paragraph must hold for "found" ...
MIN_SHARE = 2 / 3  # ... or this share of the question's weight
FUZZY_CUTOFF = 85.0  # rapidfuzz ratio from which a word counts as a name like it
FUZZY_MIN_LENGTH = 4  # shorter words are too easily "similar" to something
# The best sentence says where the answer is; the paragraph adds what the sentences
# around it say.
PARAGRAPH_WEIGHT = 0.5
# A note's score counts beside the paragraph's own: the author's words are a second
# way in, not a better one than the source's.
NOTE_WEIGHT = 0.5
# With an embedder (bot/quiz/semantic.py), a paragraph ranks by its meaning's closeness to
# the question (the best of itself, its sentences and its notes, a note counting
# NOTE_SIMILARITY of its closeness) plus LEXICAL_WEIGHT times its word-matching score
# above, scaled so that the best paragraph's is 1. Tuned on ask_eval.yaml's tune half only.
NOTE_SIMILARITY = 0.9
LEXICAL_WEIGHT = 0.2
# ... and the text "says" something also when some paragraph is this close in meaning.
# Questions on other subjects stay below 0.35; everyday wordings the article answers,
# above 0.44 (tune half).
SIMILARITY_FLOOR = 0.43
PASSAGE_LIMIT = 1024  # characters per rendered passage: a Discord embed field's limit
NOT_FOUND = N_("The text does not say.")

# A question: each of its words -> the indexed terms that stand for it -> their weight.
Query = dict[str, dict[str, float]]


def _listed(words: str) -> list[str]:
    """Word lists written as prose: easier to read and to keep than quoted items."""
    return words.split()


_STOP_WORDS = frozenset(
    _listed(
        "a about above after again against all also am an and any are as at be because "
        "been before being below between both but by can cannot could did do does doing "
        "done down during each either else ever every few for from further had has have "
        "having he her here hers herself him himself his how i if in into is it its itself "
        "just let many me might more most much must my myself neither no nor not now of "
        "off on once only onto or other our ours out over own per please same shall she "
        "should so some such tell than that the their theirs them themselves then there "
        "these they this those through thus to too under until up upon us very was we were "
        "what whatever when where whether which while who whom whose why will with would "
        "yet you your yours yourself"
    )
)
_UNITS = _listed(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_TENS |= {"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_NUMBER_WORDS = {word: str(i) for i, word in enumerate(_UNITS)}
_NUMBER_WORDS |= {word: str(value) for word, value in _TENS.items()}
# Common irregular forms -> the form the stemmer sees, so that "sent" meets "sending".
_IRREGULAR_FORMS = {
    "say": "said says",
    "speak": "spoke spoken",
    "send": "sent",
    "fight": "fought",
    "seek": "sought",
    "take": "took taken",
    "tell": "told",
    "go": "went gone",
    "give": "gave given",
    "make": "made",
    "hold": "held",
    "keep": "kept",
    "lead": "led",
    "begin": "began begun",
    "win": "won",
    "know": "knew known",
    "see": "saw seen",
    "think": "thought",
    "bring": "brought",
    "come": "came",
    "find": "found",
    "write": "wrote written",
    "fall": "fell fallen",
    "choose": "chose chosen",
    "meet": "met",
    "pay": "paid",
    "buy": "bought",
    "sell": "sold",
    "lose": "lost",
}
_IRREGULAR = {f: base for base, forms in _IRREGULAR_FORMS.items() for f in _listed(forms)}

_COMPOUND_NUMBER = re.compile(rf"\b({'|'.join(_TENS)})-({'|'.join(_UNITS[1:10])})\b")
_ACRONYM = re.compile(r"\b(?:[^\W\d_]\.){2,}")  # "u.n." -> "un", "u.s." -> "us"
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # "2,100" -> "2100"
_WORD = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+(?:'[^\W\d_]+)*")
_LETTERS = re.compile(r"[^\W\d_]+")
_SPACE = re.compile(r"\s+")

# A candidate sentence end: ., ! or ? and any closing quotes or brackets, then a space.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s)")
_OPENERS = "\"'“‘«(["
_ABBREVIATIONS = frozenset(
    _listed(
        "mr mrs ms dr prof st jr sr gen col lt sgt capt cmdr adm gov sen rep pres rev hon "
        "inc ltd co corp dept univ no vol fig vs etc al approx est jan feb mar apr jun jul "
        "aug sep sept oct nov dec mt ft"
    )
)
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")  # "U.N" (before its last dot), "J"
_MARKDOWN = re.compile(r"([\\*_~`|])")


@dataclass(frozen=True, slots=True)
class Passage:
    """One quoted passage: a sentence or a whole paragraph, exactly as written."""

    text: str
    source_title: str
    paragraph: int  # 1-based, as SourceText counts them
    score: float
    source_key: str  # the key (quiz id) it was indexed under
    paragraph_text: str
    focus: tuple[int, int]  # where the best sentence stands in `paragraph_text`

    @property
    def is_whole_paragraph(self) -> bool:
        return self.text == self.paragraph_text


@dataclass(frozen=True, slots=True)
class Evidence:
    """How much of a question one paragraph holds."""

    words: int  # question words it contains (as written, or as a name like them)
    share: float  # their share of the question's weight, 0..1
    similarity: float | None = None  # the closest paragraph's, with an embedder

    @property
    def by_words(self) -> bool:
        return self.words >= MIN_WORDS or self.share >= MIN_SHARE

    @property
    def enough(self) -> bool:
        return self.by_words or (
            self.similarity is not None and self.similarity >= SIMILARITY_FLOOR
        )


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    passages: tuple[Passage, ...]  # best first; empty when not found
    found: bool  # False: "the text does not say"
    evidence: Evidence | None = None  # the most that any paragraph held of the question


@dataclass(frozen=True, slots=True)
class Note:
    """Words about some paragraphs of a source, written elsewhere: a quiz question's
    prompt, explanation and feedback on the paragraphs its quotes stand in."""

    text: str
    paragraphs: tuple[int, ...]  # 1-based, as SourceText counts them


@dataclass(frozen=True, slots=True)
class _Source:
    keys: tuple[str, ...]
    title: str
    language: str = DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class _Note:
    paragraphs: tuple[int, ...]  # indices into SourceIndex._paragraphs
    parts: tuple[str, ...] = ()  # its prompt, explanation, feedback...: each one meaning


@dataclass(frozen=True, slots=True)
class _Vectors:
    """The embeddings of an index's texts in the embedder's languages."""

    paragraphs: NDArray[np.float32]  # one row per paragraph (zeros where not embedded)
    sentences: NDArray[np.float32]  # one row per sentence (zeros where not embedded)
    parts: NDArray[np.float32]  # one row per note part ...
    part_paragraphs: NDArray[np.intp]  # ... repeated for each paragraph it is about
    part_rows: NDArray[np.intp]  # which row of `parts` each of those stands for
    sources: frozenset[int]  # the sources embedded


@dataclass(frozen=True, slots=True)
class _Paragraph:
    source: int  # index into SourceIndex._sources
    number: int
    text: str
    sentences: range  # indices into SourceIndex._sentences


@dataclass(frozen=True, slots=True)
class _Sentence:
    paragraph: int  # index into SourceIndex._paragraphs
    start: int
    end: int


class SourceIndex:
    """The source texts a server can see, ready for questions: build once, ask often."""

    def __init__(
        self,
        sources: list[_Source],
        paragraphs: list[_Paragraph],
        sentences: list[_Sentence],
        paragraph_terms: list[list[str]],
        sentence_terms: list[list[str]],
        names: Iterable[str],
        notes: list[_Note] | None = None,
        note_terms: list[list[str]] | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self._sources = sources
        self._paragraphs = paragraphs
        self._sentences = sentences
        self._notes = notes or []
        self._paragraph_sets = [set(t) for t in paragraph_terms]
        self._sentence_sets = [set(t) for t in sentence_terms]
        self._note_sets = [set(t) for t in note_terms or []]
        self._vocabulary = frozenset().union(*self._paragraph_sets, *self._note_sets)
        self._source_vocabulary: list[set[str]] = [set() for _ in sources]
        for paragraph, held in zip(paragraphs, self._paragraph_sets, strict=True):
            self._source_vocabulary[paragraph.source] |= held
        for note, held in zip(self._notes, self._note_sets, strict=True):
            self._source_vocabulary[self._paragraphs[note.paragraphs[0]].source] |= held
        self._languages = tuple(dict.fromkeys(s.language for s in sources)) or (DEFAULT_LANGUAGE,)
        self._names = sorted(set(names))
        # rank_bm25 divides by the corpus size: nothing to index, no model.
        # rank_bm25 brings numpy: loaded when the first index is built, not when the bot starts.
        from rank_bm25 import BM25Plus

        self._paragraph_bm25 = BM25Plus(paragraph_terms) if paragraphs else None
        self._sentence_bm25 = BM25Plus(sentence_terms) if sentences else None
        self._note_bm25 = BM25Plus(note_terms) if note_terms else None
        # Weighs question words for the threshold only: positive, and a word that no
        # text contains weighs most (as though it stood in half a paragraph).
        # A paragraph holds its own words and those of the notes on it.
        self._held = [set(held) for held in self._paragraph_sets]
        for note, held in zip(self._notes, self._note_sets, strict=True):
            for p in note.paragraphs:
                self._held[p] |= held
        n = len(paragraphs)
        df: dict[str, int] = {}
        for held in self._held:
            for term in held:
                df[term] = df.get(term, 0) + 1
        self._idf = {term: math.log(1 + (n + 1) / count) for term, count in df.items()}
        self._unknown_idf = math.log(1 + (n + 1) / 0.5)
        self._embedder = embedder
        self._vectors = self._embed_texts(embedder) if embedder is not None else None

    @property
    def understands_paraphrase(self) -> bool:
        return self._vectors is not None and bool(self._vectors.sources)

    def _embed_texts(self, embedder: Embedder) -> _Vectors:
        import numpy as np

        from bot.quiz.semantic import is_semantic_language

        sources = frozenset(
            s for s, source in enumerate(self._sources) if is_semantic_language(source.language)
        )
        chosen = [p for p, par in enumerate(self._paragraphs) if par.source in sources]
        sentences = [s for p in chosen for s in self._paragraphs[p].sentences]
        notes = [
            note for note in self._notes if self._paragraphs[note.paragraphs[0]].source in sources
        ]
        parts = [part for note in notes for part in note.parts]
        texts = (
            [self._paragraphs[p].text for p in chosen]
            + [self._sentence_text(s) for s in sentences]
            + parts
        )
        matrix = embedder(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        width = matrix.shape[1] if matrix.size else 1
        paragraph_rows = np.zeros((len(self._paragraphs), width), dtype=np.float32)
        sentence_rows = np.zeros((len(self._sentences), width), dtype=np.float32)
        paragraph_rows[chosen] = matrix[: len(chosen)]
        sentence_rows[sentences] = matrix[len(chosen) : len(chosen) + len(sentences)]
        part_paragraphs: list[int] = []
        part_rows: list[int] = []
        row = 0
        for note in notes:
            for _part in note.parts:
                part_paragraphs += note.paragraphs
                part_rows += [row] * len(note.paragraphs)
                row += 1
        return _Vectors(
            paragraphs=paragraph_rows,
            sentences=sentence_rows,
            parts=matrix[len(chosen) + len(sentences) :].reshape(-1, width),
            part_paragraphs=np.array(part_paragraphs, dtype=np.intp),
            part_rows=np.array(part_rows, dtype=np.intp),
            sources=sources,
        )

    def _sentence_text(self, s: int) -> str:
        sentence = self._sentences[s]
        return self._paragraphs[sentence.paragraph].text[sentence.start : sentence.end]

    @classmethod
    def build(
        cls,
        sources: Iterable[tuple[str, SourceText, str | None]],
        notes: Mapping[str, Sequence[Note]] | None = None,
        languages: Mapping[str, str] | None = None,
        embedder: Embedder | None = None,
    ) -> SourceIndex:
        """Index (key, text, title) triples; a text given under several keys counts once.

        The key is what `ask` can filter by (a quiz id); the title is what a passage
        shows (the key when there is none). A shared text keeps its first title and
        language. `notes`: per key, what was written about its paragraphs (`Note`).
        `embedder`: reads meaning too (bot/quiz/semantic.py); building then embeds every
        paragraph, sentence and note part of the texts in its languages (slow: a thread).
        """
        at: dict[str, int] = {}
        keys: list[list[str]] = []
        given: list[tuple[SourceText, str, str]] = []
        for key, text, title in sources:
            i = at.get(text.text)
            if i is None:
                at[text.text] = len(given)
                keys.append([key])
                language = (languages or {}).get(key, DEFAULT_LANGUAGE)
                given.append((text, title or key, language))
            elif key not in keys[i]:
                keys[i].append(key)

        indexed: list[_Source] = []
        paragraphs: list[_Paragraph] = []
        sentences: list[_Sentence] = []
        paragraph_terms: list[list[str]] = []
        sentence_terms: list[list[str]] = []
        indexed_notes: list[_Note] = []
        note_terms: list[list[str]] = []
        names: set[str] = set()
        for s, (text, title, language) in enumerate(given):
            indexed.append(_Source(tuple(keys[s]), title, language))
            first_paragraph = len(paragraphs)
            for paragraph in text.paragraphs:
                p = len(paragraphs)
                first = len(sentences)
                for start, end in sentence_spans(paragraph.text):
                    piece = paragraph.text[start:end]
                    sentences.append(_Sentence(p, start, end))
                    sentence_terms.append(terms(piece, language) + acronyms(piece))
                    names |= _name_terms(piece, language)
                span = range(first, len(sentences))
                paragraphs.append(_Paragraph(s, paragraph.number, paragraph.text, span))
                paragraph_terms.append(terms(paragraph.text, language) + acronyms(paragraph.text))
            count = len(paragraphs) - first_paragraph
            for key in keys[s]:
                for note in (notes or {}).get(key, ()):
                    at_paragraphs = tuple(
                        first_paragraph + n - 1
                        for n in dict.fromkeys(note.paragraphs)
                        if 1 <= n <= count
                    )
                    if at_paragraphs:
                        parts = tuple(x for x in note.text.splitlines() if x.strip())
                        indexed_notes.append(_Note(at_paragraphs, parts))
                        note_terms.append(terms(note.text, language) + acronyms(note.text))
        return cls(
            indexed,
            paragraphs,
            sentences,
            paragraph_terms,
            sentence_terms,
            names,
            indexed_notes,
            note_terms,
            embedder,
        )

    @classmethod
    def from_quizzes(
        cls, quizzes: Iterable[LoadedQuiz], embedder: Embedder | None = None
    ) -> SourceIndex:
        """The sources of these quizzes, keyed by quiz id; a quiz without one adds nothing.

        Each question of a quiz is also a note on the paragraphs its quotes stand in:
        its author wrote the prompt, explanation and feedback in other words than the
        source's, which a reader may share.
        """
        with_source = [q for q in quizzes if q.source is not None]
        return cls.build(
            (
                (q.id, q.source, q.quiz.source.title if q.quiz.source else None)
                for q in with_source
                if q.source is not None
            ),
            notes={q.id: quiz_notes(q) for q in with_source},
            languages={q.id: q.quiz.language for q in with_source},
            embedder=embedder,
        )

    @property
    def keys(self) -> list[tuple[str, ...]]:
        """The keys of each indexed text, one entry per distinct text."""
        return [source.keys for source in self._sources]

    def query_terms(self, question: str) -> Query:
        """Each word of the question -> the indexed terms that stand for it -> weight:
        the word itself (1) and names that look like it (their similarity, 0..1).

        A word is read in each language of the indexed texts; its first reading names it.
        """
        query: Query = {}
        for word in words(question):
            readings = [t for t in (_term(word, lang) for lang in self._languages) if t]
            if not readings:
                continue
            forms = query.setdefault(readings[0], {})
            for term in dict.fromkeys(readings):
                if term in self._vocabulary:
                    forms[term] = 1.0
            term = readings[0]
            if term.isalpha() and len(term) >= FUZZY_MIN_LENGTH:
                for name, similarity, _ in process.extract(
                    term, self._names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=3
                ):
                    if name != term:
                        forms[name] = max(similarity / 100, forms.get(name, 0.0))
        # "United Nations" for "U.N.", only where its own words are not found.
        for phrase, initials in _phrases(question):
            if initials in self._vocabulary and any(not query.get(t) for t in terms(phrase)):
                query.setdefault(initials, {})[initials] = 1.0
        return query

    def ask(self, question: str, limit: int = 3, keys: Collection[str] | None = None) -> Answer:
        """The passages that best answer `question`, best first; `keys`: only these sources."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        allowed = [keys is None or any(k in keys for k in s.keys) for s in self._sources]
        query = self.query_terms(question)
        if keys is not None:
            # A word that only the other sources contain is unknown to these ones.
            known = set().union(
                *(v for v, ok in zip(self._source_vocabulary, allowed, strict=True) if ok)
            )
            query = {w: {t: x for t, x in f.items() if t in known} for w, f in query.items()}
        vectors = self._vectors
        semantic = vectors is not None and all(
            s in vectors.sources for s, ok in enumerate(allowed) if ok
        )
        if self._paragraph_bm25 is None or self._sentence_bm25 is None:
            return Answer(question, (), False)
        if not any(query.values()) and not semantic:
            return Answer(question, (), False)

        paragraph_scores = _scores(self._paragraph_bm25, self._paragraph_sets, query)
        sentence_scores = _scores(self._sentence_bm25, self._sentence_sets, query)
        note_scores = self._note_scores(query)
        ranked: list[tuple[float, int, int]] = []  # (score, paragraph, its best sentence)
        for p, paragraph in enumerate(self._paragraphs):
            if not allowed[paragraph.source] or paragraph_scores[p] + note_scores[p] <= 0:
                continue
            best = max(paragraph.sentences, key=lambda i: sentence_scores[i])
            score = (
                sentence_scores[best]
                + PARAGRAPH_WEIGHT * paragraph_scores[p]
                + NOTE_WEIGHT * note_scores[p]
            )
            ranked.append((score, p, best))
        similarity: float | None = None
        # Any paragraph may carry the evidence, not only the first one; one that holds
        # no question word carries none but the closeness in meaning, which all share.
        holding_words = [p for _, p, _ in ranked]
        if semantic:
            ranked, similarity = self._by_meaning(question, allowed, ranked, sentence_scores)
        if not ranked:
            return Answer(question, (), False)
        ranked.sort(key=lambda r: (-r[0], r[1]))
        evidence = max(
            (self._evidence(query, p, similarity) for p in holding_words),
            key=lambda e: (e.enough, e.share),
            default=Evidence(0, 0.0, similarity),
        )
        if not evidence.enough:
            return Answer(question, (), False, evidence)
        passages = tuple(self._passage(query, p, s, score, keys) for score, p, s in ranked[:limit])
        # "How many ...?" is not answered by passages that hold no number at all.
        kind = asked_for(question) if self._kinds_apply(allowed) else None
        if kind is not None and not any(holds(kind, p.paragraph_text) for p in passages):
            return Answer(question, (), False, evidence)
        return Answer(question, passages, True, evidence)

    def _kinds_apply(self, allowed: list[bool]) -> bool:
        return all(applies_to(self._sources[s].language) for s, ok in enumerate(allowed) if ok)

    def _note_scores(self, query: Query) -> list[float]:
        """Per paragraph, the best score of a note on it (0 without one)."""
        best = [0.0] * len(self._paragraphs)
        if self._note_bm25 is None:
            return best
        for note, score in zip(
            self._notes, _scores(self._note_bm25, self._note_sets, query), strict=True
        ):
            for p in note.paragraphs:
                best[p] = max(best[p], score)
        return best

    def _by_meaning(
        self,
        question: str,
        allowed: list[bool],
        lexical: list[tuple[float, int, int]],
        sentence_scores: list[float],
    ) -> tuple[list[tuple[float, int, int]], float]:
        """Every allowed paragraph ranked by closeness in meaning plus its (scaled)
        word-matching score; and the closest paragraph's closeness."""
        import numpy as np

        vectors = self._vectors
        assert vectors is not None and self._embedder is not None
        asked = self._embedder([question])[0]
        by_paragraph = vectors.paragraphs @ asked
        by_sentence = vectors.sentences @ asked
        if len(vectors.part_rows):
            by_part = (vectors.parts @ asked)[vectors.part_rows] * NOTE_SIMILARITY
            np.maximum.at(by_paragraph, vectors.part_paragraphs, by_part)
        top_lexical = max((score for score, _, _ in lexical), default=0.0)
        words_of = {p: score / top_lexical for score, p, _ in lexical} if top_lexical else {}
        top_sentence = max(sentence_scores, default=0.0) or 1.0
        ranked: list[tuple[float, int, int]] = []
        closest = -1.0
        for p, paragraph in enumerate(self._paragraphs):
            if not allowed[paragraph.source]:
                continue
            span = paragraph.sentences
            sentence_closeness = by_sentence[span.start : span.stop]
            meaning = float(max(by_paragraph[p], sentence_closeness.max(initial=-1.0)))
            closest = max(closest, meaning)
            best = max(
                span,
                key=lambda i: by_sentence[i] + LEXICAL_WEIGHT * sentence_scores[i] / top_sentence,
            )
            ranked.append((meaning + LEXICAL_WEIGHT * words_of.get(p, 0.0), p, best))
        return ranked, closest

    def _evidence(self, query: Query, paragraph: int, similarity: float | None = None) -> Evidence:
        held = self._held[paragraph]
        total = found = 0.0
        words = 0
        for forms in query.values():
            weights = {term: w * self._idf[term] for term, w in forms.items()}
            total += max(weights.values(), default=self._unknown_idf)
            here = max((x for term, x in weights.items() if term in held), default=0.0)
            found += here
            words += here > 0
        return Evidence(words, found / total if total else 0.0, similarity)

    def _passage(
        self, query: Query, p: int, s: int, score: float, keys: Collection[str] | None
    ) -> Passage:
        paragraph = self._paragraphs[p]
        sentence = self._sentences[s]
        source = self._sources[paragraph.source]
        # The sentence, unless the paragraph's other sentences hold question words that
        # it lacks: then the whole paragraph, so that no part of the answer is cut off.
        in_sentence = _words_held(query, self._sentence_sets[s])
        in_paragraph = _words_held(query, self._paragraph_sets[p])
        text = paragraph.text
        if in_paragraph <= in_sentence:
            text = text[sentence.start : sentence.end]
        key = next((k for k in source.keys if keys is None or k in keys), source.keys[0])
        return Passage(
            text=text,
            source_title=source.title,
            paragraph=paragraph.number,
            score=round(score, 4),
            source_key=key,
            paragraph_text=paragraph.text,
            focus=(sentence.start, sentence.end),
        )


def quiz_notes(loaded: LoadedQuiz) -> list[Note]:
    """A quiz's questions as notes on the paragraphs of its source that they quote.

    A note holds what the author wrote around the quote: the prompt, the explanation,
    the feedback on each choice and the right answers (never a wrong choice's text: it
    states what the source does not say).
    """
    source = loaded.source
    if source is None:
        return []
    notes: list[Note] = []
    for question in loaded.quiz.questions:
        found = (source.paragraph_of(quote) for quote in question.quotes)
        numbers = tuple(dict.fromkeys(p.number for p in found if p is not None))
        if not numbers:
            continue
        parts = [question.prompt, question.explanation or ""]
        if isinstance(question, ChoiceQuestion):
            for choice in question.choices:
                parts.append(choice.feedback or "")
                if choice.correct:
                    parts.append(choice.text)
        elif isinstance(question, ShortAnswerQuestion):
            parts += question.answers
        notes.append(Note("\n".join(part for part in parts if part), numbers))
    return notes


def _scores(bm25: BM25Plus, held: list[set[str]], query: Query) -> list[float]:
    """BM25+ of each document; each question word counts through its best form there.

    rank_bm25's BM25Plus adds its delta to documents without the term too; BM25+ adds
    it only where the term occurs, hence the mask.
    """
    total = [0.0] * len(held)
    for forms in query.values():
        best = [0.0] * len(held)
        for term, weight in forms.items():
            scores = bm25.get_scores([term])
            for i, terms_here in enumerate(held):
                if term in terms_here:
                    best[i] = max(best[i], weight * float(scores[i]))
        total = [t + b for t, b in zip(total, best, strict=True)]
    return total


def _words_held(query: Query, held: set[str]) -> set[str]:
    return {word for word, forms in query.items() if any(t in held for t in forms)}


def terms(text: str, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The indexing terms of a text, in order: folded, without stop words, lemmatised
    and stemmed."""
    return [t for t in (_term(w, language) for w in words(text)) if t]


def words(text: str) -> list[str]:
    """The words of a text, folded, before stop words go."""
    return _WORD.findall(_normalise(text))


def acronyms(text: str) -> list[str]:
    """The initials of each run of capitalised words: "United Nations" -> "un".

    News prose names a body in full once and by its initials after ("International
    Criminal Court", "ICC"); a reader may ask with either.
    """
    return [initials for _, initials in _phrases(text)]


def _phrases(text: str) -> list[tuple[str, str]]:
    """Runs of two or more capitalised words, apart only by spaces, and their initials."""
    plain = _plain(fold(text))
    found: list[tuple[str, str]] = []
    run: list[re.Match[str]] = []
    for match in [*_LETTERS.finditer(plain), None]:
        word = match.group(0) if match else ""
        titled = word[:1].isupper() and word[1:].islower()
        if match and titled and run and not plain[run[-1].end() : match.start()].strip():
            run.append(match)
            continue
        if len(run) >= 2:
            phrase = plain[run[0].start() : run[-1].end()]
            found.append((phrase, "".join(m.group(0)[0] for m in run).casefold()))
        # "The" opens a sentence, not a name.
        run = [match] if match and titled and word.casefold() not in _STOP_WORDS else []
    return found


def _plain(text: str) -> str:
    """Without accents: "Bénsouda" -> "Bensouda"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _normalise(text: str) -> str:
    plain = _plain(fold(text)).casefold()
    plain = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), plain)
    plain = _THOUSANDS.sub("", plain)
    return _COMPOUND_NUMBER.sub(
        lambda m: str(_TENS[m.group(1)] + int(_NUMBER_WORDS[m.group(2)])), plain
    )


def _term(word: str, language: str = DEFAULT_LANGUAGE) -> str | None:
    if "'" in word:
        if word.endswith("n't"):
            return None  # "can't", "didn't": a negation, not a subject
        base, _, rest = word.partition("'")
        word = base if rest == "s" else word.replace("'", "")  # "Israel's" -> "israel"
    if word in _STOP_WORDS or (len(word) == 1 and not word.isdigit()):
        return None
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    if not word.isalpha():
        return word
    # The dictionary form first ("troops" -> "troop", "lives" -> "live"), then the
    # stemmer, which also conflates what the dictionary keeps apart ("engage", "engaging").
    return _stem(_IRREGULAR.get(word) or lemma(word, language))


def _stem(word: str) -> str:
    """A light suffix stripper: plurals, -ly, -ing, -ed, -tion/-sion, a final -e.

    It need not make words (it makes "engag"), only give related forms one term.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"  # "atrocities" -> "atrocity", "denied" -> "deny"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("ly") and len(word) >= 6:
        word = word[:-2]
    for suffix in ("ing", "ed", "ion"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "ion" and word[-4] not in "ts":
                break  # "region", "million": not -tion/-sion
            word = word[: -len(suffix)]
            if suffix != "ion" and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "stopped" -> "stop", but "killed" -> "kill"
            return word
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # "engage" -> "engag", as "engaged" and "engaging" are
    return word


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """Where each sentence of a paragraph stands: [start, end) offsets, trimmed.

    A sentence ends at ., ! or ? (with any closing quotes) before a space and a capital
    or a digit, but not after initials or acronyms ("U.N.", "J.") nor after common
    abbreviations ("Mr.", "Gen.").
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        following = paragraph[match.end() :].lstrip().lstrip(_OPENERS)
        if not following or not (following[0].isupper() or following[0].isdigit()):
            continue
        if match.group(0)[0] == ".":
            before = paragraph[start : match.start()].split()
            word = before[-1].lstrip(_OPENERS) if before else ""
            if _INITIALS.fullmatch(word) or word.casefold() in _ABBREVIATIONS:
                continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(paragraph)))
    trimmed = (_trim(paragraph, a, b) for a, b in spans)
    return [(a, b) for a, b in trimmed if a < b]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _name_terms(sentence: str, language: str = DEFAULT_LANGUAGE) -> set[str]:
    """Terms written with a capital where the sentence does not start: names, mostly."""
    words = _WORD.findall(fold(sentence).replace("-", " "))
    found: set[str] = set()
    for word in words[1:]:
        if word[0].isupper():
            found.update(t for t in terms(word, language) if t.isalpha())
    return found


def render(answer: Answer, limit: int = PASSAGE_LIMIT) -> str:
    """The answer as Markdown for chat: each passage as a block quote, then where it
    stands ("— title, paragraph N"); each passage with its line within `limit`."""
    if not answer.found or not answer.passages:
        return _(NOT_FOUND)
    return "\n\n".join(render_passage(p, limit) for p in answer.passages)


def render_passage(passage: Passage, limit: int = PASSAGE_LIMIT) -> str:
    """One passage and where it stands, within `limit` characters in all."""
    title = _escape(_SPACE.sub(" ", passage.source_title).strip())
    if len(title) > limit // 4:  # a title never crowds out the quote
        title = _cut(title, limit // 4)
    # Translators: where a quoted passage stands: the source text's title, its paragraph.
    where = "\n" + _("— {title}, paragraph {number}").format(title=title, number=passage.paragraph)
    return "> " + _clip(passage, limit - len(where) - 2) + where


def _clip(passage: Passage, budget: int) -> str:
    """The passage on one line, Markdown escaped, within `budget` characters.

    A long paragraph keeps its best sentence and as many whole sentences around it as
    fit; an ellipsis marks what was left out.
    """
    whole = _shown(passage.text)
    if len(whole) <= budget:
        return whole
    if not passage.is_whole_paragraph:  # one sentence: nothing around it to choose from
        return _cut(whole, budget)
    spans = sentence_spans(passage.paragraph_text)
    pieces = [_shown(passage.paragraph_text[a:b]) for a, b in spans]
    focus = next((i for i, (a, b) in enumerate(spans) if a <= passage.focus[0] < b), 0)
    if len(_join(pieces, focus, focus)) > budget:
        lead = "… " if focus > 0 else ""
        return lead + _cut(pieces[focus], budget - len(lead))
    first = last = focus
    while True:  # widen by whole sentences, the next one first: it completes the thought
        if last + 1 < len(pieces) and len(_join(pieces, first, last + 1)) <= budget:
            last += 1
        elif first > 0 and len(_join(pieces, first - 1, last)) <= budget:
            first -= 1
        else:
            return _join(pieces, first, last)


def _join(pieces: list[str], first: int, last: int) -> str:
    lead = "… " if first > 0 else ""
    tail = " …" if last < len(pieces) - 1 else ""
    return lead + " ".join(pieces[first : last + 1]) + tail


def _cut(text: str, budget: int) -> str:
    """The start of `text`, to a word boundary, and "…", within `budget` characters."""
    head = text[: max(budget - 1, 0)]
    if len(head) < len(text) and " " in head:
        head = head[: head.rindex(" ")]
    head = head.rstrip()
    if (len(head) - len(head.rstrip("\\"))) % 2:
        head = head[:-1]  # never leave half an escape
    return head + "…"


def _shown(text: str) -> str:
    return _escape(_SPACE.sub(" ", text).strip())


def _escape(text: str) -> str:
    """Markdown's inline marks as literal characters, as the source has them."""
    return _MARKDOWN.sub(r"\\\1", text)
