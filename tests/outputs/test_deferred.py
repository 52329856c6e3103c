"""kb/deferred.py: sphinxext-opengraph loads without matplotlib, and behaves the same."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from kb.compat.opengraph import SOCIAL_CARD_DEFAULTS

PROJECT = Path(__file__).resolve().parents[2]


def _run(code: str, cwd: Path = PROJECT) -> str:
    """`code` in a fresh interpreter (imports are process-wide), with _ext importable."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=True,
                          capture_output=True, text=True, cwd=cwd,
                          env={"PYTHONPATH": str(PROJECT / "_ext"), "PATH": ""}).stdout


def test_the_stand_in_has_the_real_modules_defaults():
    real = _run("""
        from sphinxext.opengraph._social_cards import DEFAULT_SOCIAL_CONFIG
        print(repr(DEFAULT_SOCIAL_CONFIG))
    """)
    assert real.strip() == repr(SOCIAL_CARD_DEFAULTS)


def test_sphinxext_opengraph_loads_without_matplotlib_until_a_card_is_drawn(tmp_path):
    out = _run("""
        import sys, types
        from kb.compat.opengraph import defer_social_cards
        defer_social_cards()
        import sphinxext.opengraph as ogp
        print("before", "matplotlib" in sys.modules, ogp.create_social_card is not None)
        # a card asked for: the real module is imported and draws it (it keeps its
        # figure on the build environment, here a bare object)
        path = ogp.create_social_card({}, "site", "title", "text", "url", "page",
                                      srcdir=".", outdir=".", env=types.SimpleNamespace())
        print("after", "matplotlib" in sys.modules, path.suffix)
    """, cwd=tmp_path)
    assert "before False True" in out
    assert "after True .png" in out
    assert list(tmp_path.rglob("*.png"))  # drawn where it was asked to, not in the project


def test_the_site_configuration_defers_the_cards():
    out = _run("""
        import runpy, sys
        runpy.run_path("conf.py")
        module = sys.modules["sphinxext.opengraph._social_cards"]
        print("matplotlib" in sys.modules, module.__doc__)
    """)
    assert out.startswith("False Stands in")
