"""kb.build.config: every kb_* setting declared once (KbConfig), checked once (a bad value
stops the build, naming its line in conf.py and what to write), read through kb_config."""

from __future__ import annotations

import os
import pickle
import shutil
from dataclasses import fields
from pathlib import Path

import pytest
from conftest import ROOTS, SERIES
from kb.build.config import (
    FIELDS,
    OVERRIDDEN,
    BadValue,
    KbConfig,
    SettingError,
    kb_config,
    line_in_conf,
    load_series,
    read_people,
    read_series,
)
from kb.cli import scaffold
from kb.model.records import Series
from kb.model.volumes import AUTO_VOLUMES_FROM
from sphinx.cmd.build import build_main
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

KIND_FIX = "write 'review' or 'newsletter', the kind of page the series holds"

# -- reading kb_series ------------------------------------------------------------------


def test_valid_series_become_records():
    assert read_series({
        "weekly": {"name": "Weekly", "url": "https://example.org/", "kind": "newsletter"},
        "any": {"name": "Any kind"},
    }) == {"weekly": Series("weekly", "Weekly", "https://example.org/", "newsletter"),
           "any": Series("any", "Any kind", None, None)}


@pytest.mark.parametrize(("spec", "keys", "value", "fix"), [
    ("Weekly", ["bad"], "Weekly", "write a dict with the series' 'name', 'url' and 'kind'"),
    ({"name": "B", "kind": "magazine"}, ["bad", "kind"], "magazine",
     "write 'review' or 'newsletter'"),
    ({"name": "B", "url": "example.org"}, ["bad", "url"], "example.org",
     "write the series' home page as an absolute http:// or https:// address"),
    ({"name": ""}, ["bad", "name"], "", "write the series' name, as non-empty text"),
    ({"name": "B", "kinds": "review"}, ["bad", "kinds"], "review",
     "the keys are 'name', 'url', 'kind'; rename or remove this one"),
])
def test_a_bad_entry_names_its_key_and_the_fix(spec, keys, value, fix):
    with pytest.raises(BadValue) as caught:
        read_series({"good": {"name": "Good"}, "bad": spec})
    assert caught.value.keys == tuple(keys) and caught.value.value == value
    assert caught.value.fix.startswith(fix)


def test_series_not_a_dict():
    with pytest.raises(BadValue, match="write a dict mapping each series' slug"):
        read_series(["weekly"])


# -- reading kb_people -------------------------------------------------------------------

ORCID = "0000-0002-1825-0097"  # ORCID's own example iD, of a fictitious person


def test_people_with_one_orcid_share_one_id():
    people = read_people({"Laskin, Misha": {"orcid": ORCID},
                          "Laskin, Michael": {"orcid": f"https://orcid.org/{ORCID}"},
                          "Tramèr, Florian": {"orcid": "0000-0002-1694-233X"}})
    assert set(people) == {"laskin--misha", "laskin--michael", "tramer--florian"}
    assert people["laskin--misha"] == people["laskin--michael"]
    assert people["laskin--misha"].orcid == ORCID
    assert people["tramer--florian"].key == "tramer--florian"


@pytest.mark.parametrize(("people", "keys", "fix"), [
    ({"Lee, K.": {"orcid": ORCID}}, ["Lee, K."],
     "give the person's full name: initials alone can stand for several people"),
    ({"Lee, Kimin": ORCID}, ["Lee, Kimin"], "write a dict: {'orcid': '0000-0002-1825-0097'}"),
    ({"Lee, Kimin": {"orcid": "0000-0002-1825-0098"}}, ["Lee, Kimin", "orcid"],
     "its check digit does not match"),
    ({"Lee, Kimin": {"orcid": 18250097}}, ["Lee, Kimin", "orcid"],
     "write the person's ORCID iD as text"),
    ({"Lee, Kimin": {"orcid": ORCID, "url": "x"}}, ["Lee, Kimin", "url"],
     "the keys are 'orcid'; rename or remove this one"),
    ({"Lee, Kimin": {"orcid": ORCID}, "lee, kimin": {"orcid": "0000-0002-1694-233X"}},
     ["lee, kimin"], "this name is given two ORCID iDs"),
    ({"": {"orcid": ORCID}}, [""], "write the name as refs.bib spells it"),
])
def test_a_bad_person_names_its_key_and_the_fix(people, keys, fix):
    with pytest.raises(BadValue) as caught:
        read_people(people)
    assert caught.value.keys == tuple(keys)
    assert caught.value.fix.startswith(fix)


