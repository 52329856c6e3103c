"""The compatibility boundary: every use of another package's private or undocumented API.

"Private or undocumented": a name starting with "_", or an attribute, function or
behaviour the package's own documentation does not describe (for Sphinx, doc/extdev/).
The rest of the extension uses such things only through this package, one module per
upstream package:

- sphinx.py      Sphinx (the HTML builder's build_info, templates, output paths; the
                 toctree structure; leaving a page out of a build; ...)
- docutils.py    docutils (the HTML writer's citation markup)
- bibtex.py      sphinxcontrib-bibtex (its domain's methods, _FilterVisitor, reference
                 classes) and pybtex (its low-level parser, captured errors)
- opengraph.py   sphinxext-opengraph (a stand-in for its social-card module)
- themes.py      sphinx-book-theme and pydata-sphinx-theme (the template text _templates/
                 copies, recorded by sha256 in each copy)
- pagefind.py    Pagefind (its command line, its bundle's layout)

Each module checks, when the builder is set up (checks.setup_compat), that what it
relies on is there in the expected shape; a mismatch is one `kb.compat` warning per
package, naming its installed version and what the site loses (shape.py). Nothing
falls back silently: where an accessor degrades, its module's warning says how.
tests/compat/test_compat.py breaks each upstream in turn and expects that warning.
"""
