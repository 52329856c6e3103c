"""Command-line tools on the same model: `python -m kb.cli.lint` (`nox -s lint`) and
`python -m kb.cli.scaffold` (`nox -s new`), with the page text and toctree editing the
scaffold uses (`pagetext`, `toctrees`).
"""
