"""stamps.py: the feeds and kb.json are made again only when what they are made of changed,
and are then what a clean build writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Build, replace
from kb.outputs import atom as feeds
from kb.outputs import export


@pytest.fixture
def site(copy_root) -> Path:
    src = copy_root("publishing")
    Build(src)
    return src


def outputs(src: Path) -> dict[str, bytes]:
    out = src / "_build" / "html"
    files = [out / export.EXPORT_FILE, *sorted((out / feeds.FEEDS_DIR).rglob("*.xml"))]
    return {str(path.relative_to(out)): path.read_bytes() for path in files}


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The names of the whole-site files made during a build."""
    made: list[str] = []
    build_export, plan = export.build_export, feeds.plan
    monkeypatch.setattr(export, "build_export",
                        lambda *a, **k: made.append("kb.json") or build_export(*a, **k))
    monkeypatch.setattr(feeds, "plan", lambda *a, **k: made.append("feeds") or plan(*a, **k))
    return made


def clean_copy(src: Path, tmp_path: Path) -> dict[str, bytes]:
    clean = tmp_path / "clean"
    shutil.copytree(src, clean, ignore=shutil.ignore_patterns("_build"))
    Build(clean)
    return outputs(clean)


def test_a_no_op_rebuild_makes_neither_the_feeds_nor_the_export(site: Path, counted) -> None:
    before = outputs(site)
    Build(site)
    assert counted == []
    assert outputs(site) == before


def test_an_edit_of_the_records_makes_both_again_as_a_clean_build(site: Path, counted,
                                                                     tmp_path: Path) -> None:
    replace(site / "newsletters" / "weekly" / "issue-2.md", "title: 'Issue 2:",
            "title: 'Issue 2 (retitled):")
    before = outputs(site)
    Build(site)
    assert sorted(counted) == ["feeds", "kb.json"]
    after = outputs(site)
    assert after != before
    assert after == clean_copy(site, tmp_path)


def test_a_deleted_file_is_made_again(site: Path, counted) -> None:
    before = outputs(site)
    (site / "_build" / "html" / export.EXPORT_FILE).unlink()
    shutil.rmtree(site / "_build" / "html" / feeds.FEEDS_DIR)
    Build(site)
    assert sorted(counted) == ["feeds", "kb.json"]
    assert outputs(site) == before


def test_a_changed_configuration_makes_both_again(site: Path, counted) -> None:
    Build(site, confoverrides={"html_baseurl": "https://example.com/elsewhere/"})
    assert sorted(counted) == ["feeds", "kb.json"]
    assert any(b"https://example.com/elsewhere/" in data for data in outputs(site).values())
