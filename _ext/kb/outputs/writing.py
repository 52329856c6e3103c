"""The one way the extension writes a file: whole, and only when its bytes change.

Every file the extension puts in an output folder or beside the doctrees (kb.json and
its schema, the bib copies, the feeds, robots.txt, the link previews, the charts, the
search copy, the stamps) goes through `write_if_changed`:

- a reader (a web server, a browser on `file://`, the next build) sees the old file or
  the new one, never half of one: the bytes go to a temporary file in the same folder,
  which `os.replace` puts in place in one step;
- a file that already holds the bytes is left alone, with its time: an incremental
  build that makes the same file again does not touch it, so whatever copies or serves
  the site by modification time sees no change.
"""

from __future__ import annotations

import os
from pathlib import Path


def holds(path: Path, data: bytes) -> bool:
    """Whether the file at `path` exists and holds exactly `data`."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Put `data` (text is written as UTF-8) at `path` unless it is there already;
    whether it was written."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    if holds(path, content):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    # a plain open() gives the site's usual permissions (mkstemp's file would be private);
    # the process id keeps parallel writers (Sphinx's -j) off each other's file
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True
