# The default theme serves the internals tested here (kb.json, objects.inv, JSON-LD, bytes
# under -j 2 and incremental builds); the reader-facing checks (each item's BibTeX block,
# the paper index's download link) build this root with the site's theme and templates
# (tests/outputs/test_dataout.py, `site_look`, conftest.with_site_look).
project = "Data test"
author = "The data test contributors"
# JSON-LD needs the site's address: every @id and url in it is absolute
html_baseurl = "https://example.org/kb/"
extensions = ["myst_parser", "sphinxcontrib.bibtex", "kb"]
root_doc = "index"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
# the kb extension reports an unknown citation key itself
suppress_warnings = ["bibtex.key_not_found"]
kb_series = {
    "garden": {"name": "The Garden <reviews>", "url": "https://example.org/garden/", "kind": "review"},
    "weekly": {"name": "Weekly", "url": "https://example.org/weekly/", "kind": "newsletter"},
}
