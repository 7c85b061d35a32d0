"""Text vs table (spec §7.5): the numbers the report's prose states against its tables.

Sentences are found by patterns over the normalised text of sections 一, 五 and 六; each check
carries the sentence as evidence, and is a warning only: prose is paraphrase.
"""

from __future__ import annotations

import re

from ..labels import normalize
from ..values import chinese_numeral
from .core import KNOWN, CellIndex, Operand, identity, simple

_N = r"(\d+|[零一二两三四五六七八九十百千]+)"
_TXT_PATTERNS = {
    "TXT_NEW_RECEIVED": re.compile(
        r"(?:收到|受理|新收|接收)(?:了)?(?:各类|公民、法人或其他组织(?:提出的)?)?"
        r"(?:政府信息公开|依申请公开(?:政府信息)?|信息公开)?(?:的)?申请(?:共计?|总计|合计)?(?:数量)?(?:为)?"
        + _N
        + "件"
    ),
    "TXT_CARRIED_OVER": re.compile(r"上年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?" + _N + "件"),
    "TXT_PROCESSED": re.compile(
        r"(?:答复|办结|办理完毕|作出答复)(?:了)?(?:政府信息公开|依申请公开)?(?:申请)?(?:共计?)?"
        + _N
        + "件"
    ),
    "TXT_CARRIED_FORWARD": re.compile(
        _N + r"件(?:申请)?[^,，。;；]{0,6}?(?:结转|顺延)(?:到|至)?(?:下年度|下一年度|\d{4}年度?)"
    ),
    "TXT_REVIEW": re.compile(r"行政复议[^,，。;；\d]{0,12}?" + _N + "件"),
    "TXT_LITIGATION": re.compile(r"行政诉讼[^,，。;；\d]{0,12}?" + _N + "件"),
}
_ZERO_CLAIMS = (
    (
        re.compile(r"(?:未|没有)收到(?:任何)?(?:政府信息公开|依申请公开)?(?:的)?申请"),
        "new_received",
    ),
    (
        re.compile(
            r"(?:无|未发生|未被申请|没有)(?:因政府信息公开(?:工作)?(?:而)?引起的|涉及政府信息公开的)?行政复议"
        ),
        "review",
    ),
    (
        re.compile(
            r"(?:无|未发生|未被提起|没有)(?:因政府信息公开(?:工作)?(?:而)?引起的|涉及政府信息公开的)?行政诉讼"
        ),
        "litigation",
    ),
)
_FEE_NONE = re.compile(
    r"(?:未|无|没有|不)收取(?:任何)?(?:政府信息公开)?(?:信息处理费|费用)|信息处理费[^。]{0,6}?(?:为0|为零|0元)"
)
_FEE_SOME = re.compile(r"收取(?:政府信息公开)?信息处理费" + _N + "元")


def _to_int(tok: str) -> int | None:
    return int(tok) if tok.isdigit() else chinese_numeral(tok)


def _sentence(norm: str, start: int, end: int) -> str:
    a = max(norm.rfind(p, 0, start) for p in "。；;") + 1
    b = min([i for i in (norm.find(p, end) for p in "。；;") if i >= 0] or [len(norm)])
    return norm[a : b + 1]


def text_checks(
    ix: CellIndex, sections: dict[str, str], t3_layout: str, t4_layout: str
) -> list[dict]:
    norm = normalize(
        "\n".join(sections.get(k, "") for k in ("overview", "problems", "other_matters"))
    )
    t3, t4 = "t3_applications", "t4_review_litigation"
    have3 = t3_layout in ("v2021", "v2019") and ix.has(t3)
    have4 = t4_layout == "standard" and ix.has(t4)
    targets = {
        "TXT_NEW_RECEIVED": (have3, [ix.get(t3, "new_received", "total")]),
        "TXT_CARRIED_OVER": (have3, [ix.get(t3, "carried_over", "total")]),
        "TXT_PROCESSED": (have3, [ix.get(t3, "total_processed", "total")]),
        "TXT_CARRIED_FORWARD": (have3, [ix.get(t3, "carried_forward", "total")]),
        "TXT_REVIEW": (have4, [ix.get(t4, "review", "total")]),
        "TXT_LITIGATION": (
            have4,
            [
                ix.get(t4, "litigation_direct", "total"),
                ix.get(t4, "litigation_after_review", "total"),
            ],
        ),
    }
    out: list[dict] = []
    for rule, pattern in _TXT_PATTERNS.items():
        have, ops = targets[rule]
        m = pattern.search(norm)
        if not m:
            out.append(
                {
                    "rule": rule,
                    "scope": "text",
                    "status": "NOT_ASSESSABLE",
                    "mode": "strict",
                    "severity": "warning",
                    "note": "no such sentence in the text",
                }
            )
            continue
        said = _to_int(m.group(1))
        evidence = _sentence(norm, m.start(), m.end())
        if not have or said is None:
            out.append(
                {
                    "rule": rule,
                    "scope": "text",
                    "status": "NOT_ASSESSABLE",
                    "mode": "strict",
                    "severity": "warning",
                    "left": said,
                    "evidence": evidence,
                    "note": "the table is absent",
                }
            )
            continue
        check = identity(rule, "text", [Operand("text", said, "NUMERIC")], ops, severity="warning")
        if check["status"] == "FAIL" and rule == "TXT_NEW_RECEIVED":
            both = identity(
                rule,
                "text",
                [Operand("text", said, "NUMERIC")],
                [*ops, ix.get(t3, "carried_over", "total")],
                severity="warning",
            )
            if both["status"] == "PASS":
                check = both | {"note": "PASS(alt): the text counts 本年新收 + 上年结转"}
        if rule == "TXT_REVIEW" and (
            c := re.search(r"其中[^。]{0,8}?结果纠正" + _N + "件", evidence)
        ):
            corrected = identity(
                "TXT_REVIEW",
                "text.corrected",
                [Operand("text", _to_int(c.group(1)), "NUMERIC")],
                [ix.get(t4, "review", "corrected")],
                severity="warning",
            )
            out.append(corrected | {"evidence": evidence})
        out.append(check | {"evidence": evidence})
    for pattern, what in _ZERO_CLAIMS:
        m = pattern.search(norm)
        if not m:
            continue
        if what == "new_received":
            have, ops = have3, [ix.get(t3, "new_received", "total")]
        elif what == "review":
            have, ops = have4, [ix.get(t4, "review", "total")]
        else:
            have, ops = have4, targets["TXT_LITIGATION"][1]
        if not have:
            continue
        check = identity(
            "TXT_ZERO_CLAIMS", what, [Operand("text", 0, "ZERO")], ops, severity="warning"
        )
        out.append(check | {"evidence": _sentence(norm, m.start(), m.end())})
    other = normalize(sections.get("other_matters", ""))
    fee_unpaid = ix.get(t3, "other_fee_unpaid", "total")
    fee_text = _FEE_NONE.search(other) or _FEE_SOME.search(other)
    if fee_text:
        out.append(
            simple(
                "TXT_FEE_COLLECTED",
                "other_matters",
                True,
                severity="info",
                evidence=_sentence(other, fee_text.start(), fee_text.end()),
            )
        )
    elif fee_unpaid.semantic in KNOWN and fee_unpaid.value:
        out.append(
            simple(
                "TXT_FEE_COLLECTED",
                "other_matters",
                False,
                severity="warning",
                note="fee notices were issued (other_fee_unpaid > 0) but section 六 "
                "says nothing about 信息处理费",
            )
        )
    return out
