"""Read a JavaScript object literal (``window._CONFIG = {SID:'x', TREE:[…]}``) as data.

Not JSON: keys are unquoted, strings single-quoted, trailing commas allowed. We only need data
literals (strings, numbers, booleans, null, arrays, objects), never code.
"""

from __future__ import annotations

import json
import re

_KEY = re.compile(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:")


def _single_to_double(text: str) -> str:
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            quote, j, buf = ch, i + 1, []
            while j < n and text[j] != quote:
                if text[j] == "\\" and j + 1 < n:
                    nxt = text[j + 1]
                    buf.append("\\'" if nxt == "'" else text[j : j + 2])
                    j += 2
                    continue
                buf.append('\\"' if text[j] == '"' else text[j])
                j += 1
            s = "".join(buf).replace("\\'", "'")
            out.append('"' + s + '"')
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def balanced(text: str, i: int) -> str | None:
    """The balanced ``{…}`` or ``[…]`` that starts at ``text[i]`` (strings respected)."""
    pairs = {"{": "}", "[": "]"}
    stack: list[str] = []
    quote, j = None, i
    while j < len(text):
        ch = text[j]
        if quote:
            if ch == "\\":
                j += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
        elif ch in pairs:
            stack.append(pairs[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                return text[i : j + 1]
        j += 1
    return None


def find_object(text: str, marker: str) -> str | None:
    """The balanced ``{…}`` that follows ``marker`` (strings respected)."""
    start = text.find(marker)
    if start < 0:
        return None
    i = text.find("{", start)
    return balanced(text, i) if i >= 0 else None


def parse_object(literal: str) -> dict | None:
    text = _single_to_double(literal)
    text = _KEY.sub(lambda m: f'{m.group(1)}"{m.group(2)}":', text)
    text = re.sub(r",\s*([}\]])", r"\1", text)
    text = re.sub(r"\bundefined\b", "null", text)
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
