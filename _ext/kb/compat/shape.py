"""What a compat module checks with, and how a mismatch is reported.

A check compares what the extension relies on with what is installed: an attribute is
there, a function takes the parameters it is called with, a copied piece of upstream
code is still the same (a sha256 of its source). A difference is a `Mismatch`; the
mismatches of one package become one warning, `kb.compat`, naming the package, its
installed version and what the site loses meanwhile. Nothing here decides what to do
instead: each accessor in compat/ degrades as its mismatch says.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import inspect
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sphinx.util import logging

logger = logging.getLogger("kb.compat")

_REQUIRED = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
             inspect.Parameter.KEYWORD_ONLY)


@dataclass(frozen=True)
class Mismatch:
    """One thing of `package` that is not as the extension expects."""

    package: str  # the distribution, as pip names it: "sphinxcontrib-bibtex"
    found: str  # what is different: "BibtexDomain.env_updated is gone"
    degrades: str  # what the site loses until compat/ is brought up to date


def installed_version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def report(mismatches: Iterable[Mismatch]) -> None:
    """One warning per package, with each of its mismatches and what it degrades."""
    by_package: dict[str, list[Mismatch]] = {}
    for mismatch in mismatches:
        by_package.setdefault(mismatch.package, []).append(mismatch)
    for package, found in by_package.items():
        effects: dict[str, list[str]] = {}  # what degrades -> what causes it
        for mismatch in found:
            effects.setdefault(mismatch.degrades, []).append(mismatch.found)
        details = ". ".join(f"{'; '.join(causes)}: {effect}" for effect, causes in effects.items())
        logger.warning(
            "%s %s is not what the kb extension was written against. %s. Install the version "
            "requirements/lock.txt pins, or bring _ext/kb/compat/ up to date with it "
            "(tests/compat/test_compat.py shows what changed)",
            package, installed_version(package), details, type="kb", subtype="compat")


# -- what compat modules export ---------------------------------------------------------


def lookup(module: str, name: str) -> Any | None:
    """`module.name`, or None when either is gone: a private name that a release drops
    must not stop the extension from loading before its check can say so."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


# -- the checks ------------------------------------------------------------------------


def missing(owner: Any, *names: str) -> list[str]:
    """The `names` that `owner` has no attribute of."""
    return [name for name in names if not hasattr(owner, name)]


def signature_problem(function: Any, *expected: str) -> str | None:
    """None when `function` takes the parameters `expected`: positional ones by name and
    place, those after "*" by name; every other parameter it has must be optional.
    Otherwise what it takes instead."""
    if not callable(function):
        return "is not callable"
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return "has no signature to check"
    star = expected.index("*") if "*" in expected else len(expected)
    positional, keywords = list(expected[:star]), set(expected[star + 1:])
    parameters = list(signature.parameters.values())
    leading = [p.name for p in parameters[:len(positional)]
               if p.kind in _REQUIRED[:2]]
    named = {p.name for p in parameters if p.kind in _REQUIRED[1:]}
    others = [p for p in parameters[len(positional):]
              if p.name not in keywords and p.kind in _REQUIRED and p.default is p.empty]
    if leading == positional and keywords <= named and not others:
        return None
    return f"takes {signature}, not ({', '.join(expected)})"


def source_digest(function: Callable[..., Any]) -> str | None:
    """The sha256 of a function's source, dedented (None when there is no source)."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return None
    return text_digest(textwrap.dedent(source))


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
