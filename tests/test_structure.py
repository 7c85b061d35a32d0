"""The tree shows the pipeline: the import contract, function complexity and module size.

registry → spiders → document store → parsers → archive → Datasette. Each rule below is read
from the source (docs/architecture.md, "The rules the tree keeps"), so a change that runs an
import back up the flow, or grows a function past what a reader can hold, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("crawler", "spiders", "parsers", "farm")
MAX_COMPLEXITY = 25  # radon's cyclomatic complexity, per function or method
MAX_LINES = 550  # per module ("about 500")


def modules(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module this file imports (relative imports resolved), at any depth of the file."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def ours(names: set[str]) -> set[str]:
    return {n for n in names if n.split(".")[0] in (*PRODUCTION, "tests", "benchmarks")}


def violations(packages: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path in modules(*packages):
        for name in sorted(ours(imports(path))):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(ROOT)} imports {name}")
    return out


def test_parsers_import_nothing_of_ours():
    assert violations(("parsers",), ("crawler", "spiders", "farm")) == []


def test_spiders_never_touch_the_archive_or_publishing():
    assert violations(("spiders",), ("crawler.archive", "crawler.publish", "farm")) == []


def test_the_archive_runs_no_crawl_and_no_site():
    forbidden = (
        "crawler.publish",
        "crawler.middlewares",
        "crawler.pipelines",
        "crawler.extensions",
        "crawler.cli",
        "crawler.state",
        "spiders",
        "farm",
    )
    assert violations(("crawler/archive",), forbidden) == []


def test_publishing_reads_the_archive_only():
    forbidden = (
        "crawler.middlewares",
        "crawler.pipelines",
        "crawler.extensions",
        "crawler.cli",
        "crawler.state",
        "crawler.archive.ingest",
        "spiders",
        "farm",
    )
    assert violations(("crawler/publish",), forbidden) == []


def test_production_code_never_points_into_the_sample_farm():
    # Only `nianbao demo` runs the farm: it is the embedded sample world, not a default.
    allowed = {ROOT / "crawler" / "cli" / "crawl.py"}
    found = [
        v
        for v in violations(("crawler", "spiders", "parsers"), ("farm",))
        if ROOT / v.split(" imports ")[0] not in allowed
    ]
    assert found == []
    for path in modules("crawler", "spiders", "parsers"):
        assert '"farm"' not in path.read_text(encoding="utf-8"), path


def test_the_contract_checker_sees_imports():
    # The checker itself: a relative import inside a function is found and resolved.
    path = ROOT / "crawler" / "cli" / "archive.py"
    assert "crawler.archive.ingest" in imports(path)
    assert violations(("crawler/cli",), ("crawler.archive",)) != []


@pytest.mark.parametrize("package", PRODUCTION)
def test_no_function_is_too_complex(package):
    too_complex = []
    for path in modules(package):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            items = [block, *getattr(block, "methods", [])]
            too_complex += [
                f"{path.relative_to(ROOT)}:{b.lineno} {b.name} ({b.complexity})"
                for b in items
                if b.complexity > MAX_COMPLEXITY
            ]
    assert too_complex == []


@pytest.mark.parametrize("package", PRODUCTION)
def test_no_module_is_too_long(package):
    long = [
        f"{p.relative_to(ROOT)} ({n} lines)"
        for p in modules(package)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []
