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
suppress_warnings = ["kb.bib_uncited"]
