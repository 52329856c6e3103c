"""Load a page's YAML front matter with the source line of every key and list element.

MyST hands front-matter values to docutils as text; the knowledge base needs the
YAML types (lists as lists, dates as dates) and, for its messages, the line of
each value. Pure Python: PyYAML only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass
class FrontMatter:
    data: dict[str, Any] = field(default_factory=dict)
    # key -> its 1-based line; "<key>[]" -> the lines of a list's elements;
    # "" -> the line of the opening `---`
    lines: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    error_line: int | None = None
    # (message, line) of each value or key that could not be read; every other key is kept
    problems: list[tuple[str, int]] = field(default_factory=list)


# what PyYAML's constructors raise on a value they cannot make (2021-02-30, !!bool maybe)
CONSTRUCTION_ERRORS = (yaml.YAMLError, ValueError, TypeError, KeyError, IndexError,
                       AttributeError, OverflowError, RecursionError)
UNCLOSED = ("while parsing a flow", "while scanning a quoted scalar")


def split(source: str) -> tuple[str, int] | None:
    """The YAML text between the opening and closing `---`, and the line it starts on."""
    lines = source.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), 2
    return None


def load(source: str) -> FrontMatter:
    """Parse the front matter of a MyST source; an absent block gives empty data."""
    block = split(source)
    if block is None:
        return FrontMatter()
    text, first_line = block
    try:
        # the reader refuses control characters as soon as it is made
        loader = yaml.SafeLoader(text)
        root = loader.get_single_node()
        # keys as written ('yes' stays 'yes', not True), values with their YAML types,
        # each constructed on its own so one bad value does not hide the others
        data: Any = None
        problems: list[tuple[str, int]] = []
        if isinstance(root, yaml.MappingNode):
            data = _construct_mapping(loader, root, first_line, problems)
        elif root is not None:
            data = root  # not a mapping: reported below, without constructing it
    except (yaml.YAMLError, RecursionError) as err:
        return _broken(err, first_line, text)
    if data is None:
        return FrontMatter()
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        return FrontMatter(
            error="the front matter must be a YAML mapping of keys to values (key: value)",
            error_line=first_line,
        )
    lines: dict[str, Any] = {"": first_line - 1}
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = key_node.value
        if key in lines:
            continue  # a duplicate: the first one's line stays (see _construct_mapping)
        lines[key] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.SequenceNode):
            lines[key + "[]"] = [first_line + item.start_mark.line for item in value_node.value]
    loader.dispose()
    return FrontMatter(data=data, lines=lines, problems=problems)


def _broken(err: Exception, first_line: int, text: str) -> FrontMatter:
    """The front matter as one problem: YAML that does not parse."""
    mark = getattr(err, "problem_mark", None)
    if isinstance(err, yaml.reader.ReaderError):
        return FrontMatter(
            error=f"the front matter holds a character YAML does not allow "
            f"(U+{err.character:04X}); delete it or retype the line",
            error_line=first_line + text.count("\n", 0, max(err.position, 0)),
        )
    if str(getattr(err, "context", "")).startswith(UNCLOSED) and getattr(err, "context_mark", None):
        # an unclosed bracket or quote is noticed lines later: point at where it opened
        mark = err.context_mark  # type: ignore[attr-defined]
    if isinstance(err, RecursionError):
        problem = "nested too deeply"
    else:
        problem = getattr(err, "problem", None) or str(err)
    line = first_line + mark.line if mark is not None else first_line - 1
    return FrontMatter(
        error=f"broken YAML in the front matter ({problem}); check the indentation and "
        "quote values that contain ': ' or start with a special character",
        error_line=line,
    )


def _construct_mapping(
    loader: yaml.SafeLoader, root: yaml.MappingNode, first_line: int,
    problems: list[tuple[str, int]],
) -> dict[str, Any]:
    """The top-level mapping, key by key: a value YAML cannot construct (a date that
    does not exist, an unknown tag) is reported at its line, and the others are kept."""
    data: dict[str, Any] = {}
    for key_node, value_node in root.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode) or not str(key_node.value).strip():
            problems.append(("a front-matter key must be a plain name followed by ': ' "
                             "(key: value)", line))
            continue
        key = str(key_node.value)
        if key in data:
            problems.append((f"the key {key!r} is given twice; keep one of them", line))
            continue
        try:
            data[key] = loader.construct_object(value_node, deep=True)
        except CONSTRUCTION_ERRORS as err:
            value_line = first_line + value_node.start_mark.line
            if isinstance(value_node, yaml.ScalarNode) and not value_node.tag.startswith("!") \
                    and not isinstance(err, yaml.constructor.ConstructorError):
                # a scalar YAML reads as a date or number but cannot convert (2021-02-30):
                # keep its text, so the key's own check says what is wrong with it
                data[key] = value_node.value
                continue
            detail = getattr(err, "problem", None) or str(err) or type(err).__name__
            if isinstance(err, RecursionError):
                detail = "nested too deeply"
            problems.append((f"the value of {key!r} cannot be read ({detail}); "
                             "write plain text, a number, a date or a [list]", value_line))
    return data
