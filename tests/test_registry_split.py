"""``nianbao registry split``: a registry cut into parts for several workers — every portal in
exactly one part, portals sharing a host in the same part, parts of even size."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli
from crawler.registry import load_registry
from crawler.registry.split import split_rows

HEADER = "code,name,province,prefecture,url,platform,js\n"


def registry(tmp_path: Path) -> Path:
    lines = [HEADER]
    for i in range(20):  # 20 counties; six of them on one provincial platform host
        url = "https://xxgk.zj.gov.cn.test/" if i % 3 == 0 else f"http://www.c{i}.gov.cn.test/"
        lines.append(f"3301{i:02d},县{i},浙江省,杭州市,{url},,\n")
    lines.append("330199,县99,浙江省,杭州市,https://c5.gov.cn.test/x,,\n")  # www.c5 without www
    path = tmp_path / "portals.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_split_keeps_hosts_together_and_parts_even(tmp_path):
    path = registry(tmp_path)
    result = CliRunner().invoke(cli, ["registry", "split", str(path), "--parts", "3",
                                      "--out-dir", str(tmp_path / "parts")])  # fmt: skip
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "parts").glob("portals-*-of-3.csv"))
    assert len(files) == 3
    parts = [list(csv.DictReader(io.StringIO(f.read_text(encoding="utf-8")))) for f in files]
    codes = [r["code"] for part in parts for r in part]
    assert sorted(codes) == sorted(p.code for p in load_registry(path))  # each exactly once
    for f in files:
        assert f.read_text(encoding="utf-8").startswith(HEADER)  # the registry's own columns
        load_registry(f)  # each part is a registry a crawl accepts
    where = {r["code"]: k for k, part in enumerate(parts) for r in part}
    platform = {where[f"3301{i:02d}"] for i in range(0, 20, 3)}
    assert len(platform) == 1  # the shared host: one worker
    assert where["330105"] == where["330199"]  # www.c5… and c5…: the same host
    sizes = sorted(len(p) for p in parts)
    assert sizes[-1] - sizes[0] <= 7  # at most the largest group apart
    assert "portals on" in result.output


def test_split_rows_is_order_preserving_and_deterministic():
    rows = [{"code": str(i), "url": f"http://h{i % 4}.test/"} for i in range(10)]
    first, second = split_rows(rows, 2), split_rows(rows, 2)
    assert first == second
    for part in first:
        assert [r["code"] for r in part] == sorted((r["code"] for r in part), key=int)
    assert split_rows(rows, 1) == [rows]
