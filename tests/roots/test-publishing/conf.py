from urllib.parse import urlsplit

extensions = ["myst_parser", "sphinxcontrib.bibtex", "sphinxext.opengraph",
              "notfound.extension", "kb"]
root_doc = "index"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
kb_series = {
    "garden": {"name": "The Garden", "url": "https://example.org/", "kind": "review"},
    "weekly": {"name": "Weekly", "url": "https://example.org/weekly", "kind": "newsletter"},
}
kb_feed_limit = 20
html_baseurl = "https://example.org/kb/"
html_title = "Test KB"
author = "The test authors"
html_logo = "logo.png"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]
ogp_site_url = html_baseurl
ogp_image = "_static/logo.png"
ogp_social_cards = {"enable": False}
ogp_enable_meta_description = False
notfound_urls_prefix = urlsplit(html_baseurl).path
