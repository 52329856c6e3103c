"""The installed packages that shape what the extension writes, by output, and their versions.

A file made again only when its inputs change (stamps.py, the formatted references kept
between builds in bib/cite_domain.py) is also made by other packages' code: upgrading
pybtex changes every formatted reference with no record changed. So each digest of such
inputs includes the versions of the packages below; an upgrade writes the files again.

No Sphinx or kb import here: bib/cite_domain.py uses it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata

# formatted references (the paper index and its parts, kb.json's and the previews' texts)
REFERENCES = ("pybtex", "pybtex-docutils", "sphinxcontrib-bibtex")
FEEDS = ("feedgen",)
CHARTS = ("matplotlib",)
SEARCH = ("pagefind", "pagefind-bin")  # the bundle; the binary comes in pagefind-bin
# the HTML around the part pages' bodies, and the bodies' markup
PAGES = ("sphinx", "docutils", "pydata-sphinx-theme", "sphinx-book-theme")


@lru_cache(maxsize=None)
def package_version(name: str) -> str:
    """The installed version of `name` ("" when it is not installed). Kept for the process:
    its code was imported once, so an upgrade in between is not what it runs."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def versions(names: Iterable[str]) -> list[tuple[str, str]]:
    """(package, version) of each of `names`, sorted: a part of a digest."""
    return [(name, package_version(name)) for name in sorted(set(names))]
