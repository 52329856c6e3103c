# Long lists split past a tiny threshold, whose groups split again (views/parts.py): a year
# by month and day, a letter by the next letters of the names, a paper index's year by
# first author. Issues sit under issues/index, so a new one changes only that branch of
# the sidebar, not the part pages' (test_parts.py, the incremental test).
extensions = ["myst_parser", "sphinxcontrib.bibtex", "kb"]
root_doc = "index"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
html_baseurl = "https://example.org/kb/"
kb_series = {"weekly": {"name": "Weekly", "url": "https://example.org/", "kind": "newsletter"},
             "garden": {"name": "The Garden", "url": "https://example.org/", "kind": "review"}}
kb_search = "sphinx"
kb_feeds = False
kb_split_links = 3
