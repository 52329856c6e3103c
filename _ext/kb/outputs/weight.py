"""A warning for each HTML page over the bound a page may weigh (1 MB).

The long generated lists are split so that no page outgrows the bound (views/parts.py,
`kb_split_links`), but the bound is kept in links, and what a link weighs depends on the
titles around it: this is the net under it. At the end of an HTML build (one file per
page: `html`, `dirhtml`) every page of the site (each document, and each part of a split
list, which part_pages.py names through `note_parts`) over `MAX_PAGE_BYTES` is reported
(`kb.page-weight`), at the page whose view it shows, with its size and what to lower.

Every page is checked on every build, not only those written, so an incremental build
warns as a clean build of the same sources does. It costs a `stat` a page (about 10 ms at
10,000 pages).
"""

from __future__ import annotations

from collections.abc import Iterable

from sphinx.application import Sphinx
from sphinx.util import logging

from ..build.config import kb_config
from ..build.domain import kb_domain
from ..compat import sphinx as sphinx_compat
from ..views.parts import SPLIT_BUILDERS, SPLITTABLE

logger = logging.getLogger(__name__)

MAX_PAGE_BYTES = 1_000_000  # 1 MB: the most a phone should be handed as one page
PARTS = "kb_part_pages"  # the part pages of this build, kept on its builder


def note_parts(app: Sphinx, pagenames: Iterable[str]) -> None:
    """The pages of split views in this build (part_pages.py), written or kept."""
    setattr(app.builder, PARTS, set(pagenames))


def _view_page(docnames: set[str], part: str) -> str | None:
    """The page whose view a part belongs to: its name is that page's and a suffix."""
    found = [doc for doc in docnames if part.startswith(doc + "-")]
    return max(found, key=len) if found else None


def advice(split_links: int, shows_split_view: bool) -> str:
    """What to do about a page over the bound."""
    if not shows_split_view:
        return "split its text into several pages"
    if split_links == 0:
        return "set kb_split_links in conf.py (now 0, which never splits a list; 2000 is the default)"
    return (f"lower kb_split_links in conf.py (now {split_links}), so that its list is split "
            "into smaller parts")


def warn_heavy_pages(app: Sphinx, exception: Exception | None) -> None:
    parts = getattr(app.builder, PARTS, None) or set()
    setattr(app.builder, PARTS, None)  # a later build on this app notes its own
    if exception is not None or app.builder.name not in SPLIT_BUILDERS:
        return
    docs = set(app.env.found_docs)
    views = kb_domain(app.env).views
    split_links = kb_config(app.config).split_links
    for name in sorted(docs | parts):
        path = sphinx_compat.output_path(app.builder, name)
        try:
            size = path.stat().st_size
        except OSError:  # a page this build does not write (the domain index, when empty)
            continue
        if size <= MAX_PAGE_BYTES:
            continue
        is_part = name not in docs
        page = _view_page(docs, name) if is_part else name
        splits = is_part or any(key.kind in SPLITTABLE for key in views.get(name, ()))
        logger.warning("%s %s is %.2f MB, over the %g MB a page may weigh: %s",
                       "the part page" if is_part else "the page",
                       path.relative_to(app.outdir).as_posix(), size / 1e6,
                       MAX_PAGE_BYTES / 1e6, advice(split_links, splits),
                       location=page, type="kb", subtype="page-weight")


def setup_weight(app: Sphinx) -> None:
    app.connect("build-finished", warn_heavy_pages)
