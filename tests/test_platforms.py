"""Platform adapters on frozen pages: the shapes of portals.md §1 (Hanweb, TRS, gkmlpt, VSB,
JSON-API sites), written down as small pages."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.http.headers import Headers

from spiders import links as L
from spiders.platforms import ADAPTERS, detect


def page(url: str, body: str, encoding: str = "utf-8", meta: dict | None = None) -> HtmlResponse:
    return HtmlResponse(
        url, body=body.encode(encoding), encoding=encoding, request=Request(url, meta=meta or {})
    )


HANWEB_COLUMN = """<html><head><meta name="ColumnName" content="政府信息公开年报"></head><body>
<div id="100001"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp?page=1&appid=1&webid=7&path=/&columnid=1229000001&unitid=100001&webname=某县&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2024/1/23/art_1229000001_88348.html" title="某县某镇2023年政府信息公开工作年度报告">某县某镇2023年…</a><span>2024-01-23</span></li>]]></record>
<record>&lt;li&gt;&lt;a href="art/2024/1/20/art_1229000001_88300.html" title="某县统计局2023年政府信息公开工作年度报告"&gt;x&lt;/a&gt;&lt;span&gt;2024-01-20&lt;/span&gt;&lt;/li&gt;</record>
</recordset></datastore></script></div>
<script>var param_100001={col:1,webid:7,path:'/',columnid:1229000001,unitid:'100001',webname:'某县人民政府'};</script>
</body></html>"""


def test_hanweb_records_cdata_and_escaped_and_post_paging():
    response = page("http://www.x.gov.cn.test/col/col1229000001/index.html", HANWEB_COLUMN)
    adapter = detect(response)
    assert adapter.name == "hanweb"
    result = adapter.list_page(response)
    titles = {e.title: e for e in result.entries}
    assert "某县某镇2023年政府信息公开工作年度报告" in titles
    escaped = titles["某县统计局2023年政府信息公开工作年度报告"]
    assert (
        escaped.url
        == "http://www.x.gov.cn.test/art/2024/1/20/art_1229000001_88300.html"  # root-relative (§1.1)
    )
    assert escaped.date == "2024-01-20"
    (follow,) = result.follow
    assert follow.method == "POST" and "dataproxy.jsp?startrecord=3" in follow.url
    assert follow.formdata["webid"] == "7" and follow.formdata["columnid"] == "1229000001"


def test_hanweb_dataproxy_answer_and_empty_body():
    xml = """<datastore><totalrecord>3</totalrecord><recordset>
    <record><![CDATA[<li><a href="/art/2023/2/1/art_1_3.html">某县林业局2022年政府信息公开工作年度报告</a><span>2023-02-01</span></li>]]></record>
    </recordset></datastore>"""
    state = {
        "hanweb": {
            "mode": "post",
            "start": 3,
            "params": {"webid": "7", "columnid": "1"},
            "page_url": "http://www.x.gov.cn.test/col/col1/index.html",
        }
    }
    response = TextResponse(
        "http://www.x.gov.cn.test/module/web/jpage/dataproxy.jsp",
        body=xml.encode(),
        encoding="utf-8",
        request=Request("http://x", meta=state),
    )
    result = ADAPTERS["hanweb"].api_page(response)
    assert [e.title for e in result.entries] == ["某县林业局2022年政府信息公开工作年度报告"]
    assert result.follow == []  # 3 + 60 > totalrecord
    empty = TextResponse(
        "http://www.x.gov.cn.test/module/web/jpage/dataproxy.jsp",
        body=b"\r\n" * 27,
        encoding="utf-8",
        request=Request("http://x", meta=state),
    )
    assert "empty body" in ADAPTERS["hanweb"].api_page(empty).losses[0]


TRS_LIST = """<html><body><table class="gl_list">
<tr><td><a href="./202003/t20200311_2593126.html">某县人民政府办公室2019年政府信息公开工作年度报告</a></td><td>2020-03-11</td></tr>
<tr><td><a href="./202005/t20200506_2633371.html">某县召开2020年度工作会议</a></td><td>2020-05-06</td></tr>
</table><script>var currentPage = 0; var countPage = 3;</script></body></html>"""


def test_trs_count_page_and_create_page_html():
    response = page("http://www.x.gov.cn.test/zfxxgk/zfxxgknb/index.html", TRS_LIST)
    assert detect(response).name == "trs"
    result = ADAPTERS["trs"].list_page(response)
    assert [f.url for f in result.follow] == [
        "http://www.x.gov.cn.test/zfxxgk/zfxxgknb/index_1.html",
        "http://www.x.gov.cn.test/zfxxgk/zfxxgknb/index_2.html",
    ]
    other = page(
        "http://www.x.gov.cn.test/a/index.shtml",
        "<html><body><script>createPageHTML(25, 3, 0, 'index', 'shtml');</script></body></html>",
    )
    assert [f.url.rsplit("/", 1)[1] for f in ADAPTERS["trs"].list_page(other).follow] == [
        "index_1.shtml",
        "index_2.shtml",
    ]
    later = page("http://www.x.gov.cn.test/zfxxgk/zfxxgknb/index_1.html", TRS_LIST)
    assert ADAPTERS["trs"].list_page(later).follow == []  # the root scheduled every page


def test_trs_attachment_written_by_script():
    body = """<html><body><div class="TRS_Editor">详见附件</div><script>
    var att = '<a href="./P020240115349871234567.pdf" appendix="true">某县2023年年报.pdf</a>';
    document.write(att);</script></body></html>"""
    response = page("http://www.x.gov.cn.test/zfxxgk/nb/202401/t20240115_1.html", body)
    files = dict(ADAPTERS["trs"].attachments(response))
    assert files == {
        "http://www.x.gov.cn.test/zfxxgk/nb/202401/P020240115349871234567.pdf": "某县2023年年报.pdf"
    }


GKMLPT_INDEX = """<html><body><div id="app"></div><script>
window._CONFIG = { SID:'755001', SERVICE_AREA_ID: 1,
 TREE:[{id:1, name:'政府信息公开目录', children:[
   {id:721, name:'政府信息公开年报', post_count: 9, children:[{id:7211, name:'2023年', children:[]}]},
   {id:722, name:'法治政府建设年度报告', children:[]},
 ]}], };
