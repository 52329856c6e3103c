"""Whole-site files written again only when what they are made of changed: the one
record of "this output is current" the extension keeps.

The Atom feeds, the data export (kb.json), the pages of split views, the link previews,
the charts and the search bundle are functions of the kb domain's records, refs.bib, the
navigation, the configuration, the templates, the extension's own code and the
packages that draw them (versions.py). A no-op rebuild or an edit of a page's text
changes none of those, yet gathering and rendering the files costs seconds at
thousands of pages (the feeds and kb.json were the largest parts of a no-op rebuild;
docs/benchmark.md has the benchmark's figures with and without the stamps). So each file set is stamped with a digest of its inputs once written, and
skipped while the digest and its files are there.

The stamps live in the doctree folder (Sphinx's cache, never published), one JSON
file keyed by builder, output folder and part; each stamp names the files it vouches
for (with a digest of each where they differ one by one, as the part pages do). Two
rules keep a stamp true:

- a missing file is never vouched for: `unchanged` asks that every file be there;
- a writer withdraws its stamp before it writes (`withdraw`) and stamps again only
  once every file is written (`stamp`), so a build that stops midway leaves no
  claim behind it, whatever the next build's inputs are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ..build.domain import kb_domain
from ..compat.sphinx import build_hashes, configuration_unchanged, newest_template_mtime
from .versions import versions
from .writing import write_if_changed

STAMP_FILE = "kb-outputs.json"
EXTENSION = Path(__file__).parent.parent


def _code_state() -> list[tuple[str, int, int]]:
    """The extension's files as they are now: a changed renderer rewrites its files."""
    return sorted((str(path.relative_to(EXTENSION)), path.stat().st_mtime_ns, path.stat().st_size)
                  for path in EXTENSION.rglob("*") if path.is_file() and path.suffix != ".pyc")


def digest(*inputs: Any) -> str:
    """One digest of JSON-able inputs."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


def tools_digest(app: Sphinx, packages: Iterable[str]) -> str:
    """What renders a file besides its own data: the builder, its templates, the extension's
    code and the versions of the `packages` that draw it."""
    return digest(app.builder.name, newest_template_mtime(app.builder), _code_state(),
                  versions(packages))


def inputs_digest(app: Sphinx, packages: Iterable[str] = (), *more: Any) -> str | None:
    """What the whole-site files are made of, with the versions of the `packages` that draw
    them and any `more` inputs of the caller's own; None when it cannot be known (a
    changed configuration, or no records digest yet): then they are always written."""
    env = app.env
    state = kb_domain(env).state
    if not configuration_unchanged(env) or not state:
        return None
    hashes = build_hashes(app.builder)  # the HTML builders' configuration and tags
    if hashes is None:
        return None
    config_hash, tags_hash = hashes
    navigation = kb_domain(env).navigation_shown
    inputs = [state, config_hash, tags_hash, app.builder.name,
              _code_state(), newest_template_mtime(app.builder), navigation]
    inputs += [versions(packages), list(more)]
    return digest(*inputs)


def _stamps_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / STAMP_FILE


def _key(app: Sphinx, part: str) -> str:
    return f"{app.builder.name}:{Path(app.outdir).resolve()}:{part}"


_READ = "_kb_stamps_read"  # on the builder: (the file's identity, what it held)


def _read(app: Sphinx) -> dict[str, dict]:
    """The stamps (a copy of the top level: callers change it before `_save`). The file,
    some 100 KB of JSON at 2,000 pages, is asked for a dozen times a build: it is parsed
    again only when it is another file (written whole, so a new inode and time)."""
    path = _stamps_path(app)
    try:
        info = path.stat()
    except OSError:
        return {}
    identity = (info.st_ino, info.st_mtime_ns, info.st_size)
    kept = getattr(app.builder, _READ, None)
    if kept is None or kept[0] != identity:
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        kept = (identity, found if isinstance(found, dict) else {})
        setattr(app.builder, _READ, kept)
    return dict(kept[1])


def _save(app: Sphinx, stamps: dict[str, dict]) -> None:
    write_if_changed(_stamps_path(app), json.dumps(stamps, indent=1, sort_keys=True))


def _files(stamped: Any) -> dict[str, str]:
    found = stamped.get("files") if isinstance(stamped, dict) else None
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def unchanged(app: Sphinx, part: str, digest: str | None, outputs: Iterable[Path]) -> bool:
    """Whether `part`'s files (`outputs`) are all there and were made from inputs of this
    `digest` (None, inputs that cannot be known: never)."""
    stamped = _read(app).get(_key(app, part))
    return (digest is not None and isinstance(stamped, dict) and stamped.get("digest") == digest
            and all(path.exists() for path in outputs))


def stamped_digest(app: Sphinx, part: str) -> str | None:
    """The digest `part` was last stamped with (None: no stamp)."""
    stamped = _read(app).get(_key(app, part))
    found = stamped.get("digest") if isinstance(stamped, dict) else None
    return found if isinstance(found, str) else None


def names(app: Sphinx, part: str) -> list[str] | None:
    """The names of the files stamped with `part` when it was last written (None if never,
    or if a write of it stopped midway)."""
    stamped = _read(app).get(_key(app, part))
    if not isinstance(stamped, dict) or stamped.get("digest") is None:
        return None
    return sorted(_files(stamped))


def file_digests(app: Sphinx, part: str) -> dict[str, str]:
    """{name: digest of what that file shows} of `part`'s files that are known to be
    current, where the part stamps its files one by one (part_pages.py)."""
    return _files(_read(app).get(_key(app, part)))


def withdraw(app: Sphinx, part: str, keep: Mapping[str, str] | None = None,
             every_output: bool = False) -> None:
    """Take back `part`'s stamp before its files are written; `keep`: the files (with their
    digests) that this write will not touch, which stay vouched for one by one.
    `every_output`: the stamps of `part` of every builder and output folder, for files
    that several output folders share (the search copy beside the doctrees)."""
    stamps = _read(app)
    keys = [key for key in stamps if key.endswith(":" + part)] if every_output \
        else [_key(app, part)]
    taken = [stamps.pop(key) for key in keys if key in stamps]
    if keep:
        stamps[_key(app, part)] = {"digest": None, "files": dict(keep)}
    elif not taken:
        return  # nothing to take back: the file stays as it is, unwritten
    _save(app, stamps)


def stamp(app: Sphinx, part: str, digest: str | None,
          written: Iterable[str] | Mapping[str, str] = ()) -> None:
    """Record that `part`'s files (named `written`, with a digest of each where they are
    stamped one by one) were just made from inputs of this `digest` (None: inputs that
    cannot be known, so the files are not vouched for as a set)."""
    stamps = _read(app)
    files = dict(written) if isinstance(written, Mapping) else dict.fromkeys(written, "")
    stamps[_key(app, part)] = {"digest": digest, "files": files}
    _save(app, stamps)