def test_a_bad_orcid_stops_the_build_at_its_line(tmp_path):
    conf = _project(tmp_path, "kb_people = {", '    "Lee, Kimin": {', '        "orcid": "0000-0002-1825-0098",',
                    "    },", "}")
    line = conf.read_text(encoding="utf-8").splitlines().index('        "orcid": "0000-0002-1825-0098",') + 1
    with pytest.raises(SettingError) as caught:
        _config_of(conf)
    assert str(caught.value).startswith(
        f"{conf}:{line}: kb_people['Lee, Kimin']['orcid'] = '0000-0002-1825-0098': "
        "its check digit does not match")


# -- the line of conf.py that sets a value -----------------------------------------------

CONF = """\
kb_series = {
    "garden": {
        "name": "The Garden",
        "kind": "magazine",
    },
}
kb_split_links = 10
if True:
    kb_split_links = -3
kb_series["weekly"] = {"name": "W",
                       "kind": "x"}
kb_feed_limit: int = 0
globals()["kb_charts"] = None
"""


@pytest.mark.parametrize(("name", "keys", "line"), [
    ("kb_series", (), 1),
    ("kb_series", ("garden",), 2),
    ("kb_series", ("garden", "kind"), 4),
    ("kb_series", ("weekly", "kind"), 11),  # a subscript assignment, then its dict's key
    ("kb_series", ("other",), 1),  # not written out: the assignment of the whole dict
    ("kb_split_links", (), 9),  # the last assignment, which is the one in force
    ("kb_feed_limit", (), 12),
    ("kb_charts", (), None),  # not an assignment ast can see
    ("kb_search", (), None),
])
def test_the_line_that_sets_a_value(tmp_path, name, keys, line):
    conf = tmp_path / "conf.py"
    conf.write_text(CONF, encoding="utf-8")
    assert line_in_conf(conf, name, keys) == line


def test_no_line_in_a_missing_or_broken_conf_py(tmp_path):
    assert line_in_conf(tmp_path / "conf.py", "kb_search") is None
    (tmp_path / "conf.py").write_text("kb_search = (\n", encoding="utf-8")
    assert line_in_conf(tmp_path / "conf.py", "kb_search") is None


# -- the build stops at a bad value ------------------------------------------------------


def _project(tmp_path: Path, *lines: str) -> Path:
    """A copy of the test-kb root with `lines` appended to its conf.py; the conf.py."""
    shutil.copytree(ROOTS / "test-kb", tmp_path / "src")
    conf = tmp_path / "src" / "conf.py"
    with conf.open("a", encoding="utf-8") as out:
        out.write("".join(f"{line}\n" for line in lines))
    return conf


def _config_of(conf: Path, **overrides) -> KbConfig:
    """The settings a build of `conf`'s project starts with (it stops if one is bad)."""
    app = SphinxTestApp("html", srcdir=conf.parent, confoverrides=overrides or None)
    try:
        return kb_config(app.config)
    finally:
        app.cleanup()


# a bad value of every setting, and the end of what the build says to write instead
BAD = {
    "kb_series": ('["weekly"]', "write a dict mapping each series' slug to {'name': ..., "
                                "'url': ..., 'kind': 'review' or 'newsletter'}"),
    "kb_gc_threshold": ("(1, 2)", "write three positive whole numbers, such as (50000, 20, 20), "
                                  "or None to keep Python's own"),
    "kb_split_links": ("-3", "write a whole number of links, 0 to never split"),
    "kb_feed_limit": ("0", "write a whole number of entries per feed, at least 1"),
    "kb_feeds": ('"no"', "write True, or False to write no feeds"),
    "kb_search": ('"algolia"', "write 'pagefind', 'pagefind-deferred' "
                               "or 'sphinx'"),
    "kb_previews": ("1", "write True, or False to leave the link previews out"),
    "kb_charts": ("None", "write True, or False to leave the charts out"),
    "kb_book_volumes": ('"decade"', f"write 'auto' (a volume per year past {AUTO_VOLUMES_FROM} "
                                    "reviews and issues), 'year' (always), 'off' (one book), or "
                                    "the number of reviews and issues past which the book is "
                                    "split"),
    "kb_people": ('["Lee, Kimin"]', "write a dict mapping a name as refs.bib spells it "
                                   "('Surname, Given names') to {'orcid': '0000-0002-1825-0097'}"),
}


