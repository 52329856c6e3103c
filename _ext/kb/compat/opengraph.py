"""Imports a build does not use, put off until something uses them (called from conf.py).

sphinxext-opengraph imports its social-card module when it loads, and that module
imports matplotlib and pyplot at its top: 0.4 to 0.6 s, a quarter of a no-op rebuild of
the site, on every build. The site's link previews use the logo (`ogp_image`), so no
card is ever drawn (sphinxext-opengraph draws one only for a page without an image).
`defer_social_cards` puts a stand-in for that module in `sys.modules` before the
extension loads: the same `DEFAULT_SOCIAL_CONFIG` (tests/test_deferred.py compares it
with the real one), and a `create_social_card` that imports the real module when a card
is drawn. Upstream, sphinxext-opengraph#145 proposes making that module optional.

Charts import matplotlib themselves, when a chart is drawn (chartdraw.py).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

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
    loaded: the real module is then in use)."""
    if SOCIAL_CARDS in sys.modules or "sphinxext.opengraph" in sys.modules:
        return
    stand_in = types.ModuleType(SOCIAL_CARDS, "Stands in for sphinxext-opengraph's social "
                                "cards until one is drawn (kb/deferred.py).")
    stand_in.DEFAULT_SOCIAL_CONFIG = dict(SOCIAL_CARD_DEFAULTS)  # type: ignore[attr-defined]
    stand_in.create_social_card = _create_social_card  # type: ignore[attr-defined]
    sys.modules[SOCIAL_CARDS] = stand_in
