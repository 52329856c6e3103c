"""The front-matter contract: which keys a page of each kind carries, and their values.

`read_front_matter` checks one page's YAML (as `frontmatter.load` parsed it, with the
line of every key) and returns its `PageRecord` with every problem found, each with
its line and the fix. Pure Python: the Sphinx glue, the scaffold and lint share it,
so there is one definition of what a valid page is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .records import (
    PAGE_KINDS,
    FrontMatterError,
    PageRecord,
    PartialDate,
    Problem,
    Series,
    TopicRef,
    suggest,
)

# Which front-matter keys each kind of page may carry, and which it must.
COMMON_KEYS = ("kind", "title", "authors")
KEYS_BY_KIND: dict[str | None, tuple[str, ...]] = {
    "review": ("date", "year", "series", "source", "topics", "summary"),
    "newsletter": ("date", "series", "issue", "source", "topics", "summary"),
    "topic": ("parent", "aliases"),
    None: (),
}
REQUIRED_BY_KIND: dict[str | None, tuple[str, ...]] = {
    "review": ("date", "year", "series", "summary"),
    "newsletter": ("date", "series", "issue", "summary"),
    "topic": (),
    None: (),
}
CONTRACT_KEYS = frozenset(COMMON_KEYS).union(*KEYS_BY_KIND.values())
# Keys that Sphinx, MyST or the theme read from front matter; not ours to reject.
TOOL_KEYS = frozenset({
    "orphan", "nocomments", "nosearch", "tocdepth", "myst", "html_meta",
    "substitutions", "jupytext", "kernelspec", "html_theme.sidebar_secondary.remove",
})


def check_url(value: Any) -> str:
    url = str(value).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise FrontMatterError(
            f"malformed URL {url!r}: write an absolute http:// or https:// address"
        )
    return url


def _string_list(key: str, value: Any) -> list[str]:
    # A YAML string where a list belongs is the bug ablog shipped (iterating it
    # yields characters); refuse it and show the list syntax instead.
    if isinstance(value, str):
        raise FrontMatterError(
            f"{key!r} must be a YAML list, not a string: write {key}: [{value}]"
        )
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FrontMatterError(f"{key!r} must be a YAML list of names, e.g. {key}: [a, b]")
    return [v.strip() for v in value]


def yaml_type(value: Any) -> str | None:
    """What YAML turned an unquoted value into, when it is not text."""
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, dict):
        return "a mapping (key: value)"
    if isinstance(value, list):
        return "a list"
    return None


def _plain_string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        read_as = yaml_type(value)
        if read_as in ("a mapping (key: value)", "a list") or read_as is None:
            raise FrontMatterError(f"{key!r} must be text, not {read_as or type(value).__name__}: "
                                   f"write {key}: plain text, quoted if it contains ': '")
        shown = "yes/no, true/false or on/off" if isinstance(value, bool) else str(value)
        raise FrontMatterError(f"{key!r} must be text, but YAML reads {shown} as {read_as}: "
                               f"put the value in quotes, {key}: \"...\"")
    if not value.strip():
        raise FrontMatterError(f"{key!r} must be non-empty text")
    return " ".join(value.split())


def _integer(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FrontMatterError(f"{key!r} must be a whole number from {low} to {high}, got {value!r}")
    return value


# -- front matter ------------------------------------------------------------------


def read_front_matter(
    docname: str,
    title: str,
    data: Mapping[str, Any],
    lines: Mapping[str, Any],
    series: Mapping[str, Series],
) -> tuple[PageRecord | None, list[Problem]]:
    """Validate one page's front matter against the contract.

    `lines` maps each key to its source line, and "<key>[]" to the lines of a
    list's elements (see `frontmatter.load`). Returns the record
    (None for pages that are not part of the knowledge base) and the problems.
    """
    problems: list[Problem] = []

    def line_of(key: str) -> int | None:
        value = lines.get(key)
        return value if isinstance(value, int) else None

    def report(key: str | None, message: str, subtype: str) -> None:
        problems.append(Problem(message, line_of(key) if key else lines.get("", 1), subtype))

    kind = data.get("kind")
    if kind is not None and kind not in PAGE_KINDS:
        report("kind", f"unknown kind {kind!r}: write one of {', '.join(PAGE_KINDS)}"
               + suggest(str(kind), PAGE_KINDS), "front_matter")
        kind = None

    allowed = set(COMMON_KEYS) | set(KEYS_BY_KIND[kind])
    if "kind" in data and kind is None:
        # the kind is misspelt: the fix is the kind, not the keys that go with it
        allowed = set(CONTRACT_KEYS)
    for key in data:
        if key in allowed or key in TOOL_KEYS:
            continue
        if key in CONTRACT_KEYS:
            owners = [k for k, keys in KEYS_BY_KIND.items() if k and key in keys]
            report(key, f"key {key!r} applies only to {' and '.join(owners)} pages"
                   + ("" if kind else "; add the page's kind: (review, newsletter or topic)")
                   + ", or remove it", "front_matter")
        else:
            report(key, f"unknown front-matter key {key!r}"
                   + (suggest(key, CONTRACT_KEYS) or f"; the keys are: {', '.join(sorted(allowed))}"),
                   "front_matter")

    values: dict[str, Any] = {}
    parsers = {
        "title": lambda v: _plain_string("title", v),
        "summary": lambda v: _plain_string("summary", v),
        "date": PartialDate.parse,
        "year": lambda v: _integer("year", v, 1900, 2200),
        "issue": lambda v: _integer("issue", v, 1, 10**6),
        "source": check_url,
        "authors": lambda v: tuple(_string_list("authors", v)),
        "aliases": lambda v: tuple(_string_list("aliases", v)),
        "topics": lambda v: _string_list("topics", v),
        "series": lambda v: _plain_string("series", v),
        "parent": lambda v: _plain_string("parent", v),
    }
    for key, parse in parsers.items():
        if key not in data or key not in allowed:
            continue
        if data[key] is None:
            report(key, f"{key!r} is empty: give a value or remove the key", "front_matter")
            continue
        try:
            values[key] = parse(data[key])
        except FrontMatterError as err:
            report(key, str(err), "front_matter")

    if kind is None:
        return None, problems

    for key in REQUIRED_BY_KIND[kind]:
        if key not in data:
            report(None, f"a {kind} page needs {key!r} in its front matter", "front_matter")

    name = values.get("series")
    if name is not None and name not in series:
        report("series", f"unknown series {name!r}" + (suggest(name, series) or
               f"; define it in kb_series in conf.py (known: {', '.join(sorted(series)) or 'none'})"),
               "series")
        values.pop("series")
    elif name is not None and series[name].kind not in (None, kind):
        report("series", f"series {name!r} holds {series[name].kind} pages, not {kind} pages",
               "series")

    topic_lines = lines.get("topics[]")
    topics = tuple(
        TopicRef(slug, topic_lines[i] if isinstance(topic_lines, list) else line_of("topics"))
        for i, slug in enumerate(values.get("topics", ()))
    )
    parent = values.get("parent")
    record = PageRecord(
        docname=docname,
        kind=kind,
        title=values.get("title", title),
        date=values.get("date"),
        year=values.get("year"),
        series=values.get("series"),
        issue=values.get("issue"),
        source=values.get("source"),
        authors=values.get("authors", ()),
        topics=topics,
        summary=values.get("summary", ""),
        parent=TopicRef(parent, line_of("parent")) if parent else None,
        aliases=values.get("aliases", ()),
        lines={k: v for k, v in lines.items() if isinstance(v, int)},
    )
    return record, problems
