"""kb.build.config: kb_series as Series records, each bad entry reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kb.build.config import load_series, read_series
from kb.model.records import Series
from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"


def test_valid_series_become_records():
    series, problems = read_series({
        "weekly": {"name": "Weekly", "url": "https://example.org/", "kind": "newsletter"},
        "any": {"name": "Any kind"},
    })
    assert problems == []
    assert series == {"weekly": Series("weekly", "Weekly", "https://example.org/", "newsletter"),
                      "any": Series("any", "Any kind", None, None)}


@pytest.mark.parametrize(("spec", "message"), [
    ("Weekly", "kb_series['bad'] must be a dict with name, url and kind"),
    ({"name": "B", "kind": "magazine"}, "kb_series['bad']['kind'] must be 'review' or 'newsletter', not 'magazine'"),
    ({"name": "B", "url": "example.org"}, "kb_series['bad']['url'] must be an http:// or https:// address"),
    ({"name": ""}, "kb_series['bad']['name'] must be non-empty text"),
    ({"name": "B", "kinds": "review"}, "kb_series['bad'] has unknown keys 'kinds'; the keys are: name, url, kind"),
])
def test_each_bad_entry_is_reported_and_left_out(spec, message):
    series, problems = read_series({"good": {"name": "Good"}, "bad": spec})
    assert problems == [("bad", message)]
    assert list(series) == ["good"]


def test_not_a_dict():
    assert read_series(["weekly"])[0] == {}
    assert "kb_series must be a dict" in read_series(["weekly"])[1][0][1]


def build_with(tmp_path: Path, **overrides) -> str:
    shutil.copytree(ROOTS / "test-kb", tmp_path / "src")
    app = SphinxTestApp("html", srcdir=tmp_path / "src", confoverrides=overrides)
    try:
        app.build()
    finally:
        app.cleanup()
    return app.warning.getvalue()


def test_a_bad_entry_warns_at_conf_py(tmp_path):
    warnings = build_with(tmp_path, kb_series={
        "garden": {"name": "The Garden", "kind": "review"},
        "weekly": {"name": "Weekly", "kind": "weekly"}})
    assert ("conf.py:8: WARNING: kb_series['weekly']['kind'] must be 'review' or 'newsletter', "
            "not 'weekly' [kb.config]") in warnings
    # the pages of the series left out are told so, at their line
    assert "n220.md:4: WARNING: unknown series 'weekly'" in warnings


def test_a_bad_entry_is_located_at_its_line_in_conf_py(tmp_path):
    shutil.copytree(ROOTS / "test-kb", tmp_path / "src")
    conf = tmp_path / "src" / "conf.py"
    conf.write_text(conf.read_text().replace('"kind": "newsletter"', '"kind": "weekly"'))
    app = SphinxTestApp("html", srcdir=tmp_path / "src")
    try:
        app.build()
    finally:
        app.cleanup()
    assert "conf.py:8: WARNING: kb_series['weekly']['kind']" in app.warning.getvalue()


def test_the_scaffold_reads_the_series_the_build_reads():
    series, problems = load_series(ROOTS / "test-kb")
    assert problems == []
    assert series["weekly"] == Series("weekly", "Weekly", "https://example.org/weekly", "newsletter")
