"""Register only kb's IndexedBibtexDomain over sphinxcontrib-bibtex's own."""

from kb.bib.cite_domain import IndexedBibtexDomain


def setup(app):
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_domain(IndexedBibtexDomain, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
