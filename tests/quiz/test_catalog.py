from __future__ import annotations

import os
from pathlib import Path

from bot.quiz.catalog import Catalog, validate_paths
from tests.quiz.conftest import BASE, variant


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _bump(path: Path) -> None:
    """Make sure a rewrite is seen even on filesystems with coarse timestamps."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_broken_files_do_not_stop_good_ones(tmp_path: Path) -> None:
    _write(tmp_path / "good.yaml", BASE)
    _write(tmp_path / "nested" / "also-good.yml", variant("id: demo-quiz", "id: second-quiz"))
    _write(tmp_path / "broken.yaml", variant("prompt: Who", "promt: Who"))
    catalog = Catalog(tmp_path)
    report = catalog.reload()
    assert sorted(catalog.quizzes) == ["demo-quiz", "second-quiz"]
    assert {d.file.rsplit("/", 1)[-1] for d in catalog.errors} == {"broken.yaml"}
    assert sorted(report.loaded) == ["demo-quiz", "second-quiz"]


def test_duplicate_quiz_ids_across_files(tmp_path: Path) -> None:
    _write(tmp_path / "a.yaml", BASE)
    _write(tmp_path / "b.yaml", variant("title: Demo\n", "title: Copy\n"))
    catalog = Catalog(tmp_path)
    catalog.reload()
    assert catalog.get("demo-quiz").quiz.title == "Demo"  # the first in path order keeps it
    [clash] = catalog.errors
    assert clash.file.endswith("b.yaml") and (clash.line, clash.column) == (1, 5)
    assert "already used by" in clash.message and clash.message.endswith("quiz ids must be unique")


def test_reload_reparses_only_what_changed(tmp_path: Path) -> None:
    for i in range(5):
        _write(tmp_path / f"q{i}.yaml", variant("id: demo-quiz", f"id: quiz-{i}"))
    catalog = Catalog(tmp_path)
    assert catalog.reload().reparsed == 5
    assert catalog.reload().reparsed == 0
    _write(
        tmp_path / "q2.yaml", variant("id: demo-quiz", "id: quiz-2").replace("Demo\n", "Edited\n")
    )
    _bump(tmp_path / "q2.yaml")
    report = catalog.reload()
    assert report.reparsed == 1 and report.loaded == ["quiz-2"]
    assert catalog.get("quiz-2").quiz.title == "Edited"


def test_a_broken_edit_keeps_the_last_good_version_serving(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    _write(path, BASE)
    catalog = Catalog(tmp_path)
    catalog.reload()
    version = catalog.get("demo-quiz").version
    _write(path, BASE.replace("prompt:", "promt:"))
    _bump(path)
    report = catalog.reload()
    assert report.removed == [] and report.kept == [("demo-quiz", str(path))]
    assert any("promt" in d.message for d in report.diagnostics)
    assert catalog.get("demo-quiz").version == version  # still served
    assert catalog.errors  # and still reported
    _write(path, BASE.replace("title: Demo\n", "title: Fixed\n"))
    _bump(path)
    catalog.reload()
    assert catalog.get("demo-quiz").quiz.title == "Fixed" and catalog.errors == []
    assert catalog.version("demo-quiz", version).quiz.title == "Demo"  # the old version, for games


def test_source_file_change_revalidates_the_quiz(tmp_path: Path) -> None:
    source = tmp_path / "sources" / "demo.txt"
    _write(source, "The ICC prosecutor said so.\n")
    quiz_text = variant(
        BASE[BASE.index("  text: |") : BASE.index("questions:")], "  file: sources/demo.txt\n"
    )
    _write(tmp_path / "q.yaml", quiz_text)
    catalog = Catalog(tmp_path)
    catalog.reload()
    assert catalog.get("demo-quiz") is not None
    _write(source, "Nobody said anything.\n")
    _bump(source)
    report = catalog.reload()
    assert report.reparsed == 1 and report.kept == [("demo-quiz", str(tmp_path / "q.yaml"))]
    assert any("quote not found" in d.message for d in catalog.errors)


def test_removed_file_is_no_longer_served(tmp_path: Path) -> None:
    _write(tmp_path / "q.yaml", BASE)
    catalog = Catalog(tmp_path)
    catalog.reload()
    (tmp_path / "q.yaml").unlink()
    assert catalog.reload().removed == ["demo-quiz"]
    assert len(catalog) == 0


def test_validate_paths_single_file_uses_the_quiz_directory(tmp_path: Path) -> None:
    quiz_dir = tmp_path / "quizzes"
    _write(quiz_dir / "sources" / "demo.txt", "The ICC prosecutor said so.\n")
    quiz_text = variant(
        BASE[BASE.index("  text: |") : BASE.index("questions:")], "  file: ../sources/demo.txt\n"
    )
    _write(quiz_dir / "sub" / "q.yaml", quiz_text)
    [result] = validate_paths([quiz_dir / "sub" / "q.yaml"], quiz_dir)
    assert result.ok, result.diagnostics
    [outside] = validate_paths([quiz_dir / "sub" / "q.yaml"], tmp_path / "elsewhere")
    assert any("outside the quiz directory" in d.message for d in outside.diagnostics)