</script></body></html>"""


def test_gkmlpt_tree_to_api_and_api_paging():
    response = page("http://www.x.gov.cn.test/xxbm/gkmlpt/index", GKMLPT_INDEX)
    assert detect(response).name == "gkmlpt"
    urls = [f.url for f in ADAPTERS["gkmlpt"].list_page(response).follow]
    assert urls == [
        "http://www.x.gov.cn.test/xxbm/gkmlpt/api/all/721?page=1&sid=755001",
        "http://www.x.gov.cn.test/xxbm/gkmlpt/api/all/7211?page=1&sid=755001",
    ]  # the 法治政府建设年度报告 node is not followed
    api = TextResponse(
        urls[0],
        encoding="utf-8",
        request=Request(
            urls[0],
            meta={
                "gkmlpt": {
                    "base": "http://www.x.gov.cn.test/xxbm",
                    "cat": 721,
                    "sid": "755001",
                    "page": 1,
                }
            },
        ),
        body='{"total": 2, "articles": [{"title": "某区2023年政府信息公开工作年度报告", '
        '"url": "/xxbm/gkmlpt/content/1/2/post_3.html", "display_publish_time": 1706659200, '
        '"attachment": [{"name": "年报.pdf", "url": "/attachment/0/1/2/3.pdf"}]}]}'.encode(),
    )
    result = ADAPTERS["gkmlpt"].api_page(api)
    (entry,) = result.entries
    assert entry.date == "2024-01-31" and entry.attachments[0][0].endswith(
        "/attachment/0/1/2/3.pdf"
    )
    assert result.follow[0].url.endswith("api/all/721?page=2&sid=755001")


def test_vsb_pager_and_extensionless_download():
    body = """<html><body><ul><li><a href="../info/1648/47211.htm">府谷县2022年政府信息公开工作年度报告</a>
    <span>2023-01-20</span></li></ul>
    <span class="p_next p_fun"><a href="zfxxgknb/313.htm">下页</a></span></body></html>"""
    response = page("http://www.x.gov.cn.test/xxgk/zfxxgknb.htm", body)
    assert detect(response).name == "vsb"
    result = ADAPTERS["vsb"].list_page(response)
    assert result.follow[0].url == "http://www.x.gov.cn.test/xxgk/zfxxgknb/313.htm"
    assert L.is_attachment(
        "http://www.x.gov.cn.test/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid=2"
    )


def test_json_api_endpoint_found_in_the_page_script():
    body = """<html><body><div ms-controller="list"><li ms-repeat="el in data"><a href="<?=el.link?>">x</a></li></div>
    <script>var channelid = '200210'; $.post('/fjdzapp/search', {channelid: channelid});</script></body></html>"""
    response = page("http://www.x.gov.cn.test/zfxxgk/zfxxgknb/", body)
    assert detect(response).name == "jsonapi"
    (follow,) = ADAPTERS["jsonapi"].list_page(response).follow
    assert follow.url == "http://www.x.gov.cn.test/fjdzapp/search" and follow.method == "POST"
    assert follow.formdata["channelid"] == "200210"


def test_content_disposition_in_three_encodings():
    rfc = Headers({"Content-Disposition": "attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf"})
    gbk = Headers(
        {"Content-Disposition": b'attachment; filename="' + "年报.pdf".encode("gbk") + b'"'}
    )
    utf8 = Headers({"Content-Disposition": b'attachment; filename="' + "年报.pdf".encode() + b'"'})
    assert {L.filename_from_headers(h) for h in (rfc, gbk, utf8)} == {"年报.pdf"}


def test_canonical_drops_wap_twins_and_fragments():
    assert L.canonical("http://X.gov.cn/a/t20240327_13086081_wap.html#top") == (
        "http://x.gov.cn/a/t20240327_13086081.html"
    )
