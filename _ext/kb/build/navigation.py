"""The sidebar navigation, rendered from the toctree structure: the current branch only.

sphinx-book-theme asks Sphinx for the whole site's toctree on every page and then
collapses it, so each page costs time in proportion to the site, and a site of N
pages costs N x N (on a generated site the build time grew with the square of its
pages; pydata-sphinx-theme#364 reports the same). This renders what the collapsed tree
shows, in the theme's markup, straight from the toctree structure: the top-level
entries, and the entries of each page on the path from the root to this page. A
page's cost is the length of that path times the entries at each level.

The theme's layout.html also asks, on every page, whether the page is in no toctree
(`suppress_sidebar_toctree`), and the theme indexes every toctree of the site to answer:
the same N x N. The index here answers it (`answer_sidebar_check`; compat/themes.py checks
the theme's code it stands in for).

The rewrite rules in schedule.py rely on it: a toctree's entries are shown by its own
page and the pages below it; the top-level entries by every page.
"""

from __future__ import annotations

import posixpath
from html import escape
from typing import TYPE_CHECKING, Any, cast

from sphinx.application import Sphinx

from ..compat import themes
from ..compat.sphinx import document_relations, toctree_children

if TYPE_CHECKING:
    from .domain import KnowledgeBaseDomain


class Navigation:
    """Parents, children and titles of the documents in the toctree, indexed once."""

    def __init__(self, env: Any) -> None:
        self.root = env.config.root_doc
        self.children = {doc: list(kids) for doc, kids in toctree_children(env).items()}
        self.titles = {doc: title.astext() for doc, title in env.titles.items()}
        # each page's parent as Sphinx sees it (the same relations give prev/next links)
        self.parent = {doc: related[0] for doc, related in document_relations(env).items()
                       if related[0] is not None}
        self._entries: set[str] | None = None  # every toctree's entries, once asked
        # each entry off a page's path, as the pages of one folder link it (html)
        self._entries_off_path: dict[tuple, str] = {}

    def in_a_toctree(self, docname: str) -> bool:
        """Whether `docname` is an entry of some toctree (the root is not)."""
        if self._entries is None:
            self._entries = {doc for kids in self.children.values() for doc in kids}
        return docname in self._entries

    def path(self, docname: str) -> list[str]:
        """The root's child, its child... down to `docname` (empty if not in the tree)."""
        path = []
        doc = docname
        while doc in self.parent:
            path.append(doc)
            doc = self.parent[doc]
        return list(reversed(path)) if doc == self.root else []

    def html(self, pagename: str, uri: Any, maxdepth: int, branch: str | None = None) -> str:
        """The theme's sidebar list for `pagename`; `uri(doc)` is the link to a page.
        `branch`: the page whose branch is shown, if not `pagename`'s own (a part of a
        split view shows its parent page's)."""
        on_path = set(self.path(branch or pagename))

        # the links a page makes are the same from every page of its folder (relative
        # URIs), so an entry off the page's path is kept for that folder's other pages
        folder = (posixpath.dirname(pagename), uri(self.root))

        def item(doc: str, level: int) -> str:
            off_path = doc not in on_path and doc != pagename
            if off_path:
                known = self._entries_off_path.get((doc, level, folder))
                if known is not None:
                    return known
            title = escape(self.titles.get(doc, doc))
            kids = self.children.get(doc, ())
            here = doc == pagename
            classes = [f"toctree-l{level}"]
            if doc in on_path:
                classes.append("current active")
            expand = doc in on_path and kids and level < maxdepth
            if expand:
                classes.append("has-children")
            href, link_class = ("#", "current reference internal") if here else \
                (uri(doc), "reference internal")
            text = f'<li class="{" ".join(classes)}"><a class="{link_class}" href="{href}">{title}</a>'
            if expand:
                text += ('<details open="open"><summary><span class="toctree-toggle" '
                         'role="presentation"><i class="fa-solid fa-chevron-down"></i></span>'
                         f'</summary><ul class="current">{entries(doc, level + 1)}</ul></details>')
            text += "</li>"
            if off_path:
                self._entries_off_path[(doc, level, folder)] = text
            return text

        def entries(parent: str, level: int) -> str:
            return "".join(item(doc, level) for doc in self.children.get(parent, ()))

        current = " current" if on_path else ""
        return f'<ul class="nav bd-sidenav{current}">{entries(self.root, 1)}</ul>'


def add_to_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Give templates `kb_navigation()`, used by _templates/sbt-sidebar-nav.html."""
    navigation = cast("KnowledgeBaseDomain", app.env.get_domain("kb")).navigation
    builder = app.builder
    maxdepth = int(context.get("theme_max_navbar_depth", 4) or 4)

    def kb_navigation() -> str:
        # the page's own `pathto`, as the template has it when it renders: relative links
        # (builder.get_relative_uri), but absolute ones from the site's root on the 404 page,
        # which sphinx-notfound-page gives its own pathto since the host serves it at any depth
        pathto = context.get("pathto") or (lambda doc: builder.get_relative_uri(pagename, doc))
        return navigation.html(pagename, pathto, maxdepth, branch=context.get("kb_part_of"))

    context["kb_navigation"] = kb_navigation


def answer_sidebar_check(app: Sphinx, pagename: str, templatename: str, context: dict,
                         doctree: Any) -> None:
    """pydata-sphinx-theme's `suppress_sidebar_toctree`, which its layout.html asks on every
    page, answered from the index for the theme's default question (the top level,
    hidden entries included): whether the page is in no toctree. The theme indexes every
    toctree of the site to answer it, on every page (compat/themes.py); any other question
    goes to the theme's own function, kept as `theirs`."""
    theirs = context.get("suppress_sidebar_toctree")
    if theirs is None or not themes.answers_sidebar_check():
        return
    navigation = cast("KnowledgeBaseDomain", app.env.get_domain("kb")).navigation

    def suppress_sidebar_toctree(startdepth: int = 1, **kwargs: Any) -> bool:
        if startdepth == 1 and kwargs.get("includehidden", False):
            return not navigation.in_a_toctree(pagename)
        return theirs(startdepth=startdepth, **kwargs)

    suppress_sidebar_toctree.theirs = theirs  # type: ignore[attr-defined]
    context["suppress_sidebar_toctree"] = suppress_sidebar_toctree


def setup_navigation(app: Sphinx) -> None:
    app.connect("html-page-context", add_to_context)
    # after the theme's (pydata-sphinx-theme connects its own at the default, 500)
    app.connect("html-page-context", answer_sidebar_check, priority=600)
