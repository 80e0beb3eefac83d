"""`/ask` retrieval measured on its evaluation sets, with the index the bot builds.

Loads quizzes/icc-gaza-2014.yaml and its source as the catalog does, indexes them with
`SourceIndex.from_quizzes` (the article's paragraphs and the quiz's own questions), then
asks every question of:
  - test: tests/quiz/ask_eval.yaml, `split: test` (the half that no tuning looked at);
  - tune: the same file, `split: tune`;
  - pairs: tests/quiz/ask_pairs.yaml, the older set.
A question is a hit at rank k when one of the first k paragraphs is among its answers;
an answerable question answered "the text does not say" is refused (and a miss).

Targets on the test half: hit@3 >= 90%, no answerable question refused, at least 95% of
the unanswerable ones refused.
Two indexes run side by side: words only (the baseline: lemmas, names, the quiz's notes)
and, when the optional extra `paraphrase` is installed, the same with the packaged
sentence-embedding model (bot/paraphrase_model.py).
Prints a table and, as its last line, one JSON object: the test half's figures of the
best index at the top level (the model's when it is installed), the other sets' under
"tune" and "pairs", the words-only figures under "words_only", and the query times.
Usage: python bench/ask.py [--split test|tune|pairs ...] [--show] [--words-only]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project's package from the checkout
    sys.path.insert(0, str(ROOT))

from bot import paraphrase_model  # noqa: E402
from bot.quiz.catalog import Catalog  # noqa: E402
from bot.quiz.retrieval import SourceIndex  # noqa: E402
from bot.quiz.semantic import CachedEmbedder, Embedder  # noqa: E402

QUIZ_ID = "icc-gaza-2014"
EVAL_FILE = ROOT / "tests" / "quiz" / "ask_eval.yaml"
PAIRS_FILE = ROOT / "tests" / "quiz" / "ask_pairs.yaml"
SPLITS = ("test", "tune", "pairs")


@dataclass(frozen=True, slots=True)
class Item:
    question: str
    paragraphs: frozenset[int]  # empty: the article does not answer it


@dataclass(frozen=True, slots=True)
class Result:
    answerable: int
    unanswerable: int
    hit_at_1: float
    hit_at_3: float
    refused_answerable: int
    refused_unanswerable_share: float

    def as_json(self) -> dict[str, Any]:
        return {
            "hit_at_3": round(self.hit_at_3, 4),
            "hit_at_1": round(self.hit_at_1, 4),
            "refused_answerable": self.refused_answerable,
            "refused_unanswerable_share": round(self.refused_unanswerable_share, 4),
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
        }


def eval_items(split: str) -> list[Item]:
    """The evaluation file's questions of one split ("test" or "tune")."""
    data = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    return [
        Item(q["question"], frozenset(q["paragraphs"]))
        for q in data["questions"]
        if q["split"] == split
    ]


def pair_items() -> list[Item]:
    data = yaml.safe_load(PAIRS_FILE.read_text(encoding="utf-8"))
    return [
        Item(q["ask"], frozenset() if q["expected"] == "none" else frozenset([q["expected"]]))
        for q in data["questions"]
    ]


def items(split: str) -> list[Item]:
    return pair_items() if split == "pairs" else eval_items(split)


def bot_index(embedder: Embedder | None = None) -> SourceIndex:
    """The index the bot builds for a server that sees the ICC quiz."""
    catalog = Catalog(ROOT / "quizzes")
    catalog.reload()
    loaded = catalog.get(QUIZ_ID)
    if loaded is None:
        raise SystemExit(f"{QUIZ_ID} did not load")
    return SourceIndex.from_quizzes([loaded], embedder)


def evaluate(index: SourceIndex, asked: list[Item], show: bool = False) -> Result:
    rank1 = rank3 = refused_yes = refused_no = 0
    answerable = [i for i in asked if i.paragraphs]
    unanswerable = [i for i in asked if not i.paragraphs]
    for item in asked:
        answer = index.ask(item.question, limit=3)
        got = [p.paragraph for p in answer.passages]
        if item.paragraphs:
            rank1 += bool(got[:1]) and got[0] in item.paragraphs
            rank3 += any(p in item.paragraphs for p in got)
            refused_yes += not answer.found
        else:
            refused_no += not answer.found
        if show:
            expected = sorted(item.paragraphs) or "none"
            shown = got if answer.found else "refused"
            print(f"  {expected!s:<14} {shown!s:<14} {item.question}")
    n = max(len(answerable), 1)
    return Result(
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        hit_at_1=rank1 / n,
        hit_at_3=rank3 / n,
        refused_answerable=refused_yes,
        refused_unanswerable_share=refused_no / max(len(unanswerable), 1),
    )


