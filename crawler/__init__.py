"""nianbao: the Scrapy project (settings, items, pipelines, middlewares) and the CLI."""

__version__ = "0.1.0"
