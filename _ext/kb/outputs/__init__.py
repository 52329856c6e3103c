"""What the build writes besides the pages' own text.

Search (`search`, `search_copy`, `filesync`), Atom feeds (`atom`, pure) and the site's
metadata (`publishing`), the data export (`export`, pure) and JSON-LD and BibTeX blocks
(`structured_data`), link previews (`previews`), trend charts (`charts`, `chart_drawing`),
the pages of split views (`part_pages`), the stamps that skip unchanged files (`stamps`,
with the versions of the packages that draw them, `versions`), the one way a file is
written (`writing`), and the accessibility fixes to the HTML writer's markup
(`accessibility`).
"""
