"""pydantic's validation errors rewritten for teachers, with the path of what is wrong."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from babel.lists import format_list
from pydantic import BaseModel
from pydantic_core import ErrorDetails
from rapidfuzz import process

from bot.i18n import _, current_language, ngettext
from bot.quiz.diagnostics import Loc
from bot.quiz.models import LANGUAGE_PATTERN, QUESTION_TYPES, Choice, Quiz, Settings, Source

_BOOL_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false"})


@dataclass(frozen=True, slots=True)
class FieldError:
    loc: Loc  # path in the document as written: where the message points
    message: str
    at_key: bool = False
    where: Loc | None = None  # shown in the message when not `loc` itself
    # What the quiz needs where a list or mapping was expected (for the spacing hints).
    wants: Literal["list", "mapping"] | None = None


def did_you_mean(word: str, options: Iterable[str], cutoff: float = 70) -> str:
    match = process.extractOne(word, list(options), score_cutoff=cutoff)
    return _("; did you mean `{word}`?").format(word=match[0]) if match else ""


def describe(value: Any) -> str:
    if value is None:
        return _("nothing (an empty value)")
    if isinstance(value, bool):
        return _("the boolean {value}").format(value=str(value).lower())
    if isinstance(value, int | float):
        written = _written(value)
        if written is None:  # an int too long for Python to print (floats always print)
            digits = _digits(int(value))
            return ngettext(
                "a number of {count} digit", "a number of {count} digits", digits
            ).format(count=f"{digits:,}")
        return _("the number {number}").format(number=_shorten(written))
    if isinstance(value, str):
        return _("the text `{text}`").format(text=_shorten(value))
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _written(value: object) -> str | None:
    """A text, or a number as the file writes it; None for anything else.

    Numbers from the file print as written (WrittenInt, WrittenFloat). Python refuses to
    print an int of more than 4,300 digits (ValueError), so str() is never trusted blindly.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:
            return None
    return None


def _shown(value: object) -> str:
    """A value inside a message: short, and whatever its type."""
    written = _written(value)
    return _shorten(written) if written is not None else describe(value)


def _digits(value: int) -> int:
    # From the bit length: counting the characters would need the text Python refuses.
    digits = int(abs(value).bit_length() * 0.30102999566398120) + 1
    return digits - 1 if abs(value) < 10 ** (digits - 1) else digits


