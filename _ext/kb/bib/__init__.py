"""The bibliography: refs.bib checked with lines (`bibfile`), sphinxcontrib-bibtex's cite
domain made linear (`cite_domain`), the paper index (`paper_index`) and its labels (`labels`).
"""
