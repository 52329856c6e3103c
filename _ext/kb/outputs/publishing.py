"""Publishing: the canonical address, feeds, link previews (sitemap.py: sitemap, robots.txt).

The Sphinx glue around `atom.py`:
- `html_baseurl` is checked when the configuration is read: a malformed address is a
  configuration error naming what to write, never a broken feed. Left empty, the site
  builds without feeds, robots.txt or absolute links (the test roots of other features).
- What describes a page or an item is its one excerpt (build/excerpts.py, kept in the
  kb domain): the summary, or where a page has none (a topic) the first sentences of
  its first paragraph; an item's first sentences describe it in a topic feed.
- Each HTML page's <head> gets the link-preview metadata sphinxext-opengraph does not
  derive from the front matter (description = the excerpt, og:type article and
  article:published_time for reviews and issues, a Twitter card) and a
  rel="alternate" link to each feed that concerns it; series archives and topic pages
  show a subscribe link (HTML only, so the PDF is untouched).
- When an HTML build finishes, every feed is written from the model (cheap: no page is
  read), so an incremental build writes exactly what a clean build writes; a feed whose
  bytes are unchanged is not rewritten.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from ..build.config import conf_file, kb_config, where_set
from ..build.domain import kb_domain
from ..compat.sphinx import relative_uri
from . import atom, stamps, versions
from .writing import write_if_changed

SUBSCRIBE_CLASS = "kb-subscribe"


def check_base_url(value: Any) -> str:
    """'' (publishing off) or an absolute http(s) URL ending in '/'; else ConfigError."""
    if value in (None, ""):
        return ""
    text = str(value)
    parts = urlsplit(text)
    problem = None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problem = "it is not an absolute http:// or https:// address"
    elif any(c.isspace() for c in text):
        problem = "it contains white space"
    elif parts.query or parts.fragment:
        problem = "it has a query or fragment; the site's address ends at its path"
    elif not parts.path.endswith("/"):
        problem = "it does not end with '/' (the site is a folder, its pages are below it)"
    if problem:
        raise ConfigError(
            f"html_baseurl {text!r} is malformed: {problem}. Write the published site's "
            "address, e.g. 'https://example.org/' or 'https://user.github.io/project/' "
            "(conf.py, SITE_URL; docs/publishing.md)")
    return text


def validate_config(app: Sphinx, config: Config) -> None:
    try:
        check_base_url(config.html_baseurl)
    except ConfigError as err:
        raise ConfigError(f"{where_set(config, conf_file(app), 'html_baseurl')}: {err}") from None


def base_url(app: Sphinx) -> str:
    return check_base_url(app.config.html_baseurl)


def publishing_html(app: Sphinx) -> bool:
    """An HTML build of a site with an address (not epub, not LaTeX)."""
    return bool(base_url(app)) and app.builder.format == "html" and app.builder.name != "epub"


# -- the one place the knowledge base is read ------------------------------------------


def gather_site(app: Sphinx) -> atom.Site:
    """Everything the feeds and the page metadata need, from the kb domain and config."""
    env = app.env
    domain = kb_domain(env)
    graph = domain.graph
    series = {slug: spec.name for slug, spec in kb_config(app.config).series.items()}
    # a series' archive page is the page showing its `kb:archive <series>` view
    series_pages: dict[str, str] = {}
    for docname, keys in sorted(domain.views.items()):
        for key in keys:
            if key.kind == "series" and key.argument in series:
                series_pages.setdefault(key.argument, docname)
    topics = {slug: node.title for slug, node in graph.taxonomy.topics.items()}
    return atom.Site(
        base_url=base_url(app),
        title=app.config.html_title or app.config.project,
        author=app.config.author,
        uri=app.builder.get_target_uri,
        pages=graph.pages,
        excerpt=domain.excerpt,
        series=series,
        series_pages=series_pages,
        series_docs={slug: list(graph.catalogue.by_series.get(slug, ())) for slug in series},
        topics=topics,
        topic_pages={slug: node.docname for slug, node in graph.taxonomy.topics.items()},
        listing=graph.listings.listing,
        root_doc=app.config.root_doc,
    )


# -- each page's <head> and the subscribe link -------------------------------------------


def _meta(name: str, content: str, attribute: str = "property") -> str:
    return f'<meta {attribute}="{html.escape(name)}" content="{html.escape(content)}" />'


def page_head(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
              doctree: nodes.document | None) -> None:
    """Before sphinxext-opengraph (priority 500): front-matter values and feed links."""
    if not publishing_html(app):
        return
    site = _site(app)
    page = site.pages.get(pagename)
    tags: list[str] = []
    if page is not None and doctree is not None:
        # sphinxext-opengraph takes page fields named og:*; it escapes only quotes, so
        # the text is given escaped (on a copy: context["meta"] is the environment's).
        # Every page: the summary, else its own first paragraph (never a generated view)
        description = site.excerpt(pagename, "")
        fields = dict(context.get("meta") or {})
        fields["og:title"] = html.escape(page.title, quote=False)
        if description:
            fields["og:description"] = html.escape(description, quote=False)
            tags.append(_meta("description", description, "name"))
        if page.kind in ("review", "newsletter"):
            fields["og:type"] = "article"
            if page.date is not None:
                tags.append(_meta("article:published_time", atom.published(page.date).isoformat()))
            # no article:author: the page is the knowledge base's retelling, not the
            # original's author's work (JSON-LD names the original as isBasedOn)
        context["meta"] = fields
    if doctree is not None:
        tags.append(_meta("twitter:card", "summary", "name"))
    for title, url in atom.feeds_of_page(site, pagename) if kb_config(app.config).feeds else ():
        tags.append(f'<link rel="alternate" type="{atom.FEED_TYPE}" '
                    f'title="{html.escape(title)}" href="{html.escape(url)}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(tags) + "\n"


def _site(app: Sphinx) -> atom.Site:
    """One gathered Site per build (the graph does not change while pages are written)."""
    cached = getattr(app.builder, "_kb_feed_site", None)
    graph = kb_domain(app.env).graph
    if cached is None or cached[0] is not graph:
        cached = (graph, gather_site(app))
        app.builder._kb_feed_site = cached  # type: ignore[attr-defined]
    return cached[1]


def subscribe_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A visible 'Subscribe' link under the title of series archives and topic pages."""
    if not publishing_html(app) or not kb_config(app.config).feeds:
        return
    site = _site(app)
    if docname not in site.series_pages.values() and _topic_of(site, docname) not in site.topics:
        return
    links = atom.feeds_of_page(site, docname)[1:]  # the series' or the topic's, not the site's
    if not links:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    # relative, so the link works wherever the site is served (a preview, a local build)
    here = app.builder.get_target_uri(docname)
    parts = []
    for title, url in links:
        href = relative_uri(here, url[len(site.base_url):])
        parts.append(f'<a class="reference internal" href="{html.escape(href)}" '
                     f'type="{atom.FEED_TYPE}">{html.escape(title.split(": ", 1)[-1])} '
                     '(Atom feed)</a>')
    raw = nodes.raw("", f'<p class="{SUBSCRIBE_CLASS}">Subscribe: {", ".join(parts)}</p>\n',
                    format="html")
    details = [n for n in section.children
               if isinstance(n, nodes.container) and "kb-page-details" in n.get("classes", ())]
    position = section.index(details[0]) + 1 if details else 1
    section.insert(position, raw)