def test_every_setting_has_a_bad_value_here():
    assert sorted(BAD) == sorted(FIELDS)


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_value_stops_the_build_at_its_line(tmp_path, name):
    written, fix = BAD[name]
    conf = _project(tmp_path, "# the value under test", f"{name} = {written}")
    line = len(conf.read_text(encoding="utf-8").splitlines())
    with pytest.raises(SettingError) as caught:
        _config_of(conf)
    stated = written.replace('"', "'")  # as repr() shows it
    assert str(caught.value) == f"{conf}:{line}: {name} = {stated}: {fix}"
    assert not (tmp_path / "src" / "_build" / "html" / "index.html").exists()


def test_a_bool_is_not_a_number(tmp_path):
    conf = _project(tmp_path, "kb_split_links = True")
    with pytest.raises(SettingError, match="kb_split_links = True: write a whole number"):
        _config_of(conf)


def test_a_bad_series_entry_is_located_at_its_key(tmp_path):
    conf = _project(tmp_path)
    conf.write_text(conf.read_text().replace('"kind": "newsletter"', '"kind": "weekly"'))
    with pytest.raises(SettingError) as caught:
        _config_of(conf)
    assert str(caught.value) == f"{conf}:8: kb_series['weekly']['kind'] = 'weekly': {KIND_FIX}"


def test_a_value_no_line_assigns_names_conf_py_alone(tmp_path):
    conf = _project(tmp_path, 'globals()["kb_split_links"] = -3')
    with pytest.raises(SettingError) as caught:
        _config_of(conf)
    assert str(caught.value).startswith(f"{conf}: kb_split_links = -3: write")


def test_a_bad_override_says_it_is_one(tmp_path):
    conf = _project(tmp_path, "kb_feed_limit = 5")
    with pytest.raises(SettingError) as caught:
        _config_of(conf, kb_feed_limit=0)
    assert str(caught.value) == (f"{OVERRIDDEN}: kb_feed_limit = 0: "
                                 "write a whole number of entries per feed, at least 1")


