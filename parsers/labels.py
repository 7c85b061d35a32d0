"""Label normalisation and row fingerprints (spec §5.1, §5.2).

Normalised labels are for matching only; stored raw text is never touched.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
_CN_ORD = "一二三四五六七八九十"
_ORDINAL = re.compile(
    rf"^(?:(?P<cn>[{_CN_ORD}]+)[、.．]|\((?P<cnp>[{_CN_ORD}]+)\)[、.]?|"
    rf"(?P<num>\d+)[.、．)](?!\d)|\((?P<nump>\d+)\)[、.]?)"
)
_CN_VALUE = {ch: i + 1 for i, ch in enumerate(_CN_ORD)}


def normalize(text: str) -> str:
    """NFKC, no bookmarks, no whitespace, no quotes (spec §5.1 steps 1–4)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _BOOKMARK.sub("", text)
    text = _SPACE.sub("", text)
    return _QUOTES.sub("", text)


@functools.lru_cache(maxsize=8192)  # pure, and the same labels come back on every row
def split_ordinal(label: str) -> tuple[str | None, str]:
    """``'(三)不予公开'`` → ``('三', '不予公开')``; ``'3.其他'`` → ``('3', '其他')``.

    ``label`` must already be normalised. Returns ``(None, label)`` without an ordinal.
    """
    m = _ORDINAL.match(label)
    if not m:
        return None, label
    ordinal = next(g for g in m.groups() if g)
    return ordinal, label[m.end() :]


def ordinal_value(ordinal: str | None) -> int | None:
    if ordinal is None:
        return None
    if ordinal.isdigit():
        return int(ordinal)
    if len(ordinal) == 1:
        return _CN_VALUE.get(ordinal)
    if ordinal.startswith("十"):
        return 10 + _CN_VALUE.get(ordinal[1:], 0)
    return None


# --- section 三 row fingerprints -------------------------------------------------------------
# Each entry: row_key → (any-of keywords, none-of keywords). Matching also uses the template
# order (see ``tables.t3._align``), which is what tells 3.其他 from the column header 其他.
T3_ROW_FINGERPRINTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "new_received": (("本年新收", "本年度新收", "新收政府信息公开申请"), ()),
    "carried_over": (("上年结转", "上年度结转"), ()),
    "granted": (("予以公开",), ("部分", "不予")),
    "partially_granted": (("部分公开",), ()),
    "denied_state_secret": (("国家秘密",), ()),
    "denied_other_law": (("行政法规禁止", "法律行政法规"), ()),
    "denied_security_stability": (("三安全", "一稳定", "危及"), ()),
    "denied_third_party_rights": (("第三方",), ()),
    "denied_internal_affairs": (("内部事务",), ()),
    "denied_process_info": (("过程性",), ()),
    "denied_enforcement_file": (("执法案卷",), ()),
    "denied_admin_query": (("行政查询",), ()),
    "unable_not_held": (("不掌握",), ()),
    "unable_needs_creation": (("另行制作", "没有现成"), ()),
    "unable_still_unclear": (("仍不明确", "补正后"), ()),
    "not_processed_petition": (("信访", "举报投诉"), ()),
    "not_processed_duplicate": (("重复申请",), ()),
    "not_processed_publication": (("出版物",), ()),
    "not_processed_excessive": (("大量反复",), ()),
    "not_processed_confirmation": (("确认或重新", "重新出具"), ()),
    "other_no_correction": (("逾期不补正", "不补正"), ()),
    "other_fee_unpaid": (("缴纳费用", "收费通知"), ()),
    "other_handling": (("其他处理",), ()),
    "total_processed": (("总计", "合计"), ()),
    "carried_forward": (("结转下年度", "结转下一年度", "结转下年", "转下年度继续"), ()),
}

T3_GROUP_FINGERPRINTS = {
    "results": ("本年度办理结果", "办理结果"),
    "denied": ("不予公开",),
    "unable": ("无法提供",),
    "not_processed": ("不予处理",),
    "other_handling": ("其他处理",),
}


