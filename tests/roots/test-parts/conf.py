# A site whose long lists are split into parts (a tiny threshold), with the sitemap.
# test_parts.py builds it once with the real site's theme and templates (which, within
# one Python process, make Sphinx see a changed configuration on every build) and
# otherwise with alabaster, for the incremental builds.
extensions = ["myst_parser", "sphinxcontrib.bibtex", "kb"]
root_doc = "index"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
html_baseurl = "https://example.org/kb/"
kb_series = {"weekly": {"name": "Weekly", "url": "https://example.org/", "kind": "newsletter"}}
kb_search = "sphinx"
kb_feeds = False
kb_split_links = 2
