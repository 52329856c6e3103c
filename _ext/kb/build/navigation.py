"""The sidebar navigation, rendered from the toctree structure: the current branch only.

sphinx-book-theme asks Sphinx for the whole site's toctree on every page and then
collapses it, so each page costs time in proportion to the site, and a site of N
pages costs N x N (on a generated site the build time grew with the square of its
pages; pydata-sphinx-theme#364 reports the same). This renders what the collapsed tree
shows, in the theme's markup, straight from the toctree structure: the top-level
entries, and the entries of each page on the path from the root to this page. A
page's cost is the length of that path times the entries at each level.

The rewrite rules in schedule.py rely on it: a toctree's entries are shown by its own
page and the pages below it; the top-level entries by every page.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, cast

from sphinx.application import Sphinx

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

        def entries(parent: str, level: int) -> str:
            items = []
            for doc in self.children.get(parent, ()):
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
                item = f'<li class="{" ".join(classes)}"><a class="{link_class}" href="{href}">{title}</a>'
                if expand:
                    item += ('<details open="open"><summary><span class="toctree-toggle" '
                             'role="presentation"><i class="fa-solid fa-chevron-down"></i></span>'
                             f'</summary><ul class="current">{entries(doc, level + 1)}</ul></details>')
                items.append(item + "</li>")
            return "".join(items)

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


def setup_navigation(app: Sphinx) -> None:
    app.connect("html-page-context", add_to_context)
