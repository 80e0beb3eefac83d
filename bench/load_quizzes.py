"""Loading a large quiz catalog: the project's full load-and-validate next to bare parsing.

Generates 100 quiz files with 10,000 questions in all (every type, every quote checked
against a shared source), then times, in the same run:
  - baseline: `yaml.load(bytes, CSafeLoader)` of the same files (parse only, no checks);
  - quizbot: `Catalog.reload()` from cold: read, parse, validate, verify every quote;
  - reload after one of the 100 files changed (only that file is read again).

When the Red-DiscordBot trivia lists are beside this checkout
(`../shared/corpora/red-trivia-lists`), it also converts all of them with the Red importer
into a temporary quiz directory and times bare parsing against the full load of those
real-world files, side by side in the same run.

Prints a table and, as its last line, one JSON object with its figures.
Usage: python bench/load_quizzes.py [--files 100] [--questions 100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from bot.importers.red import convert_red
from bot.quiz.catalog import Catalog, find_quiz_files

RED_LISTS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "red-trivia-lists"

SOURCE = """\
The committee met on Tuesday to discuss the new library, the mayor's office said.

Officials said the building would hold more than 40,000 books and open in the spring.
Critics argued that the cost, put at 12 million dollars, was too high for a town of its size.

“We are building for the next fifty years,” the mayor told reporters at the site. She said
the town had consulted residents in three public meetings.

