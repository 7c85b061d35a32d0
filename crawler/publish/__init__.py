"""Publishing the archive with Datasette (``nianbao serve``).

``make_datasette(db_path)`` builds the configured Datasette — metadata from
``metadata.py`` (labels from ``parsers/schema.py``), canned queries from ``queries.py`` — and
registers our plugins:

``cjk_search``   Chinese search for every query length (bigram ``escape_fts``), ``/-/search``
``search_filter`` the tables' ``?_search=`` with SQL that scales (replaces Datasette's)
``documents``    ``/-/document/<sha256>``: the original document; links in table cells
``report_page``  ``/-/report/<id>``: a report laid out like the printed tables, with checks
``feed``         ``/-/feed.atom``: newly archived reports, by province / prefecture / county
``charts``       ``/-/charts``: applications and outcomes over the years (inline SVG)
``places``       ``/-/places``: province → prefecture → county breakdown with bars
``site``         home page links, our stylesheet

Every asset is served from this package: the pages work with no network at all.
"""

from .app import make_datasette, serve

__all__ = ["make_datasette", "serve"]
