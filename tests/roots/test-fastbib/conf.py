# Internals only (the cite domain against upstream's, page bodies compared): the default theme
# is right here; what a reader meets is tested on the site's theme (conftest.with_site_look).
import sys
from pathlib import Path

# indexed.py: the kb extension's cite domain on its own (see tests/bib/test_fastbib.py)
sys.path.insert(0, str(Path(__file__).parent))

extensions = ["sphinxcontrib.bibtex"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"