def _count(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def translate(errors: list[ErrorDetails], data: object, scalar_text: Any) -> list[FieldError]:
    """Turn pydantic errors into FieldErrors, one per place, most specific first."""
    out: list[FieldError] = []
    candidates: list[tuple[Loc, bool, ErrorDetails]] = []
    for err in errors:
        if err["type"] == "missing":
            parent, _label = _real_path(err["loc"][:-1], data)
            candidates.append(((*parent, str(err["loc"][-1])), False, err))
        else:
            path, trailing_label = _real_path(err["loc"], data)
            candidates.append((path, trailing_label, err))
    # A union reports a type error for each branch it tried; keep the most specific.
    kept: dict[Loc, ErrorDetails] = {}
    for path, trailing_label, err in candidates:
        if trailing_label and any(
            other[: len(path)] == path and other != path for other, _trailing, _err in candidates
        ):
            continue
        previous = kept.get(path)
        if previous is None or _more_telling(err, previous):
            kept[path] = err
    for path, err in kept.items():
        out.append(_field_error(path, err, data, scalar_text))
    return out


def _more_telling(new: ErrorDetails, old: ErrorDetails) -> bool:
    """Of two union branches' errors at one place, the one that says more."""
    if old["type"] == "int_type" and new["type"] == "float_type":
        return True  # "expected a number" covers both branches
    # A constraint (too short, too long) beats "expected text" from a branch that never fit.
    return old["type"].endswith("_type") and not new["type"].endswith("_type")


def _real_path(loc: tuple[int | str, ...], data: object) -> tuple[Loc, bool]:
    """Follow `loc` through the data, skipping union branch labels; report a trailing label."""
    path: list[str | int] = []
    node = data
    skipped_last = False
    for part in loc:
        found, child = _step(node, part)
        if found:
            node = child
            path.append(part)
        skipped_last = not found
    return tuple(path), skipped_last


def _step(node: object, part: str | int) -> tuple[bool, object]:
    """One step down a path of keys and indexes: (whether it exists, the value there)."""
    if isinstance(node, dict) and isinstance(part, str) and part in node:
        return True, node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    return False, None


def _model_at(path: Loc, data: object) -> type[BaseModel] | None:
    """The model that validates the mapping at `path` (for the list of keys it knows)."""
    match path:
        case ():
            return Quiz
        case ("source",):
            return Source
        case ("settings",):
            return Settings
        case ("questions", int(index)):
            question = _get(data, "questions", index)
            kind = question.get("type", "choice") if isinstance(question, dict) else None
            return QUESTION_TYPES.get(kind) if isinstance(kind, str) else None
        case ("questions", int(), "choices", int()):
            return Choice
    return None


def _get(data: object, *path: str | int) -> object:
    for part in path:
        found, data = _step(data, part)
        if not found:
            return None
    return data


def _field_error(path: Loc, err: ErrorDetails, data: object, scalar_text: Any) -> FieldError:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    field = path[-1] if path else ""
    if kind == "missing":
        return FieldError(path[:-1], _("missing required key `{key}`").format(key=field))
    if kind == "extra_forbidden":
        return FieldError(
            path, _unknown_key(str(field), path[:-1], data), at_key=True, where=path[:-1]
        )
    if kind == "question_type":
        if not isinstance(value, dict):
            return FieldError(
                path,
                _("a question must be a mapping of keys (id, prompt, ...), not {value}").format(
                    value=describe(value)
                ),
                wants="mapping",
            )
        names = list(QUESTION_TYPES)
        written = scalar_text((*path, "type")) or _shown(value.get("type"))
        return FieldError(
            (*path, "type"),
            _("unknown question type `{written}`; expected one of {types}").format(
                written=written, types=", ".join(names)
            )
            + did_you_mean(written, names),
        )
    if kind == "model_type" or kind == "dict_type":
        return FieldError(
            path,
            _("expected a mapping of keys, got {value}").format(value=describe(value)),
            wants="mapping",
        )
    if kind == "list_type":
        return FieldError(
            path, _("expected a list, got {value}").format(value=describe(value)), wants="list"
        )
    if kind == "string_type":
        written = scalar_text(path)
        if isinstance(value, bool) and written and written.lower() in _BOOL_WORDS:
            return FieldError(
                path,
                _(
                    '`{written}` is read by YAML as a boolean; write "{written}" in quotes '
                    "to mean the word"
                ).format(written=written),
            )
        return FieldError(path, _("expected text, got {value}").format(value=describe(value)))
    if kind == "bool_type":
        return FieldError(
            path,
            _("expected true or false (without quotes), got {value}").format(value=describe(value)),
        )
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return FieldError(
            path,
            _("expected a whole number, got {value}").format(value=describe(value))
            + _number_hint(value),
        )
    if kind in ("float_type", "float_parsing"):
        return FieldError(
            path,
            _("expected a number, got {value}").format(value=describe(value)) + _number_hint(value),
        )
    if kind == "string_too_short":
        return FieldError(path, _("must not be empty"))
    if kind == "string_too_long":
        # A number in a text field is measured as written: pydantic measured its text.
        written = _written(value)
        limit = _count(ctx.get("max_length"))
        if written is None:
            return FieldError(path, _("is too long; the limit is {limit}").format(limit=limit))
        return FieldError(
            path,
            ngettext(
                "is {length} character long; the limit is {limit}",
                "is {length} characters long; the limit is {limit}",
                len(written),
            ).format(length=f"{len(written):,}", limit=limit),
        )
    if kind == "too_short":
        return FieldError(
            path,
            _("needs at least {minimum} item(s); it has {count}").format(
                minimum=_count(ctx.get("min_length")), count=_count(ctx.get("actual_length"))
            ),
        )
    if kind == "too_long":
        return FieldError(
            path,
            _("has {count} items; the limit is {limit}").format(
                count=_count(ctx.get("actual_length")), limit=_count(ctx.get("max_length"))
            ),
        )
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return FieldError(
            path,
            _("must be at least {bound}; got {value}").format(bound=bound, value=_shown(value)),
        )
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return FieldError(
            path, _("must be at most {bound}; got {value}").format(bound=bound, value=_shown(value))
        )
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == LANGUAGE_PATTERN:
        return FieldError(
            path,
            _(
                "`{value}` is not a language tag: use a BCP 47 tag such as en, fr, es-MX or hi"
            ).format(value=_shown(value)),
        )
    if kind == "string_pattern_mismatch":
        return FieldError(
            path,
            _(
                "`{value}` is not a valid id: use 2 to 64 lowercase letters, digits and dashes, "
                "starting with a letter or digit (e.g. `icc-gaza-2014`)"
            ).format(value=_shown(value)),
        )
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        written = _written(value)
        options = [e.strip() for e in expected.replace(" or ", ",").split(",")]
        return FieldError(
            path,
            _("`{value}` is not allowed; expected {expected}").format(
                value=_shown(value), expected=expected
            )
            + (did_you_mean(written, options) if written is not None else ""),
        )
    if kind.startswith("url"):
        return FieldError(
            path,
            _("`{value}` is not a web address starting with http:// or https://").format(
                value=_shown(value)
            ),
        )
    return FieldError(path, err["msg"])  # pragma: no cover - a type this map does not know yet


def _number_hint(value: object) -> str:
    if not isinstance(value, str):
        return ""
    bare = value.replace(",", "").replace("_", "").replace(" ", "")
    try:
        float(bare)
    except ValueError:
        return ""
    if bare != value.strip():
        return _("; write it without separators: {number}").format(number=bare)
    return _("; write it without quotes: {number}").format(number=bare)


def _unknown_key(key: str, parent: Loc, data: object) -> str:
    model = _model_at(parent, data)
    if model is None:
        return _("unknown key `{key}`").format(key=key)
    known = list(model.model_fields)
    if model in QUESTION_TYPES.values():
        homes = [name for name, m in QUESTION_TYPES.items() if key in m.model_fields]
        if homes:
            # Translators: {kind} and {homes} are question types as written in the file
            # (choice, short_answer, number...); {homes} lists one or more of them.
            return _(
                "`{key}` does not belong in a {kind} question (only in {homes} questions)"
            ).format(
                key=key,
                kind=_type_of(model),
                homes=format_list(homes, locale=current_language()),
            )
        if key in Choice.model_fields:
            return _("`{key}` belongs to a choice (under `choices:`), not to the question").format(
                key=key
            )
    return _("unknown key `{key}`").format(key=key) + did_you_mean(key, known)


def _type_of(model: type[BaseModel]) -> str:
    return next(name for name, m in QUESTION_TYPES.items() if m is model)
