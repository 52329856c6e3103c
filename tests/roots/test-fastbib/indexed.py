"""Register only kb's cite domain (IndexedBibtexDomain, and its bibliographies filled from
their own pages' references) over sphinxcontrib-bibtex's own."""

from kb.bib.cite_domain import setup_cite_domain


def setup(app):
    app.setup_extension("sphinxcontrib.bibtex")
    setup_cite_domain(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
