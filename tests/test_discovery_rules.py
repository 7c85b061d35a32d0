"""The generic discovery rules on their own: shells, lists in any JSON, paging parameters.

Inputs are written here in the shapes real endpoints use (field names vary by vendor: the
walker must not know any of them); the crawl tests run the same rules against the farm.
"""

from __future__ import annotations

import json

from scrapy.http import HtmlResponse

from spiders import captures
from spiders.shells import looks_like_shell

REPORT = "某某县人民政府2023年政府信息公开工作年度报告"


def page(body: str, url: str = "http://www.x.gov.cn.test/col/1/index.html") -> HtmlResponse:
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8")


# --- shells --------------------------------------------------------------------------------------


def test_an_empty_list_filled_by_a_loader_script_is_a_shell():
    shell = page(
        "<html><body><div class='nav'><a href='/'>首页</a></div><div id='docList'></div>"
        "<script src='/js/jquery.min.js'></script><script src='/js/column-list.js'></script>"
        "</body></html>"
    )
    assert looks_like_shell(shell)


def test_template_placeholders_make_a_shell_even_among_many_links():
    links = "".join(
        f"<li><a href='/n/{i}.html'>本县新闻动态第{i}条消息</a></li>" for i in range(12)
    )
    shell = page(f"<ul>{links}</ul><ul id='list'><li v-for='d in docs'>{{{{ d.title }}}}</li></ul>")
    assert looks_like_shell(shell)


def test_a_static_list_is_no_shell():
    links = "".join(
        f"<li><a href='/a/{i}.html'>某某县{2015 + i}年政府信息公开工作年度报告</a></li>"
        for i in range(8)
    )
    static = page(f"<ul class='list'>{links}</ul><script src='/js/common.js'></script>")
    assert not looks_like_shell(static)


def test_a_page_without_scripts_is_no_shell():
    assert not looks_like_shell(page("<html><body><p>暂无信息</p></body></html>"))


# --- lists in any JSON ---------------------------------------------------------------------------


def entries(data, base="http://www.x.gov.cn.test/api/list"):
    return captures.json_entries(data, base)


def test_a_flat_array_with_any_field_names():
    found = entries(
        {
            "code": 0,
            "rows": [{"bt": REPORT, "lj": "/art/2024/1/20/art_1_9.html", "fbrq": "2024-01-20"}],
        }
    )
    assert [(e.title, e.url, e.date) for e in found] == [
        (REPORT, "http://www.x.gov.cn.test/art/2024/1/20/art_1_9.html", "2024-01-20")
    ]


def test_nested_objects_epoch_dates_and_attachments():
    data = {
        "result": {
            "data": {
                "items": [
                    {
                        "doc": {"docTitle": REPORT, "docUrl": "https://www.x.gov.cn.test/c/9.html"},
                        "publishTime": 1705708800000,
                        "files": [{"fileName": "年报全文.pdf", "filePath": "/upload/9.pdf"}],
                    }
                ]
            }
        }
    }
    (e,) = entries(data)
    assert e.url == "https://www.x.gov.cn.test/c/9.html" and e.date == "2024-01-20"
    assert e.attachments == (("http://www.x.gov.cn.test/upload/9.pdf", "年报全文.pdf"),)


def test_jsonp_and_html_inside_json():
    body = (
        "jQuery123_456("
        + json.dumps({"html": f"<li><a href='/a/7.html'>{REPORT}</a><span>2024-01-15</span></li>"})
        + ");"
    )
    found, _ = captures.answer(body.encode(), "http://www.x.gov.cn.test/list.do")
    assert [(e.title, e.url) for e in found] == [(REPORT, "http://www.x.gov.cn.test/a/7.html")]


def test_configuration_without_titles_is_no_list():
    assert (
        entries({"menu": [{"id": 3, "icon": "/img/a.png"}, {"id": 4, "icon": "/img/b.png"}]}) == []
    )


def test_a_gbk_answer_is_read():
    body = json.dumps({"list": [{"title": REPORT, "url": "/a/1.html"}]}, ensure_ascii=False)
    found, _ = captures.answer(body.encode("gbk"), "http://www.x.gov.cn.test/x")
    assert found and found[0].title == REPORT


# --- paging --------------------------------------------------------------------------------------


def capture(url, method="GET", post=None, content_type=None, body=None):
    return {
        "url": url,
        "method": method,
        "post_data": post,
        "request_content_type": content_type,
        "status": 200,
        "type": "xhr",
        "body": body or b"",
    }


