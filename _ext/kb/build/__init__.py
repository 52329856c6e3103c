"""The Sphinx build's phases, in the order they run.

`config` (configuration checked), `safety` (hostile input neutralised), `reading`
(front matter and items into records, with `directives`), `domain` (the state, keyed by
docname), `checking` (whole-site problems), `schedule` (which pages to write again),
`navigation` (the sidebar's branch) and `topic_index` (the domain index).
"""