def _topic_of(site: atom.Site, docname: str) -> str | None:
    page = site.pages.get(docname)
    return page.slug if page is not None and page.kind == "topic" else None


# -- at the end of an HTML build: the feeds ------------------------------------------------


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not publishing_html(app) or not kb_config(app.config).feeds:
        return
    outdir = Path(app.outdir)
    digest = stamps.inputs_digest(app, versions.FEEDS)
    if stamps.unchanged(app, "feeds", digest, [outdir / atom.FEEDS_DIR]):
        return
    stamps.withdraw(app, "feeds")
    site = _site(app)
    planned = atom.plan(site, kb_config(app.config).feed_limit)
    for feed in planned:
        write_if_changed(outdir / feed.path, atom.render(feed, site.author))
    # the feed of a topic or series that no longer exists goes, as in a clean build
    keep = {outdir / feed.path for feed in planned}
    for stale in sorted((outdir / atom.FEEDS_DIR).rglob("*.xml")):
        if stale not in keep:
            stale.unlink()
    stamps.stamp(app, "feeds", digest)


def setup_publishing(app: Sphinx) -> None:
    app.connect("config-inited", validate_config)
    app.connect("html-page-context", page_head, priority=450)
    app.connect("doctree-resolved", subscribe_link)
    app.connect("build-finished", write_feeds)