@functools.lru_cache(maxsize=16384)  # pure: every row's label is scored against every row key
def t3_row_score(row_key: str, label: str) -> int:
    """How well a normalised label fits a t3 row: 0 (no), 1 (keyword), 2 (keyword + ordinal)."""
    ordinal, body = split_ordinal(label)
    n = ordinal_value(ordinal)
    if row_key == "other_other":
        # Only "3.其他" (or a bare 其他 row) after other_fee_unpaid; order does the rest.
        return 2 if body in ("其他", "其它") and n in (3, None) else 0
    if row_key == "total_processed":
        if body in ("总计", "合计", "办理结果总计", "总数", "本年度办理结果总计"):
            return 2 if n == 7 else 1
        return 0
    anyof, noneof = T3_ROW_FINGERPRINTS[row_key]
    if not any(k in body for k in anyof) or any(k in body for k in noneof):
        return 0
    if row_key == "other_handling" and len(body) > 8:
        return 0  # a v2021 sub-item that merely mentions 处理
    return 2 if ordinal is not None else 1


def is_t3_group_label(label: str) -> str | None:
    """The group key of a printed group heading such as （三）不予公开, or None."""
    _, body = split_ordinal(label)
    for key, words in T3_GROUP_FINGERPRINTS.items():
        if body in words or (key == "results" and body.startswith("本年度办理结果")):
            return key
    return None


def starts_with_ordinal(label: str) -> bool:
    return split_ordinal(label)[0] is not None


# --- misprinted labels ------------------------------------------------------------------------
# Real reports misprint template labels ("2.其他法律行政止公开": 法规禁 missing). A misprint is
# still the row whose place it holds when its label is close to that row's template label and
# to no other: the bound grows with the label (a quarter of its characters), and labels of
# three characters or fewer (规章, 其他, 总计) are never matched fuzzily — one character there
# is a third of the word.


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``; anything above ``limit`` is ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return min(prev[-1], limit + 1)


def fuzzy_bound(template: str) -> int:
    """How many edits a printed label may be away from ``template`` and still be it."""
    return len(template) // 4 if len(template) >= 4 else 0


def fuzzy_pick(text: str, candidates: dict[str, str]) -> str | None:
    """The one key whose label (``candidates``: key → normalised label body) ``text`` is a
    misprint of; None when none is close enough or when two are (never guess between rows)."""
    hits = {
        key
        for key, label in candidates.items()
        if text != label
        and fuzzy_bound(label)
        and edit_distance(text, label, fuzzy_bound(label)) <= fuzzy_bound(label)
    }
    return hits.pop() if len(hits) == 1 else None


def _t3_group(key: str) -> str | None:
    """The printed group a t3 row sits in (None: a top-level row such as 一、本年新收)."""
    for prefix, group in (
        ("denied_", "denied"),
        ("unable_", "unable"),
        ("not_processed_", "not_processed"),
    ):
        if key.startswith(prefix):
            return group
    if key in ("other_no_correction", "other_fee_unpaid", "other_other"):
        return "other_handling"
    if key in ("new_received", "carried_over", "carried_forward"):
        return None
    return "results"


def _t3_templates() -> dict[str, tuple[int | None, str]]:
    """Every t3 row key (both templates) → (ordinal, normalised label body)."""
    from . import schema

    out: dict[str, tuple[int | None, str]] = {}
    for key, label in (*schema.T3_V2021.rows, *schema.T3_V2019.rows):
        ordinal, body = split_ordinal(normalize(label))
        out[key] = (ordinal_value(ordinal), body)
    return out


T3_TEMPLATES = _t3_templates()
T3_GROUP_ORDER = (None, "results", "denied", "unable", "not_processed", "other_handling")


def t3_fuzzy_key(label: str, keys: tuple[str, ...], groups: set[str | None]) -> str | None:
    """The template row a misprinted t3 label stands for: same ordinal, one of ``groups``
    (where the row stands), within the edit bound of that row's label and of no other."""
    ordinal, body = split_ordinal(label)
    n = ordinal_value(ordinal)
    candidates = {
        k: T3_TEMPLATES[k][1]
        for k in keys
        if (n is None or T3_TEMPLATES[k][0] in (n, None)) and _t3_group(k) in groups
    }
    return fuzzy_pick(body, candidates)
