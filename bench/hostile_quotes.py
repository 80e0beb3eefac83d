"""'Did you mean' on a hostile quiz: long quotes, none of them in a long source.

Builds the hostile upload of tests/quiz/hostile.py (a 256 KiB source of random words, a
quiz of nearly 256 KiB whose 280 quotes of 900 characters are all missing from it) in
two shapes: the source as one paragraph, and in paragraphs shorter than the quotes. For
each, in the same run, it measures the CPU time of:
  - baseline: loading the file with "did you mean" switched off (parse, validate, look
    every quote up; no suggestions);
  - quizbot: loading it as /quiz upload does, suggestions within the file's budget;
  - before: the search as it was (every paragraph aligned exactly, no budget), timed on
    the first few quotes and multiplied out to all of them (the real thing takes from a
    minute to a quarter of an hour).
An ordinary case comes first: the shipped quiz with a misspelling in most quotes, where
every suggestion is made.

Prints a table and, as its last line, one JSON object with its figures.
Usage: python bench/hostile_quotes.py [--repeat 3] [--before-sample 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bot.quiz import loader
from bot.quiz.loader import LoadResult, load_quiz
from bot.quiz.quotes import SourceText, SuggestionBudget
from tests.quiz.hostile import Hostile, hostile
from tests.quiz.test_quote_suggestions import _closest_before

ROOT = Path(__file__).resolve().parents[1]


def cpu(run: Callable[[], object], repeat: int) -> float:
    """The median CPU seconds of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def load(case: Hostile) -> LoadResult:
    return load_quiz(case.quiz, "hostile.yaml", case.read_source)


def load_without_suggestions(case: Hostile) -> LoadResult:
    original = loader.SuggestionBudget
    loader.SuggestionBudget = lambda: SuggestionBudget(work=0)  # type: ignore[assignment, misc]
    try:
        return load(case)
    finally:
        loader.SuggestionBudget = original  # type: ignore[misc]


def before(case: Hostile, sample: int) -> float:
    """CPU seconds of the old search over all quotes, from a sample of the first ones."""
    if sample <= 0:
        return float("nan")
    source = SourceText(case.source.decode())
    quotes = [
        line.split("- ", 1)[1].strip().strip('"')
        for line in case.quiz.decode().splitlines()
        if line.startswith("      - ")
    ][:sample]
    start = time.process_time()
    for quote in quotes:
        _closest_before(source, quote)
    return (time.process_time() - start) / len(quotes) * case.quotes


def ordinary() -> Hostile:
    """The shipped quiz with most quotes misspelled: every suggestion is made."""
    text = (ROOT / "quizzes" / "icc-gaza-2014.yaml").read_text()
    text = text.replace("Israel", "Isreal").replace("court", "cuort")
    source = (ROOT / "quizzes" / "sources" / "icc-gaza-2014.txt").read_bytes()
    return Hostile(text.encode(), source, text.count("quote"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before-sample", type=int, default=3)
    args = parser.parse_args()

    cases = {
        "ordinary: shipped quiz, quotes misspelled": (ordinary(), 0),
        "hostile: source in one paragraph": (hostile(), args.before_sample),
        "hostile: paragraphs shorter than quotes": (
            hostile(paragraph_words=100),
            args.before_sample,
        ),
    }
    rows = []
    for name, (case, sample) in cases.items():
        result = load(case)
        suggested = sum("did you mean:" in d.message for d in result.diagnostics)
        missing = sum(d.message.startswith("quote not found") for d in result.diagnostics)
        note = next((d for d in result.diagnostics if '"did you mean" left out' in d.message), None)
        left_out = (
            int(note.message.split(" quote(s)")[0].rsplit(" ", 1)[1].replace(",", ""))
            if note
            else 0
        )
        baseline = cpu(lambda c=case: load_without_suggestions(c), args.repeat)
        quizbot = cpu(lambda c=case: load(c), args.repeat)
        rows.append(
            {
                "case": name,
                "quiz_bytes": len(case.quiz),
                "source_bytes": len(case.source),
                "quotes_not_found": missing,
                "with_suggestion": suggested,
                "left_out": left_out,
                "baseline_cpu_s": round(baseline, 3),
                "quizbot_cpu_s": round(quizbot, 3),
                "quizbot_over_baseline": round(quizbot / baseline, 1) if baseline else None,
                "before_cpu_s_extrapolated": round(before(case, sample), 1) if sample else None,
            }
        )

    header = (
        f"{'case':44} {'not found':>9} {'suggested':>9} {'left out':>8} "
        f"{'baseline s':>10} {'quizbot s':>9} {'x base':>6} {'before s*':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        before_s = r["before_cpu_s_extrapolated"]
        print(
            f"{r['case']:44} {r['quotes_not_found']:>9} {r['with_suggestion']:>9} "
            f"{r['left_out']:>8} {r['baseline_cpu_s']:>10.3f} {r['quizbot_cpu_s']:>9.3f} "
            f"{r['quizbot_over_baseline']:>6} {before_s if before_s is not None else '-':>9}"
        )
    print(
        "CPU seconds, median of",
        args.repeat,
        "runs. baseline: the same load without"
        ' "did you mean"; before*: the old unbounded search, extrapolated from'
        f" {args.before_sample} quotes.",
    )
    print(json.dumps({"benchmark": "hostile_quotes", "repeat": args.repeat, "rows": rows}))


if __name__ == "__main__":
    main()
