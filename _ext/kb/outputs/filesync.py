"""Replace a folder's files with a freshly written set, touching only what differs.

Pagefind writes its whole bundle on every run (some 2,200 files at 2,000 pages), and
most files are the same as last time: their names are digests of their content.
Deleting the old bundle and writing the new one in its place cost seconds at
thousands of pages, most of it in unlinking files already on disk. Written to a fresh folder first, then moved over file by file, an edit
changes only the few files that differ; the fresh copies of unchanged files were
never flushed to disk, and deleting them is cheap.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .writing import write_if_changed


@dataclass(frozen=True)
class SyncCount:
    """What `sync_folder` did."""

    replaced: int  # files new or different, moved into place
    kept: int  # files already there with the same bytes
    removed: int  # files no longer in the fresh set


def _same(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)  # atomic: a reader sees the old file or the new one
    except OSError:  # another file system: written whole beside the target, then renamed
        write_if_changed(target, source.read_bytes())


def sync_folder(fresh: Path, published: Path) -> SyncCount:
    """Make `published` hold exactly the files of `fresh` (which is then removed)."""
    replaced = kept = removed = 0
    wanted: set[Path] = set()
    for source in sorted(p for p in fresh.rglob("*") if p.is_file()):
        relative = source.relative_to(fresh)
        wanted.add(relative)
        target = published / relative
        if _same(source, target):
            kept += 1
        else:
            _move(source, target)
            replaced += 1
    if published.exists():
        for path in sorted(published.rglob("*"), reverse=True):  # files before their folders
            relative = path.relative_to(published)
            if path.is_file() and relative not in wanted:
                path.unlink()
                removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    shutil.rmtree(fresh, ignore_errors=True)
    return SyncCount(replaced, kept, removed)
