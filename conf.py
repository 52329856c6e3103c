"""Sphinx configuration of the deep-learning knowledge base.

Nothing here may change between two runs of the same checkout (no timestamps, no
values computed from the environment): Sphinx compares the configuration with the
pickled one and re-reads every page when it differs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

# sphinxext-opengraph would import matplotlib for social cards, which this site never
# draws (its previews show the logo, below): a quarter of a no-op rebuild (kb/compat/opengraph.py)
from kb.compat.opengraph import defer_social_cards  # noqa: E402

defer_social_cards()

project = "Deep Learning Knowledge Base"
author = "The Deep Learning Knowledge Base contributors"
copyright = "2026, The Deep Learning Knowledge Base contributors"

# -- Where the project lives (docs/publishing.md: what a fork or a move changes) --
# The repository: the theme's repository, edit and issue buttons point here.
REPOSITORY_URL = "https://github.com/dl-knowledge-base/dl-knowledge-base"
# The one canonical address of the published site, with its trailing slash. Every
# absolute URL is made from it: the canonical links, the sitemap (and robots.txt, written
# only at the root of a host), the feeds, the link previews, the JSON-LD and the 404
# page's links. The extension checks it when the configuration is read (an http(s) URL
# ending in "/", nothing after the path).
SITE_URL = "https://dl-knowledge-base.github.io/dl-knowledge-base/"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.bibtex",
    "sphinxext.opengraph",
    "notfound.extension",
    "kb",
]

root_doc = "index"
# Only the knowledge base is source; the repository's other Markdown is not.
include_patterns = [
    "index.md",
    "references.md",
    "archive.md",
    "authors.md",
    "book.md",
    "reviews/**",
    "newsletters/**",
    "topics/**",
]
exclude_patterns = ["_build", ".nox", ".venv", "**/.ipynb_checkpoints"]

# -- MyST --------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- The knowledge-base extension (_ext/kb) -----------------------------------
# Its settings are the kb_* values below and under "Publishing"; _ext/kb/build/config.py
# lists every one with its default. A value the extension cannot use stops the build,
# naming its line here and what to write instead.
# Series: slug -> name, home URL, and the kind of page that belongs to it.
kb_series = {
    "hippocampus-garden": {
        "name": "Hippocampus's Garden year reviews",
        "url": "https://hippocampus-garden.com/",
        "kind": "review",
    },
    "deep-learning-weekly": {
        "name": "Deep Learning Weekly",
        "url": "https://www.deeplearningweekly.com/",
        "kind": "newsletter",
    },
}

# -- References ---------------------------------------------------------------
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"
# The kb extension reports an unknown citation key itself, with a suggestion, and
# broken front matter at its line with the fix (MyST's "Malformed YAML" says neither).
suppress_warnings = ["bibtex.key_not_found", "myst.topmatter"]

# -- HTML ---------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Deep Learning Knowledge Base"
html_static_path = ["_static"]
# _templates/sbt-sidebar-nav.html: the sidebar lists the current branch, rendered by
# the kb extension from the toctree structure, so a page costs what its branch holds,
# not what the whole site holds
templates_path = ["_templates"]
# kb-icons.css: the theme's icons as inline SVG, without Font Awesome's script and fonts
# (_templates/static/webpack-macros.html leaves the script out; docs/page-weight.md)
html_css_files = ["kb.css", "kb-icons.css"]
html_favicon = "_static/favicon.svg"
html_logo = "_static/logo.svg"
html_last_updated_fmt = None
# No general index: no page has index entries, so genindex.html was an empty "Index" page
# every page linked to (rel=index). The site's index is the topic index (kb-topicindex).
html_use_index = False
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": "main",
    "path_to_docs": "",
    "use_repository_button": True,
    "use_edit_page_button": True,
    "use_issues_button": True,
    "use_download_button": False,
    "home_page_in_toc": True,
    # Keep the navigation each page carries small: section > series > year >
    # issue, with only the current branch rendered (collapse_navbar), so a page
    # carries its siblings and ancestors, not the whole site.
    "show_navbar_depth": 1,
    "max_navbar_depth": 4,
    "collapse_navbar": True,
    # No top navbar: the book theme's own theme.conf leaves every navbar_* slot empty, but
    # pydata-sphinx-theme (0.17 and later) fills navbar_persistent when html_theme_options
    # does not name it, and the navbar it then renders holds a second, hidden pair of
    # sidebar toggles ahead of the article header's; the theme scripts bind the first of
    # each, so the visible menu and "Contents" buttons did nothing (upstream:
    # pydata/pydata-sphinx-theme#2451, executablebooks/sphinx-book-theme#917) and the empty
    # navbar was a 16 px strip on phones. The search stays in the article header and the
    # sidebar (kb/compat/themes.py checks the markup this relies on).
    "navbar_persistent": [],
    "extra_footer": (
        "<p>Written content: <a href='https://creativecommons.org/licenses/by/4.0/'>"
        "CC BY 4.0</a>. Code (the Sphinx extension, build and tests): "
        "<a href='https://opensource.org/license/mit'>MIT</a>.</p>"
    ),
}
html_context = {"default_mode": "auto"}

# -- Publishing: canonical address, sitemap, link previews, 404 page, feeds ----------
html_baseurl = SITE_URL
# sitemap.xml (written by the kb extension) lists every page once at html_baseurl + page,
# less these (fnmatch patterns of the page's address below html_baseurl). robots.txt,
# pointing to it, is written only where the site sits at the root of its host (not this
# address: docs/publishing.md says what to do instead).
sitemap_excludes = ["search.html", "genindex.html", "404.html"]
# Link previews: the page's title, its front-matter summary (kb extension), the
# canonical URL and the logo as a PNG (no social cards: they need matplotlib).
ogp_site_url = SITE_URL
ogp_image = "_static/logo-512.png"
ogp_image_alt = "The Deep Learning Knowledge Base logo"
ogp_social_cards = {"enable": False}
ogp_enable_meta_description = False  # the kb extension writes it from the summary
ogp_type = "website"  # reviews and issues are "article" (kb extension)
# The 404 page's links are absolute from the site's root, so they work at any depth.
notfound_urls_prefix = urlsplit(SITE_URL).path
# Atom feeds under feeds/: the whole site, each series, each topic (docs/publishing.md, "Feeds").
kb_feed_limit = 20  # entries per feed, newest first
# Page weight: in HTML, a generated list showing more links than this (its entries and
# the links each carries: the paper and author indexes, the archive, a topic's listing)
# becomes a page linking to one page per year or letter, a part still longer split again
# (a year by month, a letter by the next letters); the PDF keeps whole lists.
# 0 never splits (docs/page-weight.md).
kb_split_links = 2000

# -- LaTeX / PDF --------------------------------------------------------------
# xelatex with the FreeFont OpenType fonts, so every name (Žídek, Tramèr) prints.
latex_engine = "xelatex"
# The book starts at book.md (the sections of the knowledge base as chapters), not at
# the home page, whose sections are for browsing the site.
latex_documents = [
    ("book", "dl-knowledge-base.tex", project, author, "manual"),
]
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "extraclassoptions": "openany",  # chapters start on the next page, not the next odd one
    # Contents down to each review and issue (chapter > series > year > issue).
    "preamble": r"\setcounter{tocdepth}{3}",
    # The book's index is the topic index (a domain index, with page numbers);
    # the general index would be empty.
    "printindex": "",
}
latex_domain_indices = ["kb-topicindex"]
