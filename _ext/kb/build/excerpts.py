"""One excerpt of each page and item: what describes it in the feeds, the link previews,
the OpenGraph and meta description, and the JSON-LD.

It is taken one way, at read time (`collect_excerpts`, at doctree-read, after Sphinx's
transforms, so its quotes are the page's curly ones), kept in the kb domain keyed by
docname, and turned into text at write time (`excerpt_text`, through
`KnowledgeBaseDomain.excerpt`), once the titles of what it references are known:

- a page's excerpt is its front-matter summary where it has one (reviews and issues
  must), else the first sentences of its first paragraph;
- an item's, the first sentences of its first paragraph;
- the first paragraph is the first with text of the element's own prose: not inside an
  item (but the item itself), a generated view, an admonition, a topic or sidebar box, a
  list, a table, a field list, the front matter or another container (the line under
  the title among them), nor a line the extension wrote (classes 'kb-...');
- in it, what the page shows a reader, as text: a kb reference or a `{doc}`/`{ref}` link
  written without a title shows its target's current title, a citation its label as the
  page renders it ("[Jumper et al., 2021]", by sphinxcontrib-bibtex's reference style),
  a link its text; never a cite key, a docname or a label. Those are known only once
  every page is read, so the excerpt keeps [kind, target] for each (`REFERENCE_KINDS`)
  and `excerpt_text` asks for its text at write time.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator

from docutils import nodes
from sphinx import addnodes

from ..views.nodes import kb_item, kb_view

# a paragraph's text, with [kind, target] for each reference whose text is known only once
# every page is read: JSON and pickle keep it as it is
Excerpt = list
# the kinds of those references: a kb role's type (topic, item, issue, review), "doc",
# "ref", or "cite:" and the cite role's type ("cite:p", "cite:t")
CITE = "cite:"
LIMIT = 280  # characters of an excerpt taken from a paragraph
SENTENCES = 2
# where a paragraph is not the element's own prose
SET_APART = (kb_item, kb_view, nodes.Admonition, nodes.topic, nodes.sidebar, nodes.docinfo,
             nodes.field_list, nodes.table, nodes.list_item, nodes.container)


# -- read time ------------------------------------------------------------------------


def collect_excerpts(doctree: nodes.document) -> dict[str, Excerpt]:
    """{"": the page's excerpt, item anchor: the item's}, for those that have a paragraph."""
    found: dict[str, Excerpt] = {}
    page = excerpt_of(doctree)
    if page:
        found[""] = page
    for item in doctree.findall(kb_item):
        excerpt = excerpt_of(item)
        if excerpt:
            found[item["kb_anchor"]] = excerpt
    return found


def excerpt_of(root: nodes.Element) -> Excerpt:
    """The first paragraph of `root`'s own prose, as an excerpt ([] if it has none)."""
    for para in root.findall(nodes.paragraph):
        if any(c.startswith("kb-") for c in para["classes"]):
            continue
        if any(isinstance(a, SET_APART) for a in _ancestors(para, root)):
            continue
        parts = _parts(para)
        if "".join(p for p in parts if isinstance(p, str)).strip() or \
                any(not isinstance(p, str) for p in parts):
            return parts
    return []


def _ancestors(node: nodes.Node, root: nodes.Node) -> Iterator[nodes.Element]:
    current = node.parent
    while current is not None and current is not root:
        yield current
        current = current.parent


def _parts(element: nodes.Element) -> Excerpt:
    """The element's text, kb references kept as references, citations left out."""
    parts: Excerpt = []

    def walk(node: nodes.Node) -> None:
        if isinstance(node, kb_view):
            return
        if isinstance(node, addnodes.pending_xref):
            found = _reference(node)
            if found is not None:
                parts.append(found)
                return
        if isinstance(node, nodes.Text):
            parts.append(node.astext())
            return
        for child in node.children:
            walk(child)

    walk(element)
    return parts


def _reference(node: addnodes.pending_xref) -> list[str] | None:
    """[kind, target] of a reference whose text the page shows only once resolved; None
    for one whose text is already there (a title written with it)."""
    domain, reftype = node.get("refdomain"), node.get("reftype")
    if domain == "cite":  # its text is always the reference style's
        return [CITE + reftype, node["reftarget"]]
    if node.get("refexplicit"):
        return None
    if domain == "kb":
        return [reftype, node["reftarget"]]
    if domain == "std" and reftype == "doc":
        # as Sphinx resolves it: relative to the page, unless it starts with "/"
        return ["doc", _doc_target(node.get("refdoc", ""), node["reftarget"])]
    if domain == "std" and reftype == "ref":
        return ["ref", node["reftarget"]]
    return None


def _doc_target(page: str, target: str) -> str:
    """A `{doc}` target as a docname: relative to the page's folder, or to the root when it
    starts with "/" (as Sphinx's standard domain reads it)."""
    return posixpath.normpath(posixpath.join("/" + page, "..", target))[1:]


# -- write time -----------------------------------------------------------------------


def excerpt_text(excerpt: Excerpt, title: Callable[[str, str], str | None]) -> str:
    """The excerpt's first sentences, each reference shown by `title(kind, target)`, the
    text its page shows. Where that is None (a reference the build warned about), a kb
    reference shows its target as written, as the page does; a citation, a `{doc}` or a
    `{ref}` link is left out rather than show a key, docname or label."""
    def shown(part: list[str]) -> str:
        found = title(part[0], part[1])
        if found is not None:
            return found
        return "" if part[0] in ("doc", "ref") or part[0].startswith(CITE) else part[1]

    text = "".join(part if isinstance(part, str) else shown(part) for part in excerpt)
    # where a citation was left out: "text ( )." or "text ."
    text = re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\(\s*\)", "", text))
    return first_sentences(text)


def first_sentences(text: str, sentences: int = SENTENCES, limit: int = LIMIT) -> str:
    """The first sentences of `text`, at most `limit` characters (cut at a word, with '…'
    where the cut is inside a sentence)."""
    text = " ".join(text.split())
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\u201c])", text)
    found = " ".join(parts[:sentences])
    if len(found) > limit:
        found = found[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
        if not found.endswith((".", "!", "?")):
            found += "…"
    return found
