"""The ``nianbao`` command: thin click wrappers over the modules that do the work.

One module per group of commands: ``parse`` (documents → JSON), ``archive`` (import, reparse,
serve), ``crawl`` (crawl, demo). Imports of heavy modules (pdfplumber, Scrapy, Datasette) stay
inside the commands so that ``nianbao parse`` starts fast.
"""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def cli() -> None:
    """Crawl, parse and publish 政府信息公开工作年度报告 (government information-disclosure
    annual reports) of China's county-level governments."""


from . import archive, backup, crawl, merge, parse, registry, schedule, status  # noqa: E402, F401  (each adds its commands)


def main() -> None:  # pragma: no cover - console entry point
    cli()
