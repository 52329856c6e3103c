"""The compatibility boundary: every use of another package's private or undocumented API.

One module per upstream package. Each checks, when the extension is set up, that what it
relies on is there in the expected shape, and otherwise warns once under `kb.compat`.
"""