def test_page_numbers_in_the_query():
    c = capture("http://x.test/api/list?catId=12&pageNo=1&pageSize=2")
    ep = captures.endpoint(c, 2, {"totalCount": 5})
    assert (ep.param, ep.where, ep.value, ep.pages) == ("pageNo", "query", 1, 3)
    second = ep.next(2)
    assert second.url == "http://x.test/api/list?catId=12&pageNo=2&pageSize=2"
    assert second.next(2).next(2) is None  # page 3 of 3 was the last


def test_offsets_in_a_form_body_and_page_numbers_in_json():
    form = captures.endpoint(capture("http://x.test/q", "POST", "start=0&limit=15"), 15, None)
    assert (form.param, form.step) == ("start", 15)
    assert form.next(15).body == "start=15&limit=15"
    js = captures.endpoint(
        capture("http://x.test/q", "POST", '{"channelId": 9, "pageIndex": 1}', "application/json"),
        10,
        {"pageCount": 4},
    )
    assert json.loads(js.next(10).body) == {"channelId": 9, "pageIndex": 2}
    assert js.content_type == "application/json"


def test_an_answer_without_a_paging_parameter_is_called_once():
    ep = captures.endpoint(capture("http://x.test/data/nb.json"), 12, None)
    assert ep.param is None and ep.next(12) is None


def test_mining_keeps_each_list_with_its_endpoint():
    body = json.dumps({"data": [{"title": REPORT, "url": "/a/1.html"}], "pageCount": 2}).encode()
    mined = captures.mine(
        [
            capture("http://x.test/api?page=1", body=body),
            {**capture("http://x.test/x.css"), "status": 404},
        ],
        "http://x.test/col/",
    )
    ((ep, found),) = mined.lists
    assert ep.param == "page" and ep.pages == 2 and found[0].url == "http://x.test/a/1.html"


# --- attachments from anywhere in an article ------------------------------------------------------


def test_attachments_offered_without_an_href_are_found():
    from spiders.platforms import ADAPTERS

    article = page(
        "<html><body><h1>" + REPORT + "</h1>"
        "<span onclick=\"downloadFile('/upload/2024/a1.pdf')\">附件1：年报全文</span>"
        "<button data-file='/upload/2024/a2.docx'>附件2</button>"
        "<iframe src='/pdfjs/web/viewer.html?file=%2Fupload%2F2024%2Fa3.pdf'></iframe>"
        "<embed src='/upload/2024/a4.pdf' type='application/pdf'>"
        "<object data='/upload/2024/a5.ofd'></object>"
        "<a href='/static/viewer.html?file=/upload/2024/a6.pdf'>在线阅读</a>"
        "<script>var att = '/upload/2024/a7.wps'; var logo = '/images/logo.png';</script>"
        "</body></html>",
        url="http://www.x.gov.cn.test/art/2024/1/20/art_1_9.html",
    )
    found = dict(ADAPTERS["generic"].attachments(article))
    base = "http://www.x.gov.cn.test/upload/2024/"
    assert set(found) == {
        base + f for f in ("a1.pdf", "a2.docx", "a3.pdf", "a4.pdf", "a5.ofd", "a6.pdf")
    }
    # a file named only in a script counts where the page offers no other
    only_script = page(
        "<html><body><h1>" + REPORT + "</h1><script>var att = '/upload/2024/a7.wps'; "
        "var name = '年报全文.wps'; var logo = '/images/logo.png';</script></body></html>",
        url="http://www.x.gov.cn.test/art/2024/1/20/art_1_9.html",
    )
    assert dict(ADAPTERS["generic"].attachments(only_script)) == {base + "a7.wps": ""}
    assert (
        found[base + "a1.pdf"] == "附件1:年报全文"
    )  # its text, NFKC-normalised like all link text


def test_a_pdf_viewer_shows_a_file_whose_own_url_has_a_query():
    from spiders.links import unviewer

    viewer = "http://www.x.gov.cn.test/pdfjs/web/viewer.html?file="
    shown = "http://file.x.gov.cn.test/module/download/downfile.jsp?classid=0&filename=5c.pdf"
    assert unviewer(viewer + shown) == shown
    assert (
        unviewer(viewer + "%2Fupload%2Fa.pdf&zoom=page-fit")
        == "http://www.x.gov.cn.test/upload/a.pdf"
    )
