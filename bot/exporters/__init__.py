"""Quizzes written out in other tools' formats: GIFT, Moodle XML, Aiken, QTI (Canvas), Anki."""
