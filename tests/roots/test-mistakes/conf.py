extensions = ["myst_parser", "sphinxcontrib.bibtex", "kb"]
root_doc = "index"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
kb_series = {
    "garden": {"name": "The Garden", "url": "https://example.org/", "kind": "review"},
    "weekly": {"name": "Weekly", "url": "https://example.org/weekly", "kind": "newsletter"},
}
# edits in the tests leave entries uncited; that warning has its own tests
# as in the site's conf.py: the extension reports these itself, with the line and the fix
suppress_warnings = ["kb.bib_uncited", "bibtex.key_not_found", "myst.topmatter"]
