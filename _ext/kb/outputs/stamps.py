"""Whole-site files written again only when what they are made of changed.

The Atom feeds, the data export (kb.json) and the parts of split views are functions
of the kb domain's records, refs.bib, the navigation, the configuration, the templates
and the extension's own code. A no-op rebuild or an edit of a page's text changes none
of those, yet gathering and rendering the files costs seconds at thousands of pages
(the feeds 2.8 s and kb.json 2.4 s of a no-op at 2,000 pages, profiled). So each file
set is stamped with a digest of its inputs once written, and skipped while the digest
and its files are there.

The stamps live in the doctree folder (Sphinx's cache, never published), one
JSON file keyed by builder, output folder and part.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from sphinx.application import Sphinx

from ..build.domain import kb_domain
from ..compat.sphinx import build_hashes, configuration_unchanged, newest_template_mtime

STAMP_FILE = "kb-outputs.json"
EXTENSION = Path(__file__).parent.parent


def _code_state() -> list[tuple[str, int, int]]:
    """The extension's files as they are now: a changed renderer rewrites its files."""
    return sorted((str(path.relative_to(EXTENSION)), path.stat().st_mtime_ns, path.stat().st_size)
                  for path in EXTENSION.rglob("*") if path.is_file() and path.suffix != ".pyc")


def inputs_digest(app: Sphinx) -> str | None:
    """What the whole-site files are made of, or None when it cannot be known (a changed
    configuration, or no records digest yet): then they are always written."""
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
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _stamps_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / STAMP_FILE


def _key(app: Sphinx, part: str) -> str:
    return f"{app.builder.name}:{Path(app.outdir).resolve()}:{part}"


def _read(app: Sphinx) -> dict[str, dict]:
    try:
        found = json.loads(_stamps_path(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def unchanged(app: Sphinx, part: str, outputs: Iterable[Path]) -> bool:
    """Whether `part`'s files are all there and were made from the same inputs as now."""
    digest = inputs_digest(app)
    stamped = _read(app).get(_key(app, part))
    return (digest is not None and isinstance(stamped, dict) and stamped.get("digest") == digest
            and all(path.exists() for path in outputs))


def names(app: Sphinx, part: str) -> list[str] | None:
    """The names stamped with `part` when it was last written (None if never)."""
    stamped = _read(app).get(_key(app, part))
    found = stamped.get("names") if isinstance(stamped, dict) else None
    return list(found) if isinstance(found, list) else None


def stamp(app: Sphinx, part: str, written: Iterable[str] = ()) -> None:
    """Record that `part`'s files (named `written`, where they vary) were just made from
    the current inputs."""
    stamps = _read(app)
    digest = inputs_digest(app)
    key = _key(app, part)
    if digest is None:
        stamps.pop(key, None)
    else:
        stamps[key] = {"digest": digest, "names": sorted(written)}
    path = _stamps_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stamps, indent=1, sort_keys=True), encoding="utf-8")
