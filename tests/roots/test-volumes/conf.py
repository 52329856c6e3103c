# A book of two years, split into a volume per year (kb_book_volumes), laid out as the
# site's: book.md is the PDF's root, the topic index is the book's index.
extensions = ["myst_parser", "sphinxcontrib.bibtex", "kb"]
root_doc = "index"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"  # as the site: the bibliography numbered
kb_series = {
    "garden": {"name": "The Garden", "url": "https://example.org/", "kind": "review"},
    "weekly": {"name": "Weekly", "url": "https://example.org/weekly", "kind": "newsletter"},
}
kb_book_volumes = "year"
latex_engine = "xelatex"
latex_documents = [("book", "volumes-test.tex", "Volumes Test", "The authors", "manual")]
latex_elements = {"papersize": "a4paper", "extraclassoptions": "openany", "printindex": ""}
latex_domain_indices = ["kb-topicindex"]
