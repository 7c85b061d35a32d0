"""``nianbao merge``: archives of separate workers combined (crawler/archive/merge.py) — every
report once with its cells, documents and history, idempotent, order-independent, refusing
another schema version and a held target."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.archive import Archive, merge
from crawler.archive.health import record_portal_run
from crawler.archive.ingest import ParseLimits, ingest
from crawler.archive.lock import hold
from crawler.archive.merge import MergeError, _Merge, merge_into
from crawler.archive.search import fts_query
from crawler.archive.store import files_dir_for
from crawler.provenance import Listing

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "tests" / "fixtures" / "reports"
TABLES = ("portals", "documents", "crawl_runs", "fetches", "portal_runs", "reports",
          "report_documents", "cells", "checks", "applications", "report_revisions")  # fmt: skip


def build(path: Path, code: str, files: list[str], worker: str, **listing) -> Path:
    """A worker's archive: the files imported for one portal, fetched in one crawl run."""
    archive = Archive(path)
    assert archive.ensure_portal(code)
    run = archive.start_run("registry.csv", {"worker": worker})
    for rel in files:
        url = f"http://{code}.example.gov.cn/{rel}"
        result = ingest(
            archive,
            (REPORTS / rel).read_bytes(),
            Path(rel).name,
            Listing(portal_code=code, document_url=url, **listing),
            limits=ParseLimits(ocr=False),
        )
        archive.record_fetch(url=url, status=200, sha256=result.sha256, portal_code=code,
                             crawl_run=run, content_type="text/html")  # fmt: skip
    archive.set_portal_status(code, "ok", "", run)
    record_portal_run(archive.db.conn, run, code, {"status": "ok", "report_links": len(files)})
    archive.db.conn.commit()
    archive.finish_run(run, {"worker": worker})
    archive.close()
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("workers")
    return {
        "A": build(d / "A.db", "141122", ["000/000.html"], "A"),
        "B": build(d / "B.db", "630223", ["001/001.html"], "B"),
        # the same report as A's (portal, agency, year), found as another document
        "C": build(d / "C.db", "141122", ["000/000.docx"], "C"),
    }


def nianbao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args], cwd=ROOT, capture_output=True, text=True
    )


def conn(path: Path) -> sqlite3.Connection:
    c = sqlite3.connect(path)
    c.row_factory = sqlite3.Row
    return c


def by_key(path: Path) -> dict[str, dict]:
    """Per report key: its document, cells, checks (not cross-year) and documents."""
    c = conn(path)
    out = {}
    for r in c.execute("SELECT * FROM reports"):
        cells = c.execute(
            "SELECT table_key, row_key, col_key, value, raw, semantic FROM cells "
            "WHERE report_id = ? ORDER BY 1, 2, 3",
            [r["id"]],
        ).fetchall()
        checks = c.execute(
            "SELECT rule, scope, status FROM checks WHERE report_id = ? AND rule NOT LIKE 'X%' "
            "ORDER BY 1, 2",
            [r["id"]],
        ).fetchall()
        docs = c.execute(
            "SELECT sha256, url FROM report_documents WHERE report_id = ? ORDER BY 1, 2", [r["id"]]
        ).fetchall()
        out[r["report_key"]] = {
            "sha256": r["document_sha256"],
            "title": r["title"],
            "cells": [tuple(x) for x in cells],
            "checks": [tuple(x) for x in checks],
            "documents": [tuple(x) for x in docs],
        }
    c.close()
    return out


def counts(path: Path) -> dict[str, int]:
    c = conn(path)
    out = {t: c.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in TABLES}
    c.close()
    return out


def merged(target: Path, *names: str, sources: dict[str, Path]) -> Path:
    archive = Archive(target)
    for name in names:
        merge_into(archive, sources[name])
    archive.close()
    return target


