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
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        # keys as written ('yes' stays 'yes', not True), values with their YAML types
        data = None if root is None else (
            {str(k.value): loader.construct_object(v, deep=True) for k, v in root.value}
            if isinstance(root, yaml.MappingNode) else loader.construct_document(root))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        if str(getattr(err, "context", "")).startswith(UNCLOSED) and err.context_mark:
            # an unclosed bracket or quote is noticed lines later: point at where it opened
            mark = err.context_mark
        problem = getattr(err, "problem", None) or str(err)
        line = first_line + mark.line if mark is not None else first_line - 1
        return FrontMatter(
            error=f"broken YAML in the front matter ({problem}); check the indentation and "
            "quote values that contain ': ' or start with a special character",
            error_line=line,
        )
    if data is None:
        return FrontMatter()
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        return FrontMatter(
            error="the front matter must be a YAML mapping of keys to values (key: value)",
            error_line=first_line,
        )
    lines: dict[str, Any] = {"": first_line - 1}
    for key_node, value_node in root.value:
        key = key_node.value
        lines[key] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.SequenceNode):
            lines[key + "[]"] = [first_line + item.start_mark.line for item in value_node.value]
    loader.dispose()
    return FrontMatter(data=data, lines=lines)