def test_sphinx_build_stops_with_the_message(tmp_path, capsys):
    conf = _project(tmp_path)
    code = build_main(["-b", "html", "-q", "-D", "kb_split_links=-3",
                       str(conf.parent), str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "Configuration error!" in err
    assert f"{OVERRIDDEN}: kb_split_links = -3: write a whole number of links" in err
    assert not (tmp_path / "out" / "index.html").exists()


def test_every_bad_setting_is_an_error_at_its_line_before_sphinx_s_crash_report(tmp_path, capsys):
    """Sphinx 9 wraps a ConfigError in a crash report (sphinx-doc/sphinx#14543): each bad
    value is first logged as `conf.py:LINE: ERROR: ...`, the form lint reads."""
    conf = _project(tmp_path, "kb_split_links = -3", "kb_feed_limit = 0")
    lines = conf.read_text(encoding="utf-8").splitlines()
    # -N: CI may force colour on, which would wrap each line in escape codes
    code = build_main(["-b", "html", "-q", "-N", str(conf.parent), str(tmp_path / "out")])
    err = capsys.readouterr().err
    first = [line for line in err.splitlines() if line.strip()][:2]
    assert code == 2
    assert first == [
        f"{conf}:{lines.index('kb_split_links = -3') + 1}: ERROR: kb_split_links = -3: "
        "write a whole number of links, 0 to never split [kb.config]",
        f"{conf}:{lines.index('kb_feed_limit = 0') + 1}: ERROR: kb_feed_limit = 0: "
        "write a whole number of entries per feed, at least 1 [kb.config]"]
    assert err.index("ERROR: kb_split_links") < err.index("Configuration error!")


def test_a_malformed_base_url_names_its_line(tmp_path):
    conf = _project(tmp_path, 'html_baseurl = "https://example.org/kb"')
    line = len(conf.read_text(encoding="utf-8").splitlines())
    with pytest.raises(ConfigError, match=rf"^{conf}:{line}: html_baseurl .* not end with '/'"):
        _config_of(conf)


# -- good values take effect -------------------------------------------------------------


def test_every_setting_is_registered_with_its_default():
    app_config = _registered()
    assert sorted(name for name in app_config.values if name.startswith("kb_")) == sorted(FIELDS)
    for f in fields(KbConfig):
        registered = app_config.values[f"kb_{f.name}"]
        assert registered.default == getattr(KbConfig(), f.name)
        assert registered.rebuild == f.metadata["rebuild"]


def _registered():
    from kb.build.config import setup_config
    from sphinx.config import Config

    class Recorder:
        def __init__(self):
            self.config = Config()
            self.connected = []

        def add_config_value(self, name, default, rebuild, types=(), description=""):
            self.config.add(name, default, rebuild, types, description)

        def connect(self, *args, **kwargs):
            self.connected.append(args[0])

    recorder = Recorder()
    setup_config(recorder)
    assert recorder.connected == ["config-inited"]
    return recorder.config


def test_kb_navigation_is_gone():
    assert "kb_navigation" not in _registered()


def test_a_project_that_sets_nothing_gets_the_defaults(tmp_path):
    assert _config_of(_project(tmp_path)) == KbConfig(series=SERIES)


def test_good_values_in_conf_py_are_the_record(tmp_path):
    conf = _project(tmp_path, "kb_gc_threshold = [1000, 5, 5]", "kb_split_links = 0",
                    "kb_feed_limit = 3", "kb_feeds = False", 'kb_search = "pagefind-deferred"',
                    "kb_previews = False", "kb_charts = False", "kb_book_volumes = 300")
    assert _config_of(conf) == KbConfig(series=SERIES, gc_threshold=(1000, 5, 5), split_links=0,
                                        feed_limit=3, feeds=False, search="pagefind-deferred",
                                        previews=False, charts=False, book_volumes=300)


# what `-D name=value` hands Sphinx: text, converted by each setting's registered type
DASH_D = {"kb_split_links": "7", "kb_feed_limit": "3", "kb_feeds": "0", "kb_search": "sphinx",
          "kb_previews": "0", "kb_charts": "1", "kb_book_volumes": "300"}
FROM_DASH_D = {"split_links": 7, "feed_limit": 3, "feeds": False, "search": "sphinx",
               "previews": False, "charts": True, "book_volumes": 300}


def test_overrides_win_over_conf_py(tmp_path):
    conf = _project(tmp_path, "kb_split_links = 100", 'kb_search = "pagefind"', "kb_charts = False")
    assert _config_of(conf, **DASH_D) == KbConfig(series=SERIES, **FROM_DASH_D)


def test_a_pickled_config_gives_the_same_record(tmp_path):
    app = SphinxTestApp("html", srcdir=_project(tmp_path, "kb_feed_limit = 4").parent,
                        confoverrides=DASH_D)
    try:
        record = kb_config(app.config)
        copy = pickle.loads(pickle.dumps(app.config))  # as Sphinx saves it with the environment
    finally:
        app.cleanup()
    assert kb_config(copy) == record == KbConfig(series=SERIES, **FROM_DASH_D)


def test_a_reassigned_setting_gives_a_new_record(tmp_path):
    app = SphinxTestApp("html", srcdir=_project(tmp_path).parent)
    try:
        assert kb_config(app.config).split_links == 2000
        app.config.kb_split_links = 5
        assert kb_config(app.config).split_links == 5
    finally:
        app.cleanup()


def test_parallel_workers_read_the_same_record(tmp_path):
    """-j 2: the records read by the forked readers and writers are the main process's."""
    shutil.copytree(ROOTS / "test-kb", tmp_path / "src")
    seen = tmp_path / "seen"
    seen.mkdir()

    def note(app, *args):
        with (seen / str(os.getpid())).open("a", encoding="utf-8") as out:
            out.write(repr(kb_config(app.config)) + "\n")

    app = SphinxTestApp("html", srcdir=tmp_path / "src", parallel=2, confoverrides=DASH_D)
    try:
        app.connect("doctree-read", note)
        app.connect("html-page-context", note)
        app.build()
        expected = kb_config(app.config)
    finally:
        app.cleanup()
    assert expected == KbConfig(series=SERIES, **FROM_DASH_D)
    workers = {path.name for path in seen.iterdir()} - {str(os.getpid())}
    assert len(workers) >= 2, "the build ran in one process"
    records = {line for path in seen.iterdir() for line in path.read_text().splitlines()}
    assert records == {repr(expected)}
    # and they took effect: Sphinx's own search, no link previews
    out = Path(app.outdir)
    assert (out / "searchindex.js").exists() and not (out / "_static" / "kb-previews").exists()


# -- the scaffold reads kb_series as the build does --------------------------------------


def test_the_scaffold_reads_the_series_the_build_reads():
    series = load_series(ROOTS / "test-kb")
    assert series == SERIES


def test_the_scaffold_stops_at_a_bad_entry_with_its_line(tmp_path):
    conf = _project(tmp_path)
    conf.write_text(conf.read_text().replace('"kind": "review"', '"kind": "reviews"'))
    with pytest.raises(scaffold.ScaffoldError) as caught:
        scaffold.load_series(conf.parent)
    assert str(caught.value) == f"{conf}:7: kb_series['garden']['kind'] = 'reviews': {KIND_FIX}"

