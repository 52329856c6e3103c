"""The extension's configuration: `kb_series`, typed and checked.

`kb_series` maps a series slug to its name, home URL and the kind of page it
holds; `series_of(config)` gives it as `Series` records, and `check_config` reports
each bad entry (as the build starts) with what to write instead. The scaffold reads
the same records through `load_series`, with Sphinx's own loader of conf.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.tags import Tags

from ..model.records import Series

logger = logging.getLogger(__name__)

SERIES_KINDS = ("review", "newsletter")
SERIES_KEYS = ("name", "url", "kind")


def read_series(value: Any) -> tuple[dict[str, Series], list[tuple[str | None, str]]]:
    """The valid entries of a `kb_series` value as records, and (slug, message) for each
    bad one (slug None: the value as a whole)."""
    if not isinstance(value, Mapping):
        return {}, [(None, "kb_series must be a dict mapping each series slug to "
                           "{'name': ..., 'url': ..., 'kind': 'review' or 'newsletter'}")]
    series: dict[str, Series] = {}
    problems: list[tuple[str | None, str]] = []
    for slug, spec in value.items():
        where = f"kb_series[{slug!r}]"
        if not isinstance(spec, Mapping):
            problems.append((str(slug), f"{where} must be a dict with name, url and kind"))
            continue
        unknown = sorted(set(map(str, spec)) - set(SERIES_KEYS))
        name, url, kind = spec.get("name", slug), spec.get("url"), spec.get("kind")
        if unknown:
            problems.append((str(slug), f"{where} has unknown keys {', '.join(map(repr, unknown))}; "
                            f"the keys are: {', '.join(SERIES_KEYS)}"))
        elif not isinstance(name, str) or not name.strip():
            problems.append((str(slug), f"{where}['name'] must be non-empty text"))
        elif url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
            problems.append((str(slug), f"{where}['url'] must be an http:// or https:// address"))
        elif kind is not None and kind not in SERIES_KINDS:
            problems.append((str(slug), f"{where}['kind'] must be 'review' or 'newsletter', not {kind!r}"))
        else:
            series[str(slug)] = Series(str(slug), name, url, kind)
    return series, problems


def series_of(config: Config) -> dict[str, Series]:
    """The configured series (the valid entries; the others are reported at start-up)."""
    return read_series(config.kb_series)[0]


def check_config(app: Sphinx) -> None:
    conf = Path(app.confdir, "conf.py")
    for slug, problem in read_series(app.config.kb_series)[1]:
        logger.warning(problem, location=f"{conf}:{_line_in_conf(conf, slug)}",
                       type="kb", subtype="config")


def _line_in_conf(conf: Path, slug: str | None) -> int:
    """The line of the series' entry in conf.py (else of kb_series, else 1)."""
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    start = next((n for n, line in enumerate(lines) if line.startswith("kb_series")), None)
    if start is None:
        return 1
    quoted = (f'"{slug}"', f"'{slug}'")
    found = next((n for n in range(start, len(lines))
                  if slug is not None and any(q in lines[n] for q in quoted)), start)
    return found + 1


def load_series(root: Path) -> tuple[dict[str, Series], list[tuple[str | None, str]]]:
    """`kb_series` of the project at `root`, read as Sphinx reads it (runs conf.py)."""
    config = Config.read(root, overrides={}, tags=Tags())
    config.add("kb_series", {}, "env", frozenset({dict}))
    return read_series(config.kb_series)


def setup_config(app: Sphinx) -> None:
    # 'env': a change of series re-reads pages, since validation depends on it.
    app.add_config_value("kb_series", {}, "env", types=frozenset({dict}))
    # at builder-inited: Sphinx's logging can locate a warning only once the build exists
    app.connect("builder-inited", check_config)
