"""Digit runs whose cell separators were lost, split by the format's own arithmetic.

A portal's article text copied out of its page (a crawler's text dump, a select-all copy)
often loses the cell borders: ``一、本年新收政府信息公开申请数量801000081`` is
80 | 1 | 0 | 0 | 0 | 0 | 81.
A person recovers the cells from the format's rules: the six applicant columns add up to 总计,
the rows add up to （七）总计, 一 + 二 = （七） + 四; table 四's blocks add up to their 总计.

A run is split only when exactly one way of cutting it satisfies those rules: a number is never
printed with a leading zero, whitespace that survived is a cut for certain, a sign (本年增/减)
opens a cell. Everything else — several possible cuts, none at all, too many to try — leaves
the cells unread, with a warning that lists the candidates.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

MAX_SPLITS = 2000  # more candidate cuts than this: the run says too little to be split
MAX_JOINT = 200_000  # candidate combinations of a table's ambiguous rows tried together

_COUNT = re.compile(r"0|[1-9]\d*")
_SIGNED = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_AMOUNT = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_PATTERN = {"count": _COUNT, "signed": _SIGNED, "amount": _AMOUNT}
RUN = re.compile(r"[0-9+\-.\s]*[0-9][0-9+\-.\s]*")  # what a lost-separator value run may hold


@dataclass(frozen=True)
class Group:
    """Consecutive cells of a row; with ``total`` the last one is the sum of the others."""

    kinds: tuple[str, ...]
    total: bool = False


class _TooMany(Exception):
    pass


def is_run(text: str) -> bool:
    """Could ``text`` be a row's values printed without separators?"""
    return bool(RUN.fullmatch(text.strip()))


def splits(run: str, shape: tuple[Group, ...], limit: int = MAX_SPLITS) -> list[tuple[str, ...]]:
    """Every cut of ``run`` into the cells of ``shape`` that the rules allow.

    Raises ``ValueError`` when there are more than ``limit`` (the caller treats the run as
    ambiguous). Surviving whitespace inside the run is a cut that must be kept.
    """
    tokens = run.split()
    text = "".join(tokens)
    forced = set(itertools.accumulate(len(t) for t in tokens[:-1]))
    out: list[tuple[str, ...]] = []
    try:
        _groups(text, 0, shape, forced, (), out, limit)
    except _TooMany:
        raise ValueError(f"more than {limit} ways to split {run!r}") from None
    return out


def _groups(
    text: str,
    start: int,
    shape: tuple[Group, ...],
    forced: set[int],
    done: tuple[str, ...],
    out: list[tuple[str, ...]],
    limit: int,
) -> None:
    if not shape:
        if start == len(text):
            out.append(done)
            if len(out) > limit:
                raise _TooMany
        return
    group, rest = shape[0], shape[1:]
    room = sum(len(g.kinds) for g in rest)  # every later cell needs a character
    for end in range(start + len(group.kinds), len(text) - room + 1):
        if rest and end < len(text) and not text[end].isdigit() and text[end] not in "+-":
            continue  # a group never starts with a decimal point
        for cells in _cells(text[start:end], start, group, forced):
            _groups(text, end, rest, forced, (*done, *cells), out, limit)


def _cells(text: str, offset: int, group: Group, forced: set[int]) -> list[tuple[str, ...]]:
    """The cuts of one group's text into its cells (its total: the sum of the others)."""
    kinds = group.kinds
    if not group.total:
        return list(_parts(text, offset, kinds, forced, None))
    out = []
    for k in range(1, len(text)):
        total = text[k:]
        if any(offset + k < f < offset + len(text) for f in forced):
            continue
        if not _PATTERN[kinds[-1]].fullmatch(total):
            continue
        for parts in _parts(text[:k], offset, kinds[:-1], forced, int(total)):
            out.append((*parts, total))
    return out


def _parts(text: str, offset: int, kinds: tuple[str, ...], forced: set[int], budget: int | None):
    """Cuts of ``text`` into ``len(kinds)`` valid cells; with ``budget`` they must add up to it
    (cells are never negative, so a cell above what is left ends the search early)."""
    if len(kinds) == 1:
        if any(offset < f < offset + len(text) for f in forced):
            return
        if _PATTERN[kinds[0]].fullmatch(text) and (budget is None or _num(text) == budget):
            yield (text,)
        return
    for end in range(1, len(text) - len(kinds) + 2):
        if any(offset < f < offset + end for f in forced):
            return  # a longer piece would cross a separator that survived
        piece = text[:end]
        if not _PATTERN[kinds[0]].fullmatch(piece):
            continue
        left = None if budget is None else budget - _num(piece)
        if left is not None and left < 0:
            return
        for tail in _parts(text[end:], offset + end, kinds[1:], forced, left):
            yield (piece, *tail)


