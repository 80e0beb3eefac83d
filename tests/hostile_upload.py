"""A quiz upload built to be slow to check: many long quotes, none of them in a long source."""

from __future__ import annotations

import os
import random
from pathlib import Path

LIMIT = 256 * 1024


def hostile_upload(seed: int = 7) -> tuple[bytes, bytes]:
    """A quiz file near 256 KiB whose many long quotes all miss its ~256 KiB source of
    random words: every missing quote sends the loader looking for what it might have
    meant (the shape that costs the loader most, even with its "did you mean" budget)."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"

    def vocabulary() -> list[str]:
        return ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(5000)]

    def words(vocab: list[str], length: int) -> str:
        picked: list[str] = []
        while sum(len(w) + 1 for w in picked) < length:
            picked.append(rng.choice(vocab))
        return " ".join(picked)[:length].strip()

    present, absent = vocabulary(), vocabulary()
    paragraphs: list[str] = []
    while sum(len(p) + 2 for p in paragraphs) < LIMIT - 600:
        paragraphs.append(" ".join(rng.choice(present) for _ in range(60)))
    source = "\n\n".join(paragraphs).encode()[:LIMIT]

    head = (
        "id: hostile-quiz\ntitle: Hostile\nsource:\n  title: Noise\n  file: noise.txt\nquestions:\n"
    )
    parts, size = [head], len(head)
    while True:
        quotes = "".join(f"      - {words(absent, 300)}\n" for _ in range(20))
        question = (
            f"  - id: q{len(parts)}\n    type: true_false\n    prompt: Is it so?\n"
            f"    answer: true\n    explanation: Because.\n    quote:\n{quotes}"
        )
        if size + len(question) > LIMIT:
            break
        parts.append(question)
        size += len(question)
    return "".join(parts).encode(), source


def checking_processes() -> list[int]:
    """This process's children that are checking an upload (Linux: from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        if parent == os.getpid() and b"_check_main" in cmdline:
            found.append(int(entry.name))
    return found