def wilson(share: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson's score interval for a share measured on n questions."""
    if n == 0:
        return 0.0, 1.0
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def query_time_ms(index: SourceIndex, questions: list[str], repeat: int = 5) -> tuple[float, float]:
    """Median time of one question, in milliseconds: asked for the first time (the model
    reads it), then asked again (its vector is cached)."""
    first = []
    for question in questions:
        start = time.perf_counter()
        index.ask(question)
        first.append(time.perf_counter() - start)
    times = []
    for _ in range(repeat):
        for question in questions:
            start = time.perf_counter()
            index.ask(question)
            times.append(time.perf_counter() - start)
    return statistics.median(first) * 1000, statistics.median(times) * 1000


def measure(
    index: SourceIndex, splits: list[str], show: bool, embedder: CachedEmbedder | None = None
) -> tuple[dict[str, Result], tuple[float, float]]:
    results: dict[str, Result] = {}
    asked: list[str] = []
    for split in splits:
        chosen = items(split)
        asked += [i.question for i in chosen]
        if show:
            print(f"{split}:")
        results[split] = evaluate(index, chosen, show)
    if embedder is not None:
        embedder.clear()  # the questions' vectors: timed from the first reading
    return results, query_time_ms(index, asked)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", action="append", choices=SPLITS, help="default: all three")
    parser.add_argument("--show", action="store_true", help="each question and its ranking")
    parser.add_argument("--words-only", action="store_true", help="skip the model")
    args = parser.parse_args(argv)
    splits = args.split or list(SPLITS)

    runs: dict[str, tuple[dict[str, Result], tuple[float, float], float]] = {}
    start = time.perf_counter()
    index = bot_index()
    build_ms = (time.perf_counter() - start) * 1000
    if args.show:
        print("words only")
    runs["words only"] = (*measure(index, splits, args.show), build_ms)

    embedder = None if args.words_only else paraphrase_model.load()
    if embedder is not None:
        start = time.perf_counter()
        index = bot_index(embedder)
        build_ms = (time.perf_counter() - start) * 1000
        if args.show:
            print(embedder.name)
        runs[embedder.name] = (*measure(index, splits, args.show, embedder), build_ms)
    elif not args.words_only:
        print(f"no model: {paraphrase_model.missing_reason() or 'ASK_MODEL is off'}")

    print(
        f"{'index':<17} {'set':<6} {'n':>4} {'hit@1':>7} {'hit@3':>7} "
        f"{'refused answerable':>19} {'refused unanswerable':>21}"
    )
    for name, (results, _, _) in runs.items():
        for split, r in results.items():
            print(
                f"{name:<17} {split:<6} {r.answerable:>4} {r.hit_at_1:>7.1%} {r.hit_at_3:>7.1%} "
                f"{r.refused_answerable:>19} "
                f"{r.refused_unanswerable_share:>14.1%} of {r.unanswerable:<3}"
            )
    # Few questions: how far the test half's figures could be from the rate on questions
    # like them (Wilson's 95% interval).
    for name, (results, _, _) in runs.items():
        if "test" in results:
            r = results["test"]
            low3, high3 = wilson(r.hit_at_3, r.answerable)
            low_u, high_u = wilson(r.refused_unanswerable_share, r.unanswerable)
            print(
                f"{name}: test half, 95% intervals: hit@3 {low3:.0%}-{high3:.0%}, "
                f"unanswerable refused {low_u:.0%}-{high_u:.0%}"
            )
    for name, (_, (first, again), built) in runs.items():
        print(
            f"{name}: index built in {built:.0f} ms (quiz loading included, model loading not); "
            f"one question: {first:.2f} ms the first time, {again:.2f} ms again (medians)"
        )

    def figures(results: dict[str, Result], per_query: tuple[float, float]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if "test" in results:
            out |= results["test"].as_json()
        out |= {split: r.as_json() for split, r in results.items() if split != "test"}
        out["query_ms"] = round(per_query[0], 3)
        out["query_ms_again"] = round(per_query[1], 3)
        return out

    best = list(runs)[-1]
    summary = {"index": best} | figures(*runs[best][:2])
    if best != "words only":
        summary["words_only"] = figures(*runs["words only"][:2])
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
