"""Hardening: no contributor input crashes the build or reaches readers as code.

- Raw HTML (MyST's pass-through of HTML written in Markdown, and the `raw`
  directive) is shown as text, with a located warning: the strict build fails,
  and no page, sidebar or previous/next link of another page carries it.
- Links and images to `javascript:`, `vbscript:` or `data:` URLs become their text,
  with a located warning.
- A source file that is not UTF-8 is reported at the line of its first bad byte,
  with the fix, instead of Sphinx's "Encoding error!" traceback; every other page
  still builds.
- A page removed (or renamed, or unreadable) re-reads the pages whose toctrees list
  it, so an incremental build warns about the dangling entry and renders the
  navigation as a clean build does.
- The page titles the book theme gives its templates as plain text (`pagetitle`, the
  print-only header's; `root_title`, the sidebar's home link) are given as HTML, escaped,
  since the templates print them as they are: a heading `# A <script>` is text there too.

The checks on text (`unsafe_scheme`, `first_bad_byte`, `listing_parents`) are pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.transforms import Transform
from markupsafe import Markup, escape
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..compat.sphinx import leave_out_document, toctree_children

logger = logging.getLogger(__name__)

UNSAFE_SCHEMES = ("javascript", "vbscript", "data")
# the raw nodes MyST itself makes for a hard line break (no contributor text in them)
MYST_LINE_BREAKS = frozenset({"<br />\n", "\\\\\n"})
# browsers drop ASCII whitespace and control characters anywhere in a scheme
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


# -- pure checks ----------------------------------------------------------------------


def unsafe_scheme(url: str) -> str | None:
    """The scheme of `url` if a browser would run or inline it (javascript:, data:...)."""
    compact = _IGNORED_IN_SCHEME.sub("", url).lower()
    scheme, colon, _ = compact.partition(":")
    if colon and scheme in UNSAFE_SCHEMES:
        return scheme
    return None


def first_bad_byte(data: bytes, encoding: str = "utf-8") -> tuple[int, str] | None:
    """(1-based line, description) of the first byte `data` cannot be decoded at, or None."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return line, f"byte 0x{data[err.start]:02x}"
    except LookupError:
        return None
    return None


def listing_parents(toctree_includes: Mapping[str, Iterable[str]], gone: set[str],
                    remaining: set[str]) -> set[str]:
    """The pages still there whose toctrees list one of the `gone` pages."""
    return {parent for parent, children in toctree_includes.items()
            if parent in remaining and parent not in gone and gone.intersection(children)}


# -- raw HTML and unsafe links: a read-time transform ---------------------------------------


def _warn(message: str, node: nodes.Node, env: BuildEnvironment | None, subtype: str) -> None:
    # the node's line, else its nearest ancestor's (rST in an eval-rst block has none)
    located: nodes.Node | None = node
    while located is not None and getattr(located, "line", None) is None:
        located = located.parent
    if located is not None:
        location: Any = located
    else:
        location = (env.docname, None) if env is not None else node
    logger.warning(message, location=location, type="kb", subtype=subtype)


class NeutraliseRawContent(Transform):
    """Raw markup and script URLs from a page's source become text, with a warning.

    Runs while the page is read, before Sphinx's title collector, so a title's
    raw HTML is text also where other pages show that title (sidebars, prev/next).
    """

    default_priority = 100

    def apply(self, **kwargs: Any) -> None:
        env = getattr(self.document.settings, "env", None)
        reported: set[tuple[Any, Any]] = set()  # one warning a line (<b>x</b> is two nodes)
        for raw in list(self.document.findall(nodes.raw)):
            if raw.line is None and raw.astext() in MYST_LINE_BREAKS:
                continue
            kind = "HTML" if "html" in raw.get("format", "").split() else "markup"
            if (raw.source, raw.line) not in reported or raw.line is None:
                reported.add((raw.source, raw.line))
                _warn(f"raw {kind} is not allowed in a page; it is shown as text: write it in "
                      "Markdown instead (escape a literal '<' as '\\<')", raw, env, "raw_html")
            text = nodes.Text(raw.astext())
            if isinstance(raw.parent, nodes.TextElement):
                raw.replace_self(text)
            else:
                block = nodes.literal_block(raw.astext(), raw.astext())
                block.source, block.line = raw.source, raw.line
                raw.replace_self(block)
        links: set[str] = set()  # rST's `text <url>`_ makes a reference and a target
        for ref in list(self.document.findall(nodes.reference)):
            scheme = unsafe_scheme(ref.get("refuri", ""))
            if scheme:
                links.add(ref["refuri"])
                _warn(f"a link to a {scheme}: URL is not allowed; link to an http:// or "
                      "https:// address, or a page of the site", ref, env, "unsafe_url")
                ref.replace_self(nodes.inline(ref.rawsource, "", *ref.children))
        for target in list(self.document.findall(nodes.target)):
            scheme = unsafe_scheme(target.get("refuri", ""))
            if scheme and target["refuri"] in links:
                del target["refuri"]
            elif scheme:
                _warn(f"a link target to a {scheme}: URL is not allowed; use an http:// or "
                      "https:// address", target, env, "unsafe_url")
                del target["refuri"]
        for image in list(self.document.findall(nodes.image)):
            scheme = unsafe_scheme(image.get("uri", ""))
            if scheme:
                _warn(f"an image from a {scheme}: URL is not allowed; save the image in the "
                      "repository and give its path", image, env, "unsafe_url")
                image.replace_self(nodes.inline("", image.get("alt", "")))


