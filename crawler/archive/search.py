"""Full-text search for Chinese that works for every query length.

SQLite's default tokenizer sees a run of Han characters as one token (so 复议 is never found
inside 行政复议) and the trigram tokenizer finds nothing under three characters. We index text
as overlapping bigrams instead, and turn queries into bigram phrases:

    index:  政府信息公开       → 政府 府信 信息 息公 公开 开
    query:  信息公开           → "信息 息公 公开"        (a phrase: consecutive bigrams)
            公开               → "公开"
            开                 → 开*                    (any bigram starting with 开, or a run's
                                                        last character, emitted as a unigram)

Non-Chinese runs (numbers, latin words) stay whole tokens, so 42件 becomes the phrase
``"42" + 件*``. The same two functions serve the archive (``index_text``) and the Datasette
plugin that replaces Datasette's ``escape_fts`` (``fts_query``).
"""

from __future__ import annotations

import re
import unicodedata

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[0-9A-Za-z]+")


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_text(text: str | None) -> str:
    """The text as space-separated tokens for an FTS5 table with the default tokenizer."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for m in _RUNS.finditer(text):
        run = m.group(0)
        out.extend(_bigrams(run) if re.match(rf"[{_CJK}]", run) else [run.lower()])
    return " ".join(out)


def _term_query(term: str) -> str | None:
    """One whitespace-free query term → an FTS5 phrase (consecutive tokens)."""
    parts: list[str] = []
    runs = _RUNS.findall(unicodedata.normalize("NFKC", term))
    for n, run in enumerate(runs):
        last = n == len(runs) - 1
        if re.match(rf"[{_CJK}]", run):
            if len(run) == 1:
                # A lone character at the end of the term is a prefix (开 → 开*); inside a
                # term it is followed by another run, so it ended a CJK run: the unigram.
                parts.append(f'"{run}"' + ("*" if last else ""))
            else:
                # Followed by a number or word, the run must end here: add its last unigram.
                grams = _bigrams(run) if not last else _bigrams(run)[:-1]
                parts.append('"' + " ".join(grams) + '"')
        else:
            parts.append(f'"{run.lower()}"')
    return " + ".join(parts) if parts else None


def fts_query(query: str) -> str:
    """A user's search box input → an FTS5 MATCH expression (terms are ANDed)."""
    terms = [q for q in (_term_query(t) for t in query.split()) if q]
    return " ".join(terms) if terms else '""'
