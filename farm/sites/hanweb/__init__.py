"""Archetype 1: a Hanweb (大汉) JCMS county on a consolidated provincial platform (portals.md §1.1,
§1.2, §5.2 archetype 1), plus a sibling county whose paging parameters are encrypted.

* ``/col/col{id}/index.html`` columns with ``<meta name="ColumnName">``; the 年报 column is one
  mixed list (county, 县政府办, departments, townships, decoys) whose first 15 records sit in
  ``<script type="text/xml"><datastore>`` with a ``<nextgroup>`` to the paging endpoint.
* Paging through both generations: ``GET /module/jpage/dataproxy.jsp?page=N&…`` (N = 0-based group
  of 15) and ``POST /module/web/jpage/dataproxy.jsp?startrecord&endrecord&perpage`` with the form
  fields; ``?uid=&pageNum=`` re-renders the column. Records alternate CDATA / entity-escaped; every
  seventh href is relative without a leading slash.
* Articles ``/art/Y/M/D/art_{col}_{id}.html`` with ``#zoom``, ``td.title``, a 信息公开元数据 table
  (索引号 = 18-char unit code / year-seq) and ArticleTitle/PubDate/ContentSource meta
  (ContentSource abbreviated for departments).
* Attachments ``/module/download/downfile.jsp?classid=0&filename=<hex>.pdf|.doc|.docx`` served as
  ``application/octet-stream`` with Content-Disposition in RFC 5987, raw GBK or raw UTF-8 bytes.
* ``/module/xxgk/xxgkAnnualReport.jsp?area=<unit code>&fbtime=<year>`` renders township reports
  from structured data; a 年报查询 column lists the units in a ``<select>``.
* ``/jrobot/search.do?webid=&q=&p=&pg=&pos=title`` site search.
* http → https 301 with the farm's self-signed certificate; no robots.txt (404).

The sibling (梓桥县) embeds 15 records but its ``<nextgroup>`` carries encrypted ``columnid`` /
``unitid`` and every paging request returns a 54-byte empty body: only page 0 is harvestable and
the expected outcome is ``partial``.

The catalogue (:mod:`.portals`) and the site that serves it (:mod:`.site`); the names the portal
catalogue of ``farm.sites`` uses are re-exported here.
"""

from __future__ import annotations

from .portals import CONFIGS, PERPAGE, HanwebConfig, qingxi, ziqiao
from .site import JPAGE_JS, HanwebSite, build_site

__all__ = [
    "CONFIGS",
    "JPAGE_JS",
    "PERPAGE",
    "HanwebConfig",
    "HanwebSite",
    "build_site",
    "qingxi",
    "ziqiao",
]
