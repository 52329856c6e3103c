extensions = ["myst_parser", "sphinxcontrib.bibtex", "kb"]
root_doc = "index"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
suppress_warnings = ["bibtex.key_not_found"]
kb_series = {"weekly": {"name": "Weekly", "url": "https://example.org/", "kind": "newsletter"}}
