"""Cell text → (value, semantic, unit): the rules of spec §6.

A blank cell is EMPTY (value None), never 0. ``/``, ``—``, ``无`` are NA. Anything that is not a
clean number for its column is TEXT, with the number it seems to carry kept as a candidate.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NA_TOKENS = frozenset(
    ["/", "-", "--", "—", "——", "–", "―", "无", "不适用", "不涉及", "N/A", "NA", "n/a", "\\"]
)
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_COUNT_UNITS = ("件", "个", "项", "条", "次", "宗", "份")
_AMOUNT_UNITS = ("亿元", "万元", "元")
_NUMBER = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$")
_SIGNED_WORDS = (("增加", "+"), ("新增", "+"), ("增", "+"), ("减少", "-"), ("减", "-"))
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


@dataclass(frozen=True)
class CellValue:
    value: int | float | None
    semantic: str  # ZERO NUMERIC EMPTY NA TEXT
    unit: str | None
    flags: tuple[str, ...] = ()
    candidate: float | None = None  # the number a TEXT cell seems to carry

    def as_dict(self) -> dict:
        return {"value": self.value, "semantic": self.semantic, "unit": self.unit}


def squash(text: str) -> str:
    """NFKC and remove every kind of whitespace (cells are wrapped and padded at random)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def chinese_numeral(text: str) -> int | None:
    """二十三 → 23, 两 → 2, 一百零五 → 105; None if ``text`` is not a pure Chinese numeral."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def parse_cell(raw: str, *, kind: str = "count") -> CellValue:
    """Interpret one printed cell.

    :param kind: ``count`` (integer ≥ 0), ``signed`` (v2019 本年增/减), ``amount`` (decimal, a
        unit may be printed in the cell).
    """
    text = squash(raw)
    if not text:
        return CellValue(None, "EMPTY", None)
    if text in NA_TOKENS:
        return CellValue(None, "NA", None)

    unit = None
    for u in _AMOUNT_UNITS + _COUNT_UNITS:
        if text.endswith(u) and len(text) > len(u):
            unit, text = u, text[: -len(u)]
            break
    if kind == "signed":
        for word, sign in _SIGNED_WORDS:
            if text.startswith(word) and len(text) > len(word):
                text = sign + text[len(word) :]
                break
    flags: list[str] = []
    number: float | None = None
    if _NUMBER.match(text):
        number = float(text.replace(",", ""))
    elif (cn := chinese_numeral(text)) is not None:
        number, flags = float(cn), ["chinese_numeral"]
    if number is None:
        digits = re.search(r"[+-]?\d+(?:\.\d+)?", text)
        return CellValue(None, "TEXT", None, (), float(digits.group()) if digits else None)

    if kind != "signed" and text.startswith("+"):
        flags.append("explicit_plus_sign")
    if kind == "amount":
        value: int | float = number
    else:
        if number != int(number):
            return CellValue(None, "TEXT", unit, ("fraction",), number)
        if "." in text:
            flags.append("integer_written_as_decimal")
        value = int(number)
    if kind in ("count", "signed") and unit in _AMOUNT_UNITS:
        flags.append("amount_unit_in_count")
    return CellValue(value, "ZERO" if value == 0 else "NUMERIC", unit, tuple(flags))


def join_wrapped_digits(raw: str) -> str:
    """``"1\\n2"`` in one narrow cell is 12, not two numbers (spec §6 rule 2)."""
    parts = [p for p in re.split(r"[\s\u00a0\u3000]+", unicodedata.normalize("NFKC", raw)) if p]
    if len(parts) > 1 and all(p.isdigit() for p in parts):
        return "".join(parts)
    return raw
