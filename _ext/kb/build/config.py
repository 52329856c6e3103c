"""The extension's settings: every `kb_*` value of conf.py, declared, checked and read in one place.

`KbConfig` declares each setting once, as a field (in the manner of sphinx-design's
`SdConfig`): conf.py names it `kb_<field>`; its default, what a change of it rebuilds,
the types Sphinx checks and a reader that turns the value written into the field's value
are in the field's metadata. `setup_config` registers them all with Sphinx.

One policy for a bad value: at `config-inited`, before any other listener reads the
settings, `check_config` reads them all, and the first value that cannot be used stops the
build with a `ConfigError` naming the line of conf.py that sets it and what to write
instead. `line_in_conf` finds that line with `ast` (the assignment, or the dict key of a
`kb_series` entry); a value given by an override (`-D`, confoverrides) has no line, and
the message says so.

Modules read the settings through `kb_config(config)`, never `config.kb_*`. The record is
made from the Config object it is given, and kept on it only as long as the values it was
made from are the ones in force: a `-D` override, the config a parallel worker holds or
unpickles and a rebuild with an edited conf.py all give the record of their own values.

The scaffold (`nox -s new`) reads `kb_series` through `load_series`, with the same checks.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

from ..compat.sphinx import read_configuration
from ..model.people import KnownPerson, Name, known_people, orcid_problem
from ..model.records import Series
from ..model.volumes import AUTO_VOLUMES_FROM, VOLUME_MODES

PREFIX = "kb_"
SERIES_KINDS = ("review", "newsletter")
SERIES_KEYS = ("name", "url", "kind")
PEOPLE_KEYS = ("orcid",)
ORCID_PREFIX = "https://orcid.org/"
SEARCH_MODES = ("pagefind", "pagefind-deferred", "sphinx")
DEFAULT_GC_THRESHOLD = (50_000, 20, 20)
DEFAULT_SPLIT_LINKS = 2000
logger = logging.getLogger(__name__)
OVERRIDDEN = "an override (-D or confoverrides), not conf.py"


class BadValue(ValueError):
    """A value a reader cannot use: what to write instead. `keys` lead from the setting to
    the part at fault (a `kb_series` entry and its key), `value` is that part."""

    def __init__(self, value: Any, fix: str, keys: Sequence[Any] = ()) -> None:
        super().__init__(fix)
        self.value, self.fix, self.keys = value, fix, tuple(keys)


class SettingError(ConfigError):
    """A `kb_*` setting that stops the build: where it is set and what to write instead."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}")
        self.where, self.what = where, what


# -- the readers: the value written in conf.py -> the field's value, or BadValue ------------


def read_series(value: Any) -> dict[str, Series]:
    """`kb_series` as records: slug -> its name, home URL and kind of page."""
    if not isinstance(value, Mapping):
        raise BadValue(value, "write a dict mapping each series' slug to "
                              "{'name': ..., 'url': ..., 'kind': 'review' or 'newsletter'}")
    series: dict[str, Series] = {}
    for slug, spec in value.items():
        if not isinstance(spec, Mapping):
            raise BadValue(spec, "write a dict with the series' 'name', 'url' and 'kind'", [slug])
        for key in spec:
            if key not in SERIES_KEYS:
                raise BadValue(spec[key], f"the keys are {', '.join(map(repr, SERIES_KEYS))}; "
                                          "rename or remove this one", [slug, key])
        name, url, kind = spec.get("name", slug), spec.get("url"), spec.get("kind")
        if not isinstance(name, str) or not name.strip():
            raise BadValue(name, "write the series' name, as non-empty text", [slug, "name"])
        if url is not None and (not isinstance(url, str)
                                or not url.startswith(("http://", "https://"))):
            raise BadValue(url, "write the series' home page as an absolute http:// or "
                                "https:// address", [slug, "url"])
        if kind is not None and kind not in SERIES_KINDS:
            raise BadValue(kind, "write 'review' or 'newsletter', the kind of page the series "
                                 "holds", [slug, "kind"])
        series[str(slug)] = Series(str(slug), name, url, kind)
    return series


