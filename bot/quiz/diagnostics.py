"""Compiler-style messages about quiz files: `PATH:LINE:COL: error: WHERE: MESSAGE`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
# A path inside the parsed document, e.g. ("questions", 2, "choices").
Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int  # 1-based
    column: int  # 1-based
    severity: Severity
    where: str  # e.g. "questions[2].choices"; "" for the file as a whole
    message: str

    def format(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {where}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "where": self.where,
            "message": self.message,
        }


def format_loc(loc: Sequence[str | int]) -> str:
    """("questions", 2, "choices") -> "questions[2].choices"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)
