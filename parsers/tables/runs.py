"""Table rows printed as lines of text whose cell separators were lost (``kind="runs"``).

Text copied out of a portal's article page — a crawler's text dump, a select-all copy — keeps
each table row on a line of its own but glues its cells together: ``三、本年度办理结果（一）予以公开
200000020``, ``自然人法人或其他组织总计``, ``001010000001001``. Such lines reach us as paragraphs.
This pass finds the runs of them that form a template table and turns them back into table rows:
header lines are cut into their known header words, a row's label into its printed label cells
(the merged group cells first, the leaf last, as a grid has them), and its values stay one cell,
the digit run, for the table parsers to split by the arithmetic (``digits``).
"""

from __future__ import annotations

import itertools
import re

from ..document import Cell, Document, Paragraph, Table
from ..labels import normalize, t3_row_score
from .digits import is_run

_HEADER_WORDS = sorted(
    {
        # table 三
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "法人或者其他组织",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "其它",
        "总计",
        "合计",
        # section 二
        "信息内容",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年处理决定数量",
        "本年收费金额(单位:万元)",
        "本年收费金额(万元)",
        "本年收费金额",
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "处理决定数量",
        "采购项目数量",
        "采购总金额",
        # table 四
        "行政复议",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
    },
    key=len,
    reverse=True,
)
_CAPTION = re.compile(r"^第二十条第\([一二三四五六七八九十]+\)项$")
_PIECE = re.compile(
    r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|(?<![\d.])\d{1,2}[.、．](?!\d))"
)
_GLUED = re.compile(r"^(?P<label>.*?[^\d\s.+\-])\s*(?P<run>[+\-]?\d[\d\s.+\-]*)$")
_T2_LABELS = (
    "规章",
    "行政规范性文件",
    "规范性文件",
    "行政许可",
    "其他对外管理服务事项",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
    "政府集中采购",
)
_GROUPS = ("三、本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理")
_T3_KEYS = (
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_other_law",
    "denied_security_stability",
    "denied_third_party_rights",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_still_unclear",
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
    "other_no_correction",
    "other_fee_unpaid",
    "other_other",
    "other_handling",
    "total_processed",
    "carried_forward",
)


def header_words(norm: str) -> list[str] | None:
    """A header line cut into its known words (``自然人法人或其他组织总计`` → three), or None."""
    out: list[str] = []
    if "勾稽关系" in norm:
        # The corner note (…第三项加第四项之和) and what follows it on the line.
        end = norm.find("之和)", norm.find("勾稽关系"))
        end = norm.find("之和）", norm.find("勾稽关系")) if end < 0 else end
        if end < 0:
            return [norm]
        out.append(norm[: end + 3])
        norm = norm[end + 3 :]
    while norm:
        word = next((w for w in _HEADER_WORDS if norm.startswith(w)), None)
        if word is None:
            return None
        out.append(word)
        norm = norm[len(word) :]
    return out or None


def label_pieces(label: str) -> list[str]:
    """A glued label cut at its ordinals: ``三、本年度办理结果（一）予以公开`` → two cells."""
    starts = [m.start() for m in _PIECE.finditer(label)]
    starts = [s for s in starts if s == 0 or label[s - 1] not in "第"]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    cuts = [*starts, len(label)]
    return [label[a:b] for a, b in itertools.pairwise(cuts) if label[a:b].strip()]


def _is_row_label(pieces: list[str], inside: bool) -> bool:
    """Does a label name a template row? Inside a table already begun, a numbered label is
    one too (its wording may be misprinted: the table parsers decide which row it is)."""
    leaf = normalize(pieces[-1])
    if any(t3_row_score(k, leaf) for k in _T3_KEYS):
        return True
    if inside and _PIECE.match(leaf):
        return True
    bare = re.sub(r"^\d+[.、]|^\(?[一二三四五六七八九十]+[)、]", "", leaf)
    return any(bare.startswith(w) or w.startswith(bare) for w in _T2_LABELS if len(bare) >= 2)


def _classify(text: str, inside: bool) -> tuple[str, list[str]] | None:
    """("header" | "row" | "values" | "group", cells) for a line that is a table row."""
    norm = normalize(text)
    if not norm or len(norm) > 120:
        return None
    if _CAPTION.match(norm):
        return "header", [norm]
    words = header_words(norm)
    if words:
        return "header", words
    if is_run(norm):
        return "values", [text.strip()]
    m = _GLUED.match(text.strip())
    if m and is_run(m.group("run")):
        pieces = label_pieces(m.group("label").strip())
        if pieces and _is_row_label(pieces, inside):
            return "row", [*pieces, m.group("run").strip()]
    if any(g in norm for g in _GROUPS) and len(norm) <= 20:
        return "group", label_pieces(text.strip())
    return None


def _table(lines: list[list[str]], page: int | None) -> Table:
    rows = [[Cell(t, i, i + 1, page) for i, t in enumerate(cells)] for cells in lines]
    return Table(rows, kind="runs", coords="runs", page=page)


def restore_runs(doc: Document) -> None:
    """Turn paragraph runs that are glued table rows back into ``runs`` tables, in place.

    A run needs a row with a template label and a digit run, and three lines in all; any
    other line ends it.
    """
    out: list = []
    pending: list[tuple[str, list[str], Paragraph]] = []

    def flush() -> None:
        kinds = {kind for kind, _, _ in pending}
        # A row with a template label, or (table 四: no label) a line of values under headers.
        if len(pending) >= 3 and ("row" in kinds or {"header", "values"} <= kinds):
            out.append(_table([cells for _, cells, _ in pending], pending[0][2].page))
        else:
            out.extend(p for _, _, p in pending)
        pending.clear()

    for block in doc.blocks:
        hit = _classify(block.text, bool(pending)) if isinstance(block, Paragraph) else None
        if hit is None:
            flush()
            out.append(block)
            continue
        pending.append((hit[0], hit[1], block))
    flush()
    doc.blocks = out