def read_people(value: Any) -> dict[str, KnownPerson]:
    """`kb_people` as each spelling's person id -> its ORCID iD and shared id
    (model/people.py): names joined by an identifier, the one way to join two spellings
    that the name rule keeps apart."""
    from pybtex.database import Person  # as sphinxcontrib-bibtex splits a name
    from pybtex.exceptions import PybtexError

    if not isinstance(value, Mapping):
        raise BadValue(value, "write a dict mapping a name as refs.bib spells it "
                              "('Surname, Given names') to {'orcid': '0000-0002-1825-0097'}")
    orcids: dict[Name, str] = {}
    for spelled, spec in value.items():
        try:
            person = Person(spelled) if isinstance(spelled, str) else None
        except PybtexError:
            person = None
        if person is None or not person.last_names:
            raise BadValue(spelled, "write the name as refs.bib spells it, "
                                    "'Surname, Given names'", [spelled])
        name = Name.of(" ".join(person.first_names + person.middle_names),
                       " ".join(person.prelast_names + person.last_names + person.lineage_names))
        if not name.given or name.initials_only:
            raise BadValue(spelled, "give the person's full name: initials alone can stand for "
                                    "several people (write the full name in refs.bib too)",
                           [spelled])
        if not isinstance(spec, Mapping):
            raise BadValue(spec, "write a dict: {'orcid': '0000-0002-1825-0097'}", [spelled])
        for key in spec:
            if key not in PEOPLE_KEYS:
                raise BadValue(spec[key], f"the keys are {', '.join(map(repr, PEOPLE_KEYS))}; "
                                          "rename or remove this one", [spelled, key])
        orcid = spec.get("orcid")
        if not isinstance(orcid, str):
            raise BadValue(orcid, "write the person's ORCID iD as text, e.g. "
                                  "'0000-0002-1825-0097'", [spelled, "orcid"])
        orcid = orcid.strip().removeprefix(ORCID_PREFIX)
        problem = orcid_problem(orcid)
        if problem:
            raise BadValue(spec["orcid"], problem, [spelled, "orcid"])
        if orcids.get(name, orcid) != orcid:
            raise BadValue(spelled, f"this name is given two ORCID iDs ({orcids[name]} and "
                                    f"{orcid}): keep the right one", [spelled])
        orcids[name] = orcid
    return known_people(orcids)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_gc_threshold(value: Any) -> tuple[int, int, int] | None:
    if value is None:
        return None
    if (isinstance(value, (tuple, list)) and len(value) == 3
            and all(_whole(n) and n > 0 for n in value)):
        return (value[0], value[1], value[2])
    raise BadValue(value, f"write three positive whole numbers, such as {DEFAULT_GC_THRESHOLD}, "
                          "or None to keep Python's own")


def whole_number(at_least: int, fix: str) -> Callable[[Any], int]:
    def read(value: Any) -> int:
        if not _whole(value) or value < at_least:
            raise BadValue(value, fix)
        return int(value)

    return read


def switch(fix: str) -> Callable[[Any], bool]:
    def read(value: Any) -> bool:
        if not isinstance(value, bool):
            raise BadValue(value, fix)
        return value

    return read


def read_book_volumes(value: Any) -> str | int:
    if isinstance(value, str) and value.isdigit():  # as `-D kb_book_volumes=300` gives it
        value = int(value)
    if value in VOLUME_MODES or (_whole(value) and value >= 0):
        return value
    raise BadValue(value, "write 'auto' (a volume per year past "
                          f"{AUTO_VOLUMES_FROM} reviews and issues), 'year' (always), 'off' "
                          "(one book), or the number of reviews and issues past which the "
                          "book is split")


def read_search(value: Any) -> str:
    if value not in SEARCH_MODES:
        raise BadValue(value, f"write {', '.join(map(repr, SEARCH_MODES[:-1]))} or "
                              f"{SEARCH_MODES[-1]!r}")
    return str(value)


# -- the record -------------------------------------------------------------------------


def setting(rebuild: str, types: Any, read: Callable[[Any], Any], why: str) -> dict[str, Any]:
    """A field's metadata: what a change rebuilds (Sphinx's `rebuild`), the types Sphinx
    checks and uses to convert a `-D` value, the reader, and why the setting exists."""
    return {"rebuild": rebuild, "types": frozenset(types), "read": read, "help": why}


