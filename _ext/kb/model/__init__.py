"""The pure data model: records, the front-matter contract, the knowledge graph.

No Sphinx or docutils import anywhere in this package: the build, the outputs and the
command-line tools all read the same records. `records` defines them, `frontmatter`
and `contract` turn a page's YAML into one, and `graph` indexes a build's records by
concern (`taxonomy`, `catalogue`, `listings`, `links`, `papers`).
"""
