"""How every rule is evaluated: operands, the strict/lenient identity, the check dicts.

Written once so that every rule (within a table, text vs table, cross-year) reaches the same
verdict for the same operands; see the package docstring for the verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

KNOWN = ("ZERO", "NUMERIC")


@dataclass(frozen=True)
class Operand:
    ref: str
    value: float | int | None
    semantic: str  # ZERO NUMERIC EMPTY NA TEXT MISSING
    inferred: str | None = None  # how the value was decided when the print did not say

    def strict(self) -> float | None:
        return self.value if self.semantic in KNOWN else None

    def lenient(self) -> float | None:
        if self.semantic in KNOWN:
            return self.value
        return 0 if self.semantic in ("EMPTY", "NA") else None


class CellIndex:
    def __init__(self, cells: list[dict]):
        self._cells = {(c["table"], c["row"], c["col"]): c for c in cells}

    def get(self, table: str, row: str, col: str) -> Operand:
        c = self._cells.get((table, row, col))
        ref = f"{row}.{col}"
        if c is None:
            return Operand(ref, None, "MISSING")
        return Operand(ref, c["value"], c["semantic"], c.get("inferred"))

    def table(self, table: str) -> list[dict]:
        return [c for k, c in self._cells.items() if k[0] == table]

    def has(self, table: str) -> bool:
        return any(k[0] == table for k in self._cells)


def _total(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def _num(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(x, 6)


def identity(
    rule: str,
    scope: str,
    left: list[Operand],
    right: list[Operand],
    *,
    severity: str = "error",
    compare: str = "eq",
) -> dict:
    """Evaluate ``Σleft (= | ≤) Σright``; ``right`` is the target side (the printed totals).

    Operands whose value was inferred (a digit run split by the arithmetic) are listed under
    ``inferred``: a rule that helped decide them is no
    independent witness of them.
    """

    def holds(a: float, b: float) -> bool:
        return abs(a - b) < 1e-9 if compare == "eq" else a <= b + 1e-9

    out: dict = {"rule": rule, "scope": scope, "severity": severity}
    inferred = [f"{o.ref} ({o.inferred})" for o in left + right if o.inferred]
    if inferred:
        out["inferred"] = inferred
    refs = [o.ref for o in left + right]
    sl, sr = _total([o.strict() for o in left]), _total([o.strict() for o in right])
    if sl is not None and sr is not None:
        status = "PASS" if holds(sl, sr) else "FAIL"
        return out | {
            "status": status,
            "mode": "strict",
            "left": _num(sl),
            "right": _num(sr),
            "delta": _num(sl - sr),
            "cells": refs,
        }
    ll, lr = _total([o.lenient() for o in left]), _total([o.lenient() for o in right])
    if ll is None or lr is None:
        unknown = [o.ref for o in left + right if o.lenient() is None]
        return out | {
            "status": "UNCERTAIN",
            "mode": "lenient",
            "left": _num(ll),
            "right": _num(lr),
            "cells": refs,
            "note": "unreadable or missing: " + ", ".join(unknown),
        }
    if holds(ll, lr):
        return out | {
            "status": "PASS",
            "mode": "lenient",
            "left": _num(ll),
            "right": _num(lr),
            "delta": 0,
            "cells": refs,
        }
    result = out | {"left": _num(ll), "right": _num(lr), "delta": _num(ll - lr), "cells": refs}
    if all(o.semantic in KNOWN for o in right):
        return result | {"status": "FAIL", "mode": "lenient"}
    # The printed total is blank: never a failure, but say what the other cells add up to.
    return result | {
        "status": "UNCERTAIN",
        "mode": "lenient",
        "derived": _num(ll),
        "note": "target cell blank; derived value given",
    }


def not_assessable(rule: str, why: str, severity: str = "error") -> dict:
    return {
        "rule": rule,
        "scope": "table",
        "status": "NOT_ASSESSABLE",
        "mode": "strict",
        "severity": severity,
        "note": why,
    }


def simple(rule: str, scope: str, ok: bool, *, severity: str, note: str = "", **extra) -> dict:
    out = {
        "rule": rule,
        "scope": scope,
        "status": "PASS" if ok else "FAIL",
        "mode": "strict",
        "severity": severity,
    }
    if note:
        out["note"] = note
    return out | extra


def _nonneg(rule: str, cells: list[dict], *, integers: bool, skip_cols=(), sev="error") -> dict:
    bad = []
    for c in cells:
        if c["col"] in skip_cols or c["semantic"] not in KNOWN:
            continue
        v = c["value"]
        if v < 0 or (integers and v != int(v)):
            bad.append(f"{c['row']}.{c['col']}={c['raw']}")
    return simple(rule, "all", not bad, severity=sev, note="; ".join(bad) if bad else "")
