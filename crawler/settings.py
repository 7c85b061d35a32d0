"""Every Scrapy and nianbao knob, in one place.

``nianbao crawl`` and ``scrapy crawl portal`` both read this module (scrapy.cfg points here).
nianbao's own settings start with ``NIANBAO_``; override any of them with ``-s NAME=value``.
"""

from __future__ import annotations

import os

from crawler import __version__

BOT_NAME = "nianbao"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- nianbao --------------------------------------------------------------------------------
NIANBAO_DB = "archive.db"  # the archive; documents go to <stem>-files/ beside it
NIANBAO_REGISTRY = ""  # portal registry CSV (required: see docs/usage.md, "The registry")
NIANBAO_PORTALS = ""  # comma-separated 行政区划代码 to crawl (empty = all)
NIANBAO_YEARS = ""  # "2021-2024" or "2023": report years to keep (empty = all)
NIANBAO_CONTACT_URL = "https://github.com/nianbao-archive/nianbao"
NIANBAO_MAX_PAGES_PER_PORTAL = 1500  # HTML/API pages per portal: the pagination-trap bound
NIANBAO_MAX_LIST_PAGES = 60  # pages of one column before giving up on it
NIANBAO_EMPTY_PAGES_TO_STOP = 3  # consecutive list pages without a new entry end a column
NIANBAO_NAV_DEPTH = 4  # link hops from the home page while looking for the 年报 column
NIANBAO_OCR = True  # OCR scanned reports while archiving them
NIANBAO_PARSE_TIMEOUT = 180.0  # seconds per document, OCR included; then it is recorded failed
NIANBAO_PARSE_MEMORY_MB = 2048  # address space one parse may add (0 = no limit)
NIANBAO_MAX_FILES_PER_ARTICLE = 6  # attachments followed from one article page
NIANBAO_SNIFF_BYTES = 20_000  # how much of a page is read to spot a challenge or an error page
NIANBAO_JS_REDIRECT_MAX_BYTES = 2048  # a page this small that only sets location is a redirect
NIANBAO_JS_REDIRECT_HOPS = 3  # JavaScript redirects followed in a row
NIANBAO_WARMUP_BELOW_BYTES = 300  # a 200 this small where a page should be: warm up, ask again
NIANBAO_BROWSER = True  # render JS-only list pages with Chromium when needed
# Anti-bot challenges are reported as `blocked`, not fought. An operator may allow this many
# tries of a challenged page in a real browser (which runs the challenge's script).
NIANBAO_CHALLENGE_RETRIES = 0
# Only these hosts may be contacted (fnmatch patterns); empty = anything the registry leads to.
# Tests and the demo set it to "*.test" so that nothing can leak to a real site.
NIANBAO_ALLOWED_HOSTS = ""
NIANBAO_RESUME = True  # continue an unfinished crawl of the same registry instead of restarting
# Documents stored less than this many days ago are not asked for again (pages still are, to
# find new reports); older ones get a conditional request. 0 = re-validate every document.
NIANBAO_REVALIDATE_DAYS = 7.0
NIANBAO_PROGRESS = "auto"  # live progress line on stderr: auto = only on a terminal; or True/False
NIANBAO_PROGRESS_INTERVAL = 2.0  # seconds between redraws of the progress line

# TLS (crawler/tls.py): certificates verified against the system CAs plus this CA file (a
# corporate proxy's, the sample farm's; several separated by commas); a portal whose
# certificate is broken is fetched unverified as a recorded fallback unless FALLBACK is off.
NIANBAO_CA_FILE = os.environ.get("NIANBAO_CA_FILE", "")
NIANBAO_TLS_VERIFY = True
NIANBAO_TLS_FALLBACK = True

# --- identity and manners --------------------------------------------------------------------
USER_AGENT = f"nianbao/{__version__} (+{NIANBAO_CONTACT_URL}; annual disclosure reports archive)"
ROBOTSTXT_OBEY = True  # per-portal override: registry column `robots` = ignore (logged)
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1  # one request at a time per host
DOWNLOAD_DELAY = 1.0  # seconds between requests to one host (robots Crawl-delay can raise it)
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 %, so requests do not tick like a metronome
AUTOTHROTTLE_ENABLED = False  # replaced by crawler.throttle.PoliteThrottle (keeps host floors)
NIANBAO_THROTTLE = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60  # county portals answer in 3–15 s and sometimes not at all
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024  # a report is a few MB; 50 MB is a scan of a long one
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
RETRY_ENABLED = False  # replaced by crawler.middlewares.BackoffRetryMiddleware
NIANBAO_RETRY_TIMES = 3
NIANBAO_RETRY_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
NIANBAO_BACKOFF_BASE = 5.0  # seconds; doubled each attempt (5, 10, 20 …), Retry-After wins
REDIRECT_MAX_TIMES = 10  # a redirect loop ends here
COOKIES_ENABLED = True  # some portals gate pages behind a 302-to-self that sets a cookie
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 would open a code-executing HTTP endpoint

# Requests pass these in ascending order, responses in descending order: responses are
# decompressed (590) and redirected (600) before we look at them.
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.hosts.AllowedHostsMiddleware": 50,
    "crawler.middlewares.stored.StoredDocumentsMiddleware": 60,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    "crawler.middlewares.tls.TlsFallbackMiddleware": 555,  # sees a broken certificate first
    "crawler.middlewares.conditional.ConditionalRequestMiddleware": 560,
    "crawler.middlewares.warmup.WarmUpMiddleware": 579,
    "crawler.middlewares.redirects.JsRedirectMiddleware": 581,
    "crawler.middlewares.challenge.ChallengeMiddleware": 583,
    "crawler.middlewares.encoding.EncodingRepairMiddleware": 585,
    "crawler.middlewares.redirects.CookieGateMiddleware": 610,
    # Scrapy's cookie jar, but with the bundled Public Suffix List (never downloaded)
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.middlewares.cookies.OfflineCookiesMiddleware": 700,
}
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
EXTENSIONS = {
    "crawler.crawl_lock.CrawlLock": -10,  # first: nothing is written to a held archive
    "crawler.throttle.PoliteThrottle": 0,
    "crawler.extensions.CrawlRecorder": 0,
    "crawler.extensions.QuietLogs": 0,
    "crawler.progress.ProgressLine": 0,
}

# --- JavaScript pages: scrapy-playwright with Debian's Chromium, as a renderer only ----------
# Chromium never touches the network: every request of a rendered page is fetched by Scrapy
# (with every rule above) or aborted (crawler/browser.py). Its proxy leads nowhere (the discard
# port), so that its own traffic — updates, metrics, safe browsing — is refused on the spot.
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser.BrowserDownloadHandler",
    "https": "crawler.browser.BrowserDownloadHandler",
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "proxy": {"server": "http://127.0.0.1:9"},
    "args": [
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-breakpad",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--metrics-recording-only",
        "--no-pings",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    ],
    "timeout": 30_000,
}
# A rendered page's requests wait their turn in the host's slot (1 s apart, or its Crawl-delay):
# a page with a dozen scripts and calls takes tens of seconds.
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 120_000
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
NIANBAO_BROWSER_CACHE_ENTRIES = 256  # scripts kept for the next rendered page of the crawl

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