@dataclass(frozen=True)
class KbConfig:
    """The `kb_*` settings in force, checked; conf.py sets each as `kb_<field>`.

    A field's default is also the value Sphinx is told of, so `KbConfig()` is a project
    that sets nothing.
    """

    # the series pages belong to; "env": a page's check depends on them
    series: Mapping[str, Series] = field(default_factory=dict, hash=False, metadata=setting(
        "env", {dict}, read_series,
        "each series' slug -> its 'name', home 'url' and the 'kind' of page it holds"))
    # "": what the collector does changes no output, so no page is rebuilt for it
    gc_threshold: tuple[int, int, int] | None = field(
        default=DEFAULT_GC_THRESHOLD, metadata=setting(
            "", {tuple, list, type(None)}, read_gc_threshold,
            "Python's garbage-collector thresholds during the build (gc_thresholds.py); None "
            "leaves Python's own"))
    # "html": who is one person shows in the author index, kb.json and the JSON-LD
    people: Mapping[str, KnownPerson] = field(default_factory=dict, hash=False, metadata=setting(
        "html", {dict}, read_people,
        "a person's name as refs.bib spells it -> {'orcid': their ORCID iD}: spellings with "
        "one iD are one person (model/people.py)"))
    # "html": the PDF never splits
    split_links: int = field(default=DEFAULT_SPLIT_LINKS, metadata=setting(
        "html", {int}, whole_number(0, "write a whole number of links, 0 to never split"),
        "in HTML, a generated list showing more links than this becomes one page per year "
        "or letter, each split again while it shows more (views/parts.py); 0 never splits"))
    feed_limit: int = field(default=20, metadata=setting(
        "html", {int}, whole_number(1, "write a whole number of entries per feed, at least 1"),
        "entries per Atom feed, newest first, so a feed stays small as the site grows"))
    feeds: bool = field(default=True, metadata=setting(
        "html", {bool}, switch("write True, or False to write no feeds"),
        "whether the Atom feeds are written (the benchmark measures their cost without)"))
    search: str = field(default="pagefind", metadata=setting(
        "html", {str}, read_search,
        "'pagefind' (Pagefind, indexed when pages changed), 'pagefind-deferred' (not indexed by the build: the live preview indexes after "
        "reloading the page, cli/serve.py) or 'sphinx' (Sphinx's own search)"))
    previews: bool = field(default=True, metadata=setting(
        "html", {bool}, switch("write True, or False to leave the link previews out"),
        "whether links show previews on hover and focus (outputs/previews.py)"))
    # "env": the pages that place a chart are read again
    charts: bool = field(default=True, metadata=setting(
        "env", {bool}, switch("write True, or False to leave the charts out"),
        "whether trend views are drawn as charts (outputs/charts.py)"))
    # "": the LaTeX builder writes every volume on every build, and nothing else reads it
    book_volumes: str | int = field(default="auto", metadata=setting(
        "", {str, int}, read_book_volumes,
        "the PDF as one book ('off'), a volume per year ('year'), or a volume per year past "
        "a number of reviews and issues ('auto': model/volumes.py's AUTO_VOLUMES_FROM, or "
        "the number given)"))


FIELDS = {PREFIX + f.name: f for f in fields(KbConfig)}


_KEPT = "_kb_config"  # (the values read, their record) in the Config's __dict__


def kb_config(config: Config) -> KbConfig:
    """The settings of the build whose configuration is `config`, as a record. They were
    checked as the build started (`check_config`), so this does not fail.

    Views and pages ask for it thousands of times a build, so the record is kept on the
    Config and made again when a value in force is another object (a setting reassigned);
    Sphinx leaves `_` names out when it pickles a Config, so a copy makes its own.
    """
    values = tuple(getattr(config, name) for name in FIELDS)
    kept = config.__dict__.get(_KEPT)
    if kept is not None and all(a is b for a, b in zip(kept[0], values)):
        return kept[1]
    record = KbConfig(**{f.name: f.metadata["read"](value)
                         for f, value in zip(FIELDS.values(), values)})
    config.__dict__[_KEPT] = (values, record)
    return record


# -- where a setting is written ------------------------------------------------------------


def line_in_conf(conf: Path, name: str, keys: Sequence[Any] = ()) -> int | None:
    """The line of conf.py that sets `name`, or of the dict key `keys` leads to within it
    (as far as the dict is written out); the last such line, as the last assignment wins.
    None when no line assigns it (conf.py computes or imports it)."""
    try:
        tree = ast.parse(conf.read_bytes(), filename=str(conf))
    except (OSError, SyntaxError, ValueError):
        return None
    best: tuple[int, int] | None = None  # (keys matched, line)
    for node in ast.walk(tree):
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign))
                   else [])
        value = getattr(node, "value", None)
        for target in targets:
            path = _assigned_path(target)
            if path is None or path[0] != name or list(path[1:]) != list(keys[:len(path) - 1]):
                continue
            found = (len(path) - 1, node.lineno)
            if value is not None:
                depth, line = _key_line(value, keys[len(path) - 1:])
                found = (found[0] + depth, line)
            best = found if best is None or found >= best else best
    return best[1] if best is not None else None


