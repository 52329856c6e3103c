"""The generated views (topic listings, indexes, archive, related pages, trends).

`data` says what each view shows as plain data, `deps` which views an edit can reach,
`parts` how a long view splits into pages; `nodes` holds the placeholder a page carries
from read to write time, and `render` turns a view's data into docutils nodes from the
`blocks` every view shares (links, headings, lists, citations).
"""
