"""sitemap.xml, and robots.txt pointing to it: every page of the site, once.

robots.txt is written only when the site sits at the root of its host (`html_baseurl`'s
path is "/"): crawlers read it there and nowhere else. A site below a path
(`https://user.github.io/project/`) gets none; docs/publishing.md says how to point
crawlers to its sitemap from the host's own robots.txt.

sphinx-sitemap listed the pages it heard of as they were written, so an incremental
build knew only the pages it wrote again, and it reached its list through `env.app`,
which Sphinx 11 removes. The extension knows the site's pages itself:

- every document (the environment's `found_docs`; a page that cannot be read is not
  among them, build/safety.py);
- every other page the HTML builder writes (the general and domain indexes, the search
  and 404 pages): Sphinx renders these in the main process on every build, and each is
  heard of at `html-page-context`;
- the parts of split views, which part_pages.py lists (`list_pages`), also those it
  does not write again because they did not change.

At the end of an HTML build of a site with an address (publishing.publishing_html),
their URLs (`html_baseurl` + the builder's URI of the page), less those matching a
pattern of `sitemap_excludes` (fnmatch, on the URI) and the pages that are only the root
of a PDF (`pdf_only_pages`: book.md, which `latex_documents` starts from; HTML builds it,
but no page links to it and its title is the home page's, so it is neither in the sitemap
nor in the search), sorted, make sitemap.xml. So an
incremental build writes what a clean one does, and a file whose bytes are unchanged
is not written again; a changed one replaces the old one at once (written beside it,
then renamed), so a reader never sees half a sitemap.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

from .publishing import base_url, publishing_html
from .writing import write_if_changed

logger = logging.getLogger(__name__)

FILENAME = "sitemap.xml"
ROBOTS = "robots.txt"
# what `robots` writes, for any address
OURS = re.compile(r"User-agent: \*\nAllow: /\n\nSitemap: \S+/sitemap\.xml\n")
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
# the pages other than documents heard of in this build, kept on its builder
HEARD = "kb_sitemap_pages"


# -- pure ----------------------------------------------------------------------------------


def site_links(uris: Iterable[str], excludes: Iterable[str]) -> list[str]:
    """Each page's URI once, sorted, less those matching an exclude pattern."""
    patterns = list(excludes)
    return sorted({uri for uri in uris
                   if not any(fnmatch.fnmatch(uri, pattern) for pattern in patterns)})


def render(base: str, links: Iterable[str]) -> bytes:
    """The sitemap of the pages at `base` + each link (the bytes sphinx-sitemap wrote)."""
    urls = "".join(f"<url><loc>{escape(base + link)}</loc></url>" for link in links)
    return (f"<?xml version='1.0' encoding='utf-8'?>\n"
            f'<urlset xmlns="{NAMESPACE}">{urls}</urlset>').encode("utf-8")


def at_host_root(base: str) -> bool:
    """Whether the site's address is the root of its host ("https://example.org/"), the
    one place crawlers look for robots.txt."""
    return urlsplit(base).path == "/"


def robots(base: str) -> bytes:
    """Every crawler may read every page; the sitemap is at the site's root."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}{FILENAME}\n".encode()


def pdf_only_pages(latex_documents: Iterable[tuple], root_doc: str) -> set[str]:
    """The documents a PDF starts from (each `latex_documents` entry's first field) that
    are not the site's home page: the root of the book, which only the PDF reads."""
    return {entry[0] for entry in latex_documents} - {root_doc}


# -- the pages of this build ------------------------------------------------------------


def _heard(app: Sphinx) -> set[str]:
    heard = getattr(app.builder, HEARD, None)
    if heard is None:
        heard = set()
        setattr(app.builder, HEARD, heard)
    return heard


def list_pages(app: Sphinx, pagenames: Iterable[str]) -> None:
    """Pages of this build that are not documents (part_pages.py: the parts)."""
    _heard(app).update(pagenames)


def hear_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
              doctree: Any) -> None:
    if pagename not in app.env.found_docs:
        _heard(app).add(pagename)
    elif pagename in pdf_only_pages(app.config.latex_documents, app.config.root_doc):
        context["kb_unindexed"] = True  # out of the search too (_templates/layout.html)


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    heard = sorted(_heard(app))
    setattr(app.builder, HEARD, None)  # a later build on this app hears its own pages
    if exception is not None or not publishing_html(app):
        return
    uri = app.builder.get_target_uri
    book = pdf_only_pages(app.config.latex_documents, app.config.root_doc)
    links = site_links([*(uri(doc) for doc in app.env.found_docs if doc not in book),
                        *map(uri, heard)], app.config.sitemap_excludes)
    outdir, base = Path(app.outdir), base_url(app)
    write_if_changed(outdir / FILENAME, render(base, links))
    robots_file = outdir / ROBOTS
    if at_host_root(base):
        write_if_changed(robots_file, robots(base))
    elif robots_file.is_file() and OURS.fullmatch(robots_file.read_text("utf-8", "replace")):
        # a crawler reads robots.txt only at the root of a host: below it, the file would
        # only mislead (docs/publishing.md says what to do instead); one an earlier build
        # wrote, when the site sat at the root, goes (a file of the project's own stays)
        robots_file.unlink()


def no_second_sitemap(app: Sphinx, config: Config) -> None:
    if "sphinx_sitemap" in config.extensions:
        logger.warning("conf.py loads sphinx_sitemap, but the kb extension writes %s itself: "
                       "remove 'sphinx_sitemap' from extensions", FILENAME,
                       type="kb", subtype="sitemap")


def setup_sitemap(app: Sphinx) -> None:
    try:
        # fnmatch patterns of page URIs left out, e.g. ["search.html", "genindex.html"];
        # "": the sitemap is written on every build, no page depends on it
        app.add_config_value("sitemap_excludes", [], "", types=frozenset({list, tuple}))
    except ExtensionError:
        pass  # registered by sphinx-sitemap, which no_second_sitemap reports
    app.connect("config-inited", no_second_sitemap)
    app.connect("html-page-context", hear_page)
    app.connect("build-finished", write_sitemap)
