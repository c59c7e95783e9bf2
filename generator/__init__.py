"""The site generator: MkDocs hooks (hooks.py) over plain functions that turn the loaded catalog into pages.

`python -m generator.build` builds the whole site, one `mkdocs build` per language from mkdocs.yml.
"""
