"""The kb domain's data, typed: what each key of `KnowledgeBaseDomain.data` holds.

Sphinx pickles a domain's `data` dict with the environment, so the domain keeps its
state there, not in attributes; `DomainData` gives each key a typed property, and
`PageData` is what reading one page contributes (domain.py files it).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..model.records import Citation, ItemRecord, PageRecord, Reference
from ..views.data import ViewKey
from ..views.deps import Footprint, RelatedShown
from .excerpts import Excerpt


class PageData(NamedTuple):
    """What one page contributes to the knowledge base, as read from it."""

    page: PageRecord  # its front matter (kind None for an ordinary page)
    items: list[ItemRecord]  # its items, in page order
    references: list[Reference]  # the kb references it makes
    views: list[ViewKey]  # the generated views it shows
    citations: list[Citation]  # the works its cite roles name
    excerpts: dict[str, Excerpt]  # "": its first paragraph; anchor: each item's (excerpts.py)


# the data keys that hold one entry per document
PER_DOCUMENT = ("pages", "items", "refs", "views", "cites", "excerpts", "digests")

INITIAL_DATA: dict[str, Any] = {
    "pages": {},  # docname -> PageRecord
    "items": {},  # docname -> [ItemRecord], in page order
    "refs": {},  # docname -> [Reference] of the kb references it makes
    "cites": {},  # docname -> [Citation] of the works its cite roles name
    "views": {},  # docname -> sorted [ViewKey] of generated views it shows
    "excerpts": {},  # docname -> {"" or item anchor: Excerpt}
    "digests": {},  # docname -> digest of all the records above for that page
    # Written by the env-updated handlers (main process only) to know what to
    # rewrite; not per-document, so neither cleared nor merged.
    "fingerprints": {},  # docname -> digest of the generated content last written
    "state": "",  # digest of every page's records and of refs.bib, when last written
    # what the schedule compares the next build's records with (views/deps.py):
    "footprints": {},  # docname -> Footprint: what other pages' views show of it
    "basis": "",  # digest of the topic vocabulary and the cited works
    "view_fingerprints": {},  # ViewKey -> digest of what the view showed
    "related_shown": {},  # docname -> RelatedShown: the pages its related view showed
    "bibcheck": {},  # bib file -> (mtime, line of each entry, problems), see bibliography
    "navigation": {},  # what each page's navigation showed when last written
    # the live preview works out the pages to rewrite after writing the ones read
    # (schedule.py, `rewrite_later`): True while that is still to come, as the environment
    # is pickled; a build that finds it True cannot trust the fingerprints, and rewrites all
    "rewrites_pending": False,
}


class DomainData:
    """Typed properties over a domain's `data` (the keys of INITIAL_DATA)."""

    data: dict[str, Any]

    # -- as read, one entry per document --------------------------------------------
    @property
    def pages(self) -> dict[str, PageRecord]:
        return self.data["pages"]

    @property
    def items(self) -> dict[str, list[ItemRecord]]:
        return self.data["items"]

    @property
    def references(self) -> dict[str, list[Reference]]:
        return self.data["refs"]

    @property
    def citations(self) -> dict[str, list[Citation]]:
        return self.data["cites"]

    @property
    def views(self) -> dict[str, list[ViewKey]]:
        return self.data["views"]

    @property
    def excerpts(self) -> dict[str, dict[str, Excerpt]]:
        return self.data["excerpts"]

    @property
    def digests(self) -> dict[str, str]:
        return self.data["digests"]

    @property
    def bibcheck(self) -> dict[str, Any]:
        return self.data["bibcheck"]

    # -- what the last build wrote, to compare the next one with (schedule.py) --------
    @property
    def fingerprints(self) -> dict[str, str]:
        return self.data["fingerprints"]

    @fingerprints.setter
    def fingerprints(self, value: dict[str, str]) -> None:
        self.data["fingerprints"] = value

    @property
    def state(self) -> str:
        return self.data["state"]

    @state.setter
    def state(self, value: str) -> None:
        self.data["state"] = value

    @property
    def footprints(self) -> dict[str, Footprint]:
        return self.data["footprints"]

    @footprints.setter
    def footprints(self, value: dict[str, Footprint]) -> None:
        self.data["footprints"] = value

    @property
    def basis(self) -> str:
        return self.data["basis"]

    @basis.setter
    def basis(self, value: str) -> None:
        self.data["basis"] = value

    @property
    def view_fingerprints(self) -> dict[ViewKey, str]:
        return self.data["view_fingerprints"]

    @view_fingerprints.setter
    def view_fingerprints(self, value: dict[ViewKey, str]) -> None:
        self.data["view_fingerprints"] = value

    @property
    def related_shown(self) -> dict[str, RelatedShown]:
        return self.data["related_shown"]

    @related_shown.setter
    def related_shown(self, value: dict[str, RelatedShown]) -> None:
        self.data["related_shown"] = value

    @property
    def navigation_shown(self) -> dict[str, dict[str, str]]:
        return self.data["navigation"]

    @navigation_shown.setter
    def navigation_shown(self, value: dict[str, dict[str, str]]) -> None:
        self.data["navigation"] = value

    @property
    def rewrites_pending(self) -> bool:
        return self.data["rewrites_pending"]

    @rewrites_pending.setter
    def rewrites_pending(self, value: bool) -> None:
        self.data["rewrites_pending"] = value
