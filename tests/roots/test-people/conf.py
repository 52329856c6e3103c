project = "People test"
author = "The people test contributors"
extensions = ["myst_parser", "sphinxcontrib.bibtex", "kb"]
root_doc = "index"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
html_baseurl = "https://example.org/kb/"
kb_series = {"weekly": {"name": "Weekly", "url": "https://example.org/weekly/", "kind": "newsletter"}}
# two spellings of one person, joined by the one identifier the name rule defers to
# (0000-0002-1825-0097 is ORCID's own example iD, of a fictitious person)
kb_people = {
    "Laskin, Misha": {"orcid": "0000-0002-1825-0097"},
    "Laskin, Michael": {"orcid": "https://orcid.org/0000-0002-1825-0097"},
}