The council will vote on the final budget next month; a spokesman declined to comment on
whether the vote would be delayed.
"""

QUOTES = [
    "The committee met on Tuesday to discuss the new library",
    "Officials said the building would hold more than 40,000 books",
    "the cost, put at 12 million dollars, was too high",
    "We are building for the next fifty years",
    "the town had consulted residents ... public meetings",
    "a spokesman declined to comment",
]


def question(rng: random.Random, n: int) -> str:
    kind = n % 5
    quote = json.dumps(QUOTES[n % len(QUOTES)], ensure_ascii=False)
    head = f"  - id: q{n}\n"
    tail = (
        f"    explanation: Explanation number {n}, which says why the answer is right.\n"
        f"    quote: {quote}\n"
        f"    difficulty: {rng.choice(['easy', 'medium', 'hard'])}\n"
        f"    tags: [library, budget]\n"
    )
    if kind in (0, 1):
        correct = {rng.randrange(4)} if kind == 0 else {0, 2}
        choices = "".join(
            f"      - text: Choice {c} of question {n}\n"
            + (
                "        correct: true\n"
                if c in correct
                else f"        feedback: Not choice {c}.\n"
            )
            for c in range(4)
        )
        return (
            head
            + f"    prompt: What does the article say, question {n}?\n    choices:\n{choices}"
            + tail
        )
    if kind == 2:
        return (
            head
            + f"    type: true_false\n    prompt: Statement {n} is true.\n"
            + f"    answer: {rng.choice(['true', 'false'])}\n"
            + tail
        )
    if kind == 3:
        return (
            head
            + f"    type: short_answer\n    prompt: Who said it, question {n}?\n"
            + "    answers: [The mayor, Mayor]\n"
            + tail
        )
    return (
        head
        + f"    type: number\n    prompt: How many meetings, question {n}?\n"
        + "    answer: 3\n    tolerance: 0\n"
        + tail
    )


def generate(root: Path, files: int, per_file: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "sources" / "library.txt").write_text(SOURCE, encoding="utf-8")
    for f in range(files):
        body = "".join(question(rng, f * per_file + i) for i in range(per_file))
        (root / f"quiz-{f:03d}.yaml").write_text(
            f"id: bench-quiz-{f:03d}\ntitle: Benchmark quiz {f}\n"
            "source:\n  title: The new library\n  publisher: Town Gazette\n"
            "  file: sources/library.txt\n"
            "settings:\n  questions_per_game: 10\n"
            f"questions:\n{body}",
            encoding="utf-8",
        )


def bare_parse(paths: list[Path]) -> int:
    loaded = 0
    for path in paths:
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        loaded += len(data["questions"])
    return loaded


def full_load(root: Path) -> int:
    catalog = Catalog(root)
    catalog.reload()
    if catalog.errors:
        raise SystemExit(f"generated catalog has errors: {catalog.errors[:3]}")
    return sum(len(q.quiz.questions) for q in catalog)


def convert_red_lists(lists: Path, root: Path) -> int:
    """Every Red list converted into `root` (lists over 500 questions in parts); questions kept."""
    root.mkdir(parents=True, exist_ok=True)
    kept = 0
    for path in sorted(lists.glob("*.yaml")):
        conversion = convert_red(path.read_bytes(), path.stem)
        kept += conversion.kept
        for quiz_id, text in conversion.documents():
            (root / f"{quiz_id}.yaml").write_text(text, encoding="utf-8")
    return kept


def time_red_lists(lists: Path, repeat: int) -> tuple[int, int, int, float, float]:
    """(lists, quiz files, questions, bare seconds, full seconds): medians, interleaved."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "red"
        kept = convert_red_lists(lists, root)
        paths = find_quiz_files(root)
        bare_times, full_times = [], []
        for _ in range(repeat):
            t, n_bare = timed(bare_parse, paths)
            bare_times.append(t)
            t, n_full = timed(full_load, root)
            full_times.append(t)
        assert n_bare == n_full == kept, (n_bare, n_full, kept)
    count = len(list(lists.glob("*.yaml")))
    return count, len(paths), kept, statistics.median(bare_times), statistics.median(full_times)


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--questions", type=int, default=100, help="per file")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "quizzes"
        generate(root, args.files, args.questions)
        paths = find_quiz_files(root)
        bare_times, full_times = [], []
        for _ in range(args.repeat):  # interleaved, so that noise hits both alike
            t, n_bare = timed(bare_parse, paths)
            bare_times.append(t)
            t, n_full = timed(full_load, root)
            full_times.append(t)
        assert n_bare == n_full == args.files * args.questions

        catalog = Catalog(root)
        catalog.reload()
        reload_times, unchanged_times = [], []
        target = paths[len(paths) // 2]
        original = target.read_text(encoding="utf-8")
        for i in range(args.repeat):
            target.write_text(
                original.replace("Benchmark quiz", f"Edited quiz {i}"), encoding="utf-8"
            )
            t, report = timed(catalog.reload)
            assert report.reparsed == 1 and not catalog.errors, report
            reload_times.append(t)
            t, report = timed(catalog.reload)
            assert report.reparsed == 0
            unchanged_times.append(t)

    red = time_red_lists(RED_LISTS, args.repeat) if RED_LISTS.is_dir() else None

    bare = statistics.median(bare_times)
    full = statistics.median(full_times)
    reload_one = statistics.median(reload_times)
    rows = [
        ("bare yaml.load (CSafeLoader), parse only", bare),
        ("quizbot full load + validate + quotes", full),
        ("quizbot reload, 1 of 100 files changed", reload_one),
        ("quizbot reload, nothing changed", statistics.median(unchanged_times)),
    ]
    questions = args.files * args.questions
    print(f"{args.files} files, {questions:,} questions; median of {args.repeat} runs")
    print(f"{'what':<44} {'ms':>10} {'questions/s':>14}")
    counts = {name: questions for name, _ in rows}
    if red is not None:
        red_lists, red_files, red_questions, red_bare, red_full = red
        rows += [
            (f"red lists ({red_lists}): bare yaml.load", red_bare),
            (f"red lists ({red_lists}): quizbot full load", red_full),
        ]
        counts.update({name: red_questions for name, _ in rows[-2:]})
    for name, seconds in rows:
        rate = f"{counts[name] / seconds:,.0f}" if "reload" not in name else "-"
        print(f"{name:<44} {seconds * 1000:>10.1f} {rate:>14}")
    ratio = full / bare
    print(
        f"ratio full/bare: {ratio:.2f}x (target <= 1.5x); "
        f"reload one file: {reload_one * 1000:.1f} ms (target < 100 ms)"
    )
    figures = {
        "files": args.files,
        "questions": questions,
        "bare_csafeloader_ms": round(bare * 1000, 1),
        "full_load_ms": round(full * 1000, 1),
        "ratio_vs_csafeloader": round(ratio, 3),
        "reload_one_ms": round(reload_one * 1000, 2),
        "reload_unchanged_ms": round(statistics.median(unchanged_times) * 1000, 2),
    }
    if red is None:
        print(
            f"red lists: skipped: {RED_LISTS} does not exist "
            "(the corpus is not beside this checkout)"
        )
    else:
        print(
            f"red lists: {red_lists} lists converted into {red_files} quiz files "
            f"(at most 500 questions each), {red_questions:,} questions; "
            f"ratio full/bare: {red_full / red_bare:.2f}x"
        )
        figures.update(
            {
                "red_questions": red_questions,
                "red_bare_ms": round(red_bare * 1000, 1),
                "red_full_ms": round(red_full * 1000, 1),
                "red_ratio_vs_csafeloader": round(red_full / red_bare, 3),
            }
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
