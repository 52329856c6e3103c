"""The boundary's check at start-up: `setup_compat(app)`.

When the builder is set up (the builder and the environment exist, the configuration is
read), each compat module compares what it relies on with what is installed, and the
mismatches are reported: one `kb.compat` warning per package (shape.report), so a
strict build (-W) stops on it. A check that itself fails is reported as a mismatch of
its package; it never stops the build.
"""

from __future__ import annotations

from collections.abc import Callable

from sphinx.application import Sphinx

from . import bibtex, docutils, opengraph, pagefind, sphinx, themes
from .shape import Mismatch, report

# (package a failure of the check is reported under, the check)
CHECKS: tuple[tuple[str, Callable[[Sphinx], list[Mismatch]]], ...] = (
    (sphinx.PACKAGE, sphinx.check),
    (docutils.PACKAGE, docutils.check),
    (bibtex.PACKAGE, bibtex.check),
    (opengraph.PACKAGE, opengraph.check),
    (themes.PACKAGE, themes.check),
    (pagefind.PACKAGE, pagefind.check),
)


def upstream_mismatches(app: Sphinx) -> list[Mismatch]:
    found: list[Mismatch] = []
    for package, check in CHECKS:
        try:
            found += check(app)
        except Exception as error:  # noqa: BLE001 - the check's own failure is the news
            found.append(Mismatch(package, f"the check of it failed ({error!r})",
                                  "what kb/compat/ relies on of it is unknown"))
    return found


def check_upstream(app: Sphinx) -> None:
    report(upstream_mismatches(app))


def setup_compat(app: Sphinx) -> None:
    app.connect("builder-inited", check_upstream)
