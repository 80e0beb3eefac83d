"""The JSON Schema of quiz files, generated from the models that validate them."""

from __future__ import annotations

import json
from typing import Any

from bot.quiz.models import Quiz


def quiz_json_schema() -> dict[str, Any]:
    schema = Quiz.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def quiz_json_schema_text() -> str:
    return json.dumps(quiz_json_schema(), indent=2, ensure_ascii=False) + "\n"
