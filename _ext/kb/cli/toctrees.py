"""Edit a page's toctree as text: find it, and add an entry in order.

Pure Python, for the scaffold (kb.scaffold), which links a new page into the
navigation without a Sphinx build. Options and indentation stay as written.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

_TOCTREE_OPEN = re.compile(r"^[ \t]*(`{3,}|:{3,})\{toctree\}")


@dataclass
class Toctree:
    """Where a fenced ```{toctree} block's parts are, as line indexes."""

    start: int  # the opening fence
    end: int  # the closing fence (len(lines) if unclosed)
    options: list[str]  # the option lines, as written
    entries: list[tuple[int, str]]  # (line index, entry) for each entry line


def find_toctree(lines: Sequence[str]) -> Toctree | None:
    """The first ```{toctree} (or :::{toctree}) block of a page."""
    for start, line in enumerate(lines):
        match = _TOCTREE_OPEN.match(line)
        if not match:
            continue
        fence = match[1]
        end = next((i for i in range(start + 1, len(lines))
                    if lines[i].strip().startswith(fence)
                    and set(lines[i].strip()) == {fence[0]}), len(lines))
        body = list(range(start + 1, end))
        options: list[str] = []
        if body and lines[body[0]].strip() == "---":  # options as a YAML block
            close = next((n for n, i in enumerate(body[1:], 1) if lines[i].strip() == "---"), None)
            if close is not None:
                options = [lines[i] for i in body[: close + 1]]
                body = body[close + 1:]
        else:
            while body and lines[body[0]].strip().startswith(":"):
                options.append(lines[body[0]])
                body = body[1:]
        entries = [(i, lines[i].strip()) for i in body if lines[i].strip()]
        return Toctree(start, end, options, entries)
    return None


def entry_target(entry: str) -> str:
    """'Title <path>' -> 'path'; 'path' -> 'path'."""
    match = re.match(r"^.*<(.+)>\s*$", entry)
    return (match[1] if match else entry).strip()


def leading_number(entry: str) -> int | None:
    """The first number in an entry: '2021/index' -> 2021, 'issue-220' -> 220."""
    match = re.search(r"\d+", entry_target(entry))
    return int(match[0]) if match else None


def add_toctree_entry(
    text: str,
    entry: str,
    key: Callable[[str], Any] = leading_number,
    *,
    descending: bool = False,
) -> tuple[str, bool]:
    """Add `entry` to the page's toctree in order of `key`; returns (text, changed).

    Entries whose key is None keep their place and are not compared; the new entry
    goes before the first one that sorts after it (or after the last entry). The
    options stay as written. An entry that is already listed, or that a `:glob:`
    pattern already matches, is left alone. A page without a toctree gets a hidden one.
    """
    lines = text.splitlines()
    tree = find_toctree(lines)
    if tree is None:
        block = ["```{toctree}", ":hidden:", "", entry, "```"]
        body = text.rstrip("\n")
        return (body + "\n\n" if body else "") + "\n".join(block) + "\n", True
    targets = [entry_target(e) for _, e in tree.entries]
    glob = any(option.strip() == ":glob:" for option in tree.options)
    if entry_target(entry) in targets or (glob and any(
            fnmatch.fnmatchcase(entry_target(entry), t) for t in targets)):
        return text, False
    new_key = key(entry)
    position = None
    for index, existing in tree.entries:
        existing_key = key(existing)
        if existing_key is None or new_key is None:
            continue
        if (existing_key < new_key) if descending else (existing_key > new_key):
            position = index
            break
    insert: list[str] = [entry]
    if position is None and tree.entries:
        position = tree.entries[-1][0] + 1
    elif position is None:
        position = tree.end
        if tree.options and lines[position - 1].strip():
            insert = ["", entry]  # a blank line between the options and the entries
    indent_from = lines[tree.entries[0][0]] if tree.entries else ""
    indent = indent_from[: len(indent_from) - len(indent_from.lstrip())]
    lines[position:position] = [indent + line if line else line for line in insert]
    return "\n".join(lines) + "\n", True


def toctree_block(entries: Sequence[str], options: Sequence[str]) -> str:
    return "\n".join(["```{toctree}", *options, "", *entries, "```"])