# -- encodings, and pages gone from under a toctree ----------------------------------------


def _parents_of_gone(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                     removed: set[str]) -> list[str]:
    """Re-read the pages whose toctrees list a removed page (env-get-outdated)."""
    return sorted(listing_parents(toctree_children(env), set(removed), env.found_docs))


def _check_encodings(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Leave out, with a located warning, each page to read that is not in the source
    encoding; purge what an earlier build knew of it and re-read the pages listing it."""
    encoding = env.config.source_encoding or "utf-8"
    name = "UTF-8" if encoding.lower().replace("_", "-").startswith("utf-8") else encoding
    unreadable: set[str] = set()
    for docname in docnames:
        path = Path(env.doc2path(docname))
        try:
            bad = first_bad_byte(path.read_bytes(), encoding)
        except OSError as err:
            logger.warning(f"the page cannot be read ({err.strerror})", location=(docname, None),
                           type="kb", subtype="encoding")
            unreadable.add(docname)
            continue
        if bad is not None:
            line, byte = bad
            logger.warning(
                f"the file is not {name} ({byte} cannot be decoded): save it as {name} "
                "(in most editors: 'Save with encoding')",
                location=(docname, line), type="kb", subtype="encoding")
            unreadable.add(docname)
    if not unreadable:
        return
    parents = listing_parents(toctree_children(env), unreadable, env.found_docs)
    for docname in sorted(unreadable):
        leave_out_document(app, env, docname)
    docnames[:] = [doc for doc in docnames if doc not in unreadable]
    docnames.extend(sorted(parents - set(docnames)))


def _check_title(app: Sphinx, doctree: nodes.document) -> None:
    """A page without a heading has no title in the navigation: say so on the page
    (Sphinx only warns at each toctree that lists it). A front-matter title without
    a heading is reported by reading.collect_page."""
    if any(isinstance(node, nodes.title) for node in doctree.findall(nodes.title)):
        return
    fm = app.env.current_document.get("kb_front_matter")
    if fm is not None and "title" in fm.data:
        return
    empty = not doctree.children or not doctree.astext().strip()
    message = ("the page is empty: give it a '# Title' and its text, or delete it and its "
               "toctree entry" if empty else
               "the page has no title: start it with a '# Heading'")
    logger.warning(message, location=(app.env.docname, 1), type="kb", subtype="no_title")


# the template variables sphinx-book-theme sets to a title's plain text (`.astext()`)
PLAIN_TEXT_TITLES = ("pagetitle", "root_title")


def escape_plain_titles(app: Sphinx, pagename: str, templatename: str,
                        context: dict[str, Any], doctree: nodes.document | None) -> None:
    """Each plain-text title, escaped. Sphinx's own `title` is already HTML (its text
    escaped), but sphinx-book-theme sets these from the title's text, and its layout
    (`<h1>{{ pagetitle }}</h1>`) and sidebar (`{{ root_title }}`) print them unescaped.
    `Markup`: a template that escapes them itself (`| e`) does not escape them twice."""
    for name in PLAIN_TEXT_TITLES:
        value = context.get(name)
        if isinstance(value, str) and not isinstance(value, Markup):
            context[name] = escape(value)


def setup_safety(app: Sphinx) -> None:
    app.add_transform(NeutraliseRawContent)
    # before reading.collect_page (400), which consumes the front matter
    app.connect("doctree-read", _check_title, priority=300)
    app.connect("env-get-outdated", _parents_of_gone)
    app.connect("env-before-read-docs", _check_encodings)
    # after sphinx-book-theme's add_metadata_to_page (500), which sets them
    app.connect("html-page-context", escape_plain_titles, priority=900)
