# Internals only (another Sphinx project linking in through intersphinx): the default theme is
# right here; what a reader of the site meets is tested on the site's theme (with_site_look).
# A second project that links to the knowledge base through intersphinx (offline:
# the tests point intersphinx_mapping at the objects.inv they built, by its path).
extensions = ["myst_parser", "kb_intersphinx"]
root_doc = "index"
exclude_patterns = ["_build"]