def test_two_workers_archives_merged_keep_every_report_document_and_run(sources, tmp_path):
    target = tmp_path / "archive.db"
    untouched = sources["A"].read_bytes()
    done = nianbao("merge", str(sources["A"]), str(sources["B"]), "--into", str(target))
    assert done.returncode == 0, done.stderr
    assert sources["A"].read_bytes() == untouched  # a source is only read
    assert f"{sources['A']}: reports 1 (1 new, 0 replaced" in done.stdout
    assert "runs +1, fetches +1, portal outcomes +1, portals +1" in done.stdout
    reports = by_key(target)
    expected = {**by_key(sources["A"]), **by_key(sources["B"])}
    assert sorted(reports) == sorted(expected) and len(reports) == 2
    for key, report in reports.items():
        assert report["cells"] == expected[key]["cells"] and len(report["cells"]) > 100
        assert report["checks"] == expected[key]["checks"]
    c = conn(target)
    for doc in c.execute("SELECT sha256, path FROM documents"):
        data = (files_dir_for(target) / doc["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == doc["sha256"]
    runs = c.execute(
        "SELECT r.args, f.url, pr.portal_code, p.last_crawl_run = r.id FROM crawl_runs r "
        "JOIN fetches f ON f.crawl_run = r.id JOIN portal_runs pr ON pr.crawl_run = r.id "
        "JOIN portals p ON p.code = pr.portal_code ORDER BY r.args"
    ).fetchall()
    assert [tuple(r) for r in runs] == [
        ('{"worker": "A"}', "http://141122.example.gov.cn/000/000.html", "141122", 1),
        ('{"worker": "B"}', "http://630223.example.gov.cn/001/001.html", "630223", 1),
    ]


def test_merging_is_order_independent_and_idempotent(sources, tmp_path):
    one = merged(tmp_path / "one.db", "A", "B", "C", sources=sources)
    two = merged(tmp_path / "two.db", "C", "B", "A", sources=sources)
    assert by_key(one) == by_key(two)
    docs = "SELECT sha256, size, first_seen FROM documents ORDER BY sha256"
    assert conn(one).execute(docs).fetchall() == conn(two).execute(docs).fetchall()
    before = counts(one)
    merged(one, "A", "C", sources=sources)
    assert counts(one) == before


def test_the_same_report_in_two_archives_is_one_report_with_both_documents(sources, tmp_path):
    target = merged(tmp_path / "archive.db", "A", "C", sources=sources)
    reports = by_key(target)
    a, c = by_key(sources["A"]), by_key(sources["C"])
    assert list(reports) == list(a) == list(c)  # one key in all three
    (report,) = reports.values()
    (ra,), (rc,) = a.values(), c.values()
    assert report["documents"] == sorted(ra["documents"] + rc["documents"])
    winner = ra if report["sha256"] == ra["sha256"] else rc
    assert report["cells"] == winner["cells"]


def test_another_schema_version_is_refused_and_the_target_untouched(sources, tmp_path):
    target = merged(tmp_path / "archive.db", "B", sources=sources)
    before, db_bytes = counts(target), target.read_bytes()
    old = tmp_path / "old.db"
    shutil.copy(sources["A"], old)
    c = sqlite3.connect(old)
    last = c.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid DESC").fetchone()[0]
    c.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [last])
    c.commit()
    c.close()
    done = nianbao("merge", str(sources["A"]), str(old), "--into", str(target))
    assert done.returncode == 2
    assert f"{old} is from another schema version" in done.stderr
    assert f"lacks migration(s) {last}" in done.stderr and "nianbao status --db" in done.stderr
    assert counts(target) == before and target.read_bytes() == db_bytes  # not even A merged

    c = sqlite3.connect(old)
    restore = "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) SELECT "
    restore += "migration_set, ?, applied_at FROM _sqlite_migrations LIMIT 1"
    c.execute(restore, [last])
    c.execute(restore, ["m999_future"])
    c.commit()
    c.close()
    with pytest.raises(MergeError, match=r"m999_future .*upgrade nianbao"):
        merge_into(Archive(target), old)
    assert counts(target) == before


def test_the_target_itself_and_a_held_target_are_refused(sources, tmp_path):
    target = merged(tmp_path / "archive.db", "B", sources=sources)
    done = nianbao("merge", str(target), "--into", str(target))
    assert done.returncode == 2 and "is the target archive itself" in done.stderr
    with hold(target, "nianbao crawl --registry registry.csv") as me:
        done = nianbao("merge", str(sources["A"]), "--into", str(target))
    assert done.returncode == 2
    assert "nianbao crawl --registry registry.csv" in done.stderr and f"pid {me.pid}" in done.stderr
    assert "141122" not in {r[0] for r in conn(target).execute("SELECT portal_code FROM reports")}


@pytest.mark.parametrize("order", [("B", "A", "C"), ("C", "B", "A")])  # one replaces A or C
def test_a_merged_report_is_found_by_search(sources, tmp_path, order):
    target = merged(tmp_path / "archive.db", *order, sources=sources)
    c = conn(target)
    for code in ("141122", "630223"):
        report = c.execute("SELECT * FROM reports WHERE portal_code = ?", [code]).fetchone()
        word = (report["title"] or report["agency"])[:8]  # the agency, as a reader types it
        hits = c.execute(
            "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?", [fts_query(word)]
        ).fetchall()
        assert [h[0] for h in hits] == [report["id"]], word


def test_a_missing_source_file_is_counted_not_fatal(sources, tmp_path):
    source = tmp_path / "A.db"
    shutil.copy(sources["A"], source)
    shutil.copytree(files_dir_for(sources["A"]), files_dir_for(source))
    path = conn(source).execute("SELECT path FROM documents").fetchone()[0]
    (files_dir_for(source) / path).unlink()
    archive = Archive(tmp_path / "archive.db")
    got = merge_into(archive, source)
    assert got["files"] == {"missing": 1} and got["reports"] == {"added": 1}
    assert "stored file missing" in got["warnings"][0]


def test_a_failed_merge_leaves_the_target_as_it_was(sources, tmp_path, monkeypatch):
    target = merged(tmp_path / "archive.db", "B", sources=sources)
    before = counts(target)

    def boom(self):
        raise RuntimeError("killed")

    monkeypatch.setattr(_Merge, "recompute", boom)
    with pytest.raises(RuntimeError):
        merge_into(Archive(target), sources["A"])
    assert counts(target) == before


def test_cross_year_checks_span_the_merged_archives(sources, tmp_path):
    later = build(tmp_path / "D.db", "141122", ["000/000.html"], "D", year=2024)
    target = Archive(tmp_path / "archive.db")
    merge_into(target, sources["A"])
    merge_into(target, later)
    cross = target.db.execute(
        "SELECT count(*) FROM checks c JOIN reports r ON r.id = c.report_id "
        "WHERE r.year = 2024 AND c.rule LIKE 'X\\_%' ESCAPE '\\'"
    ).fetchone()[0]
    assert cross > 0


def test_many_reports_recompute_all_findings_with_the_same_result(sources, tmp_path, monkeypatch):
    one = merged(tmp_path / "one.db", "A", "B", sources=sources)
    monkeypatch.setattr(merge, "REBUILD_OVER", 0)
    two = merged(tmp_path / "two.db", "A", "B", sources=sources)
    sql = (
        "SELECT level, r.report_key, i.portal_code, i.year, indicator, value, previous "
        "FROM indicators i LEFT JOIN reports r ON r.id = i.report_id ORDER BY 1, 2, 3, 4, 5"
    )
    rows = conn(one).execute(sql).fetchall()
    assert len(rows) > 50 and rows == conn(two).execute(sql).fetchall()
    flags = "SELECT flag_key FROM flags ORDER BY 1"
    assert conn(one).execute(flags).fetchall() == conn(two).execute(flags).fetchall()


@pytest.mark.e2e
def test_two_workers_crawling_halves_of_the_farm_merge_into_the_whole(tmp_path):
    """The multi-machine workflow that works today: each worker crawls its share of the
    registry into its own archive, and the merged archive holds every report of the farm once,
    whichever archive comes first."""
    import farm
    from farm.evaluate import score

    halves = (["990101", "990102", "990201", "990301"],
              ["990401", "990402", "990403", "990404", "990501", "990601", "990602", "990603",
               "990604"])  # fmt: skip
    with farm.start(time_scale=0.05) as f:
        for name, codes in zip("ab", halves, strict=True):
            argv, env = f.crawl_command(
                tmp_path / f"{name}.db", *(a for c in codes for a in ("--portal", c)),
                "--delay", "0.1",
            )  # fmt: skip
            proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
            assert proc.returncode in (0, 1), proc.stderr[-2000:]
        counts = {}
        for order in ("ab", "ba"):
            into = tmp_path / f"{order}.db"
            sources = [str(tmp_path / f"{n}.db") for n in order]
            merged = subprocess.run(
                [sys.executable, "-m", "crawler", "merge", *sources, "--into", str(into)],
                cwd=ROOT, capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            assert merged.returncode == 0, merged.stderr[-2000:]
            scores = score(into, f.manifest).values()
            assert sum(s.found for s in scores) == sum(s.must for s in scores) > 200
            assert sum(len(s.wrong) + len(s.duplicates) for s in scores) == 0
            con = sqlite3.connect(into)
            counts[order] = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                             for t in TABLES]  # fmt: skip
            con.close()
    assert counts["ab"] == counts["ba"]