def _assigned_path(target: ast.expr) -> list[Any] | None:
    """`name` -> [name]; `name["a"]["b"]` -> [name, "a", "b"]; else None."""
    keys: list[Any] = []
    while isinstance(target, ast.Subscript):
        if not isinstance(target.slice, ast.Constant):
            return None
        keys.insert(0, target.slice.value)
        target = target.value
    return [target.id, *keys] if isinstance(target, ast.Name) else None


def _key_line(value: ast.expr, keys: Sequence[Any]) -> tuple[int, int]:
    """How many of `keys` the dict literal `value` holds, nested, and the deepest one's line."""
    depth, line = 0, value.lineno
    for key in keys:
        if not isinstance(value, ast.Dict):
            break
        match = next(((k, v) for k, v in zip(value.keys, value.values)
                      if isinstance(k, ast.Constant) and k.value == key), None)
        if match is None:
            break
        depth, line, value = depth + 1, match[0].lineno, match[1]
    return depth, line


def where_set(config: Config, conf: Path | None, name: str, keys: Sequence[Any] = ()) -> str:
    """Where the value of `name` in force comes from: `conf.py:LINE` (conf.py alone when no
    line assigns it), or an override, which has no line."""
    if name in config.overrides or conf is None or not conf.is_file():
        return OVERRIDDEN
    line = line_in_conf(conf, name, keys)
    return f"{conf}:{line}" if line else str(conf)


def located(config: Config, conf: Path | None, name: str, bad: BadValue) -> SettingError:
    """The error of a bad value: where it is set, what it is, what to write instead."""
    stated = name + "".join(f"[{key!r}]" for key in bad.keys) + f" = {bad.value!r}"
    return SettingError(where_set(config, conf, name, bad.keys), f"{stated}: {bad.fix}")


def conf_file(app: Sphinx) -> Path | None:
    return Path(app.confdir, "conf.py") if app.confdir else None


# -- Sphinx ------------------------------------------------------------------------------


def _read_setting(config: Config, conf: Path | None, name: str) -> Any:
    try:
        return FIELDS[name].metadata["read"](getattr(config, name))
    except BadValue as bad:
        raise located(config, conf, name, bad) from None


def check_config(app: Sphinx, config: Config) -> None:
    """Stop the build if any `kb_*` value cannot be used.

    Each bad value is logged as an error at its line, in the `file:line: ERROR: message`
    form of every other problem (lint reads it so), then the first stops the build. Sphinx 9
    prints a ConfigError inside a crash report with a one-frame traceback and a plea to report
    a bug (sphinx-doc/sphinx#14543, a regression; the fix is sphinx-doc/sphinx#14606): the
    logged lines come first, so the problem and its fix are the first thing a reader sees.
    """
    errors = []
    for name in FIELDS:
        try:
            _read_setting(config, conf_file(app), name)
        except SettingError as error:
            # a location without ":LINE" would be taken for a docname
            if ":" in error.where:
                logger.error(error.what, location=error.where, type="kb", subtype="config")
            else:
                logger.error(str(error), type="kb", subtype="config")
            errors.append(error)
    if errors:
        raise errors[0]


def load_series(root: Path) -> dict[str, Series]:
    """`kb_series` of the project at `root`, read as Sphinx reads it (runs conf.py) and
    checked as the build checks it (SettingError)."""
    config = read_configuration(root)
    series = FIELDS[PREFIX + "series"]
    config.add(PREFIX + "series", {}, series.metadata["rebuild"], series.metadata["types"])
    return _read_setting(config, root / "conf.py", PREFIX + "series")


def setup_config(app: Sphinx) -> None:
    for name, f in FIELDS.items():
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        app.add_config_value(name, default, f.metadata["rebuild"], types=f.metadata["types"],
                             description=f.metadata["help"])
    # before every other listener of config-inited (which read the settings) and before
    # Sphinx's own type check (800), so a bad value is told once, with its fix
    app.connect("config-inited", check_config, priority=400)