def _num(text: str) -> float:
    return float(text)


# --- table 三: rows and columns together ----------------------------------------------------


T3_SHAPE = (Group(("count",) * 7, total=True),)
T4_SHAPE = tuple(Group(("count",) * 5, total=True) for _ in range(3))


@dataclass
class T3Split:
    """What the arithmetic decided for the digit runs of one table 三."""

    chosen: dict[str, tuple[str, ...]]  # row key → its cells, decided
    undecided: dict[str, list[tuple[str, ...]]]  # row key → the candidates (empty: none fits)
    notes: dict[str, str]  # row key → why it stays unread


def solve_t3(
    runs: dict[str, str],
    known: dict[str, list[float | None]],
    leaves: tuple[str, ...],
) -> T3Split:
    """Split every run of table 三 so that rows, columns and 一 + 二 = （七） + 四 add up.

    ``known`` holds the other rows' values (None where blank or unreadable); ``leaves`` are the
    template's result rows that add up to （七）总计. Each row's run must satisfy its own row
    total; the column rules then choose among what remains. A row is decided when every
    combination that satisfies all the column rules cut it the same way. When no combination
    satisfies them (a table with a printed arithmetic error), only rows with one candidate of
    their own are decided.
    """
    result = T3Split({}, {}, {})
    options: dict[str, list[tuple[str, ...]]] = {}
    for key, run in runs.items():
        try:
            options[key] = splits(run, T3_SHAPE)
        except ValueError:
            result.undecided[key] = []
            result.notes[key] = f"too many ways to split {run!r}"
            continue
        if not options[key]:
            del options[key]
            result.undecided[key] = []
            result.notes[key] = f"no split of {run!r} adds up to its 总计"
    for key, opts in options.items():
        if len(opts) == 1:
            result.chosen[key] = opts[0]
    open_keys = [k for k, opts in options.items() if len(opts) > 1]
    if not open_keys:
        return result
    sizes = [len(options[k]) for k in open_keys]
    combos = 1
    for n in sizes:
        combos *= n
    if combos > MAX_JOINT:
        for k in open_keys:
            result.undecided[k] = options[k]
            result.notes[k] = f"{len(options[k])} possible splits"
        return result
    fixed = {k: [float(x) for x in v] for k, v in result.chosen.items()}
    good: list[tuple[tuple[str, ...], ...]] = []
    for combo in itertools.product(*(options[k] for k in open_keys)):
        values = dict(fixed)
        values.update({k: [float(x) for x in cut] for k, cut in zip(open_keys, combo, strict=True)})
        if _columns_hold(values, known, leaves):
            good.append(combo)
    for i, key in enumerate(open_keys):
        cuts = sorted({combo[i] for combo in good}) if good else options[key]
        if len(cuts) == 1:
            result.chosen[key] = cuts[0]
        else:
            result.undecided[key] = cuts
            result.notes[key] = f"{len(cuts)} possible splits"
    return result


def _columns_hold(
    values: dict[str, list[float]], known: dict[str, list[float | None]], leaves: tuple[str, ...]
) -> bool:
    """Do 一 + 二 = （七） + 四 and Σ results = （七） hold in every column they can be read in?"""

    def cell(row: str, c: int) -> float | None:
        if row in values:
            return values[row][c]
        got = known.get(row)
        return None if got is None else got[c]

    for c in range(7):
        balance = [cell(r, c) for r in ("new_received", "carried_over")]
        balance_right = [cell(r, c) for r in ("total_processed", "carried_forward")]
        if None not in balance and None not in balance_right and sum(balance) != sum(balance_right):
            return False
        parts = [cell(r, c) for r in leaves]
        total = cell("total_processed", c)
        if parts and total is not None and None not in parts and sum(parts) != total:  # type: ignore[arg-type]
            return False
    return True


def describe(cuts: list[tuple[str, ...]], most: int = 4) -> str:
    """Candidate cuts for a warning: ``80|1|0|0|0|0|81; …``."""
    shown = "; ".join("|".join(c) for c in cuts[:most])
    return shown + (f"; … ({len(cuts)} in all)" if len(cuts) > most else "")
