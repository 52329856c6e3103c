"""sphinxext-opengraph: its private social-card module, put off until a card is drawn
(called from conf.py).

sphinxext-opengraph imports its social-card module when it loads, and that module
imports matplotlib and pyplot at its top, on every build: a large share of a no-op
rebuild (docs/benchmark.md measures the build with and without the stand-in). The site's link previews use the logo (`ogp_image`), so no
card is ever drawn (sphinxext-opengraph draws one only for a page without an image).
`defer_social_cards` puts a stand-in for that module in `sys.modules` before the
extension loads: the same `DEFAULT_SOCIAL_CONFIG` (tests/outputs/test_deferred.py compares it
with the real one), and a `create_social_card` that imports the real module when a card
is drawn. Upstream, sphinxext-opengraph#145 proposes making that module optional.

sphinxext-opengraph catches an ImportError of that module and then silently draws no
cards, with empty defaults. So before the stand-in goes in, `stand_in_mismatches` reads
the installed sources (parsed, not imported: importing is what is put off) and checks
that the extension imports only what the stand-in has, that the module still defines
both, and that its defaults are the stand-in's. If not, no stand-in is put in (the
build imports matplotlib, as without this module) and the check at start-up says why.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
import types
from pathlib import Path
from typing import Any

from .shape import Mismatch

PACKAGE = "sphinxext-opengraph"
STAND_IN_NAMES = frozenset({"DEFAULT_SOCIAL_CONFIG", "create_social_card"})

SOCIAL_CARDS = "sphinxext.opengraph._social_cards"
# sphinxext-opengraph 0.13's defaults for ogp_social_cards, copied: the stand-in must not
# import the module it stands in for; the test fails when they part
SOCIAL_CARD_DEFAULTS = {
    "enable": True,
    "site_url": True,
    "site_title": True,
    "page_title": True,
    "description": True,
}


def _create_social_card(*args: Any, **kwargs: Any) -> Any:
    """sphinxext-opengraph's own, imported now that a card is drawn."""
    sys.modules.pop(SOCIAL_CARDS, None)
    real = importlib.import_module(SOCIAL_CARDS)
    return real.create_social_card(*args, **kwargs)


def defer_social_cards() -> None:
    """Let sphinxext-opengraph load without importing matplotlib (a no-op once it has
    loaded: the real module is then in use; and when the stand-in would not fit it)."""
    if SOCIAL_CARDS in sys.modules or "sphinxext.opengraph" in sys.modules:
        return
    if stand_in_mismatches():
        return  # reported by `check` when the extension is set up
    stand_in = types.ModuleType(SOCIAL_CARDS, "Stands in for sphinxext-opengraph's social "
                                "cards until one is drawn (kb/deferred.py).")
    stand_in.DEFAULT_SOCIAL_CONFIG = dict(SOCIAL_CARD_DEFAULTS)  # type: ignore[attr-defined]
    stand_in.create_social_card = _create_social_card  # type: ignore[attr-defined]
    sys.modules[SOCIAL_CARDS] = stand_in


# -- the check: the installed sources, parsed ------------------------------------------------


def _package_dir() -> Path | None:
    spec = importlib.util.find_spec("sphinxext.opengraph")
    return Path(spec.origin).parent if spec is not None and spec.origin else None


def _parsed(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, SyntaxError, ValueError):
        return None


def stand_in_mismatches(package_dir: Path | None = None) -> list[Mismatch]:
    """What stops the stand-in from standing in for the installed social-card module."""
    package_dir = package_dir or _package_dir()
    if package_dir is None:
        return []  # not installed: nothing to stand in for
    extension = _parsed(package_dir / "__init__.py")
    cards = _parsed(package_dir / "_social_cards.py")
    if extension is None or cards is None:
        return [Mismatch(PACKAGE, "its _social_cards module is gone", NO_STAND_IN)]
    imported = {alias.name for node in ast.walk(extension) if isinstance(node, ast.ImportFrom)
                and (node.module or "").endswith("_social_cards") for alias in node.names}
    defined = {node.name for node in cards.body if isinstance(node, ast.FunctionDef)}
    defaults = next((node.value for node in cards.body if isinstance(node, ast.Assign)
                     and any(getattr(t, "id", None) == "DEFAULT_SOCIAL_CONFIG"
                             for t in node.targets)), None)
    found = []
    if not imported or not imported <= STAND_IN_NAMES:
        found.append(Mismatch(PACKAGE, "it imports other names from _social_cards "
                              f"({', '.join(sorted(imported)) or 'none'})", NO_STAND_IN))
    if "create_social_card" not in defined or defaults is None:
        found.append(Mismatch(PACKAGE, "_social_cards defines no create_social_card or "
                              "DEFAULT_SOCIAL_CONFIG", NO_STAND_IN))
    else:
        try:
            same = ast.literal_eval(defaults) == SOCIAL_CARD_DEFAULTS
        except ValueError:
            same = False
        if not same:
            found.append(Mismatch(PACKAGE, "DEFAULT_SOCIAL_CONFIG is no longer the stand-in's",
                                  NO_STAND_IN))
    return found


NO_STAND_IN = ("no stand-in is put in for its social cards, so every build imports "
               "matplotlib, which slows every rebuild")


def check(app: Any) -> list[Mismatch]:
    return stand_in_mismatches()
