"""Scrapy settings of newscrawl: only deviations from Scrapy's defaults, grouped.

Every NEWSCRAWL_* setting is documented in docs/settings.md.
"""

from scrapy.settings.default_settings import EXTENSIONS_BASE as _SCRAPY_EXTENSIONS_BASE

from newscrawl.items import FIELD_NAMES

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
# `scrapy crawl` exits 3 when a job ends for one of NEWSCRAWL_FAILING_FINISH_REASONS
COMMANDS_MODULE = "newscrawl.commands"

# Identification: the User-Agent is "newscrawl/<version> (+<NEWSCRAWL_CONTACT_URL>)".
# Set the contact to a page or mailto: where the site's operators can reach you.
# Setting USER_AGENT yourself overrides the whole string.
NEWSCRAWL_CONTACT_URL = ""

# Politeness for the live sites. All RFI editions live on www.rfi.fr, so one
# per-host budget covers them. Offline runs against a local snapshot may
# switch the delay and AutoThrottle off explicitly (see README).
ROBOTSTXT_OBEY = True
# No request to an origin leaves before its robots.txt is parsed; an unreachable one (5xx,
# timeout) disallows the origin for the job (newscrawl/robots.py). Checked again after this long.
NEWSCRAWL_ORIGIN_MAX_AGE = 86400.0

# Rights and provenance (newscrawl/rights.py, docs/rights.md): each origin's robots.txt and
# /.well-known/tdmrep.json kept with the job, TDMRep fields and meta tags read per page, a
# `rights` object per item and a <feed>.rights.json beside each local feed.
# record (default) | enforce (reserved URLs not fetched, reserved items dropped, no browser) | off
NEWSCRAWL_RIGHTS_MODE = "record"
# robots.txt is evaluated for these user agents too (items' rights.robots_disallows)
NEWSCRAWL_RIGHTS_AI_AGENTS = [
    "GPTBot",
    "ChatGPT-User",
    "CCBot",
    "Google-Extended",
    "ClaudeBot",
    "anthropic-ai",
    "PerplexityBot",
    "Bytespider",
    "Applebot-Extended",
    "meta-externalagent",
    "cohere-ai",
]
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay drawn from 0.5 to 1.5 times DOWNLOAD_DELAY
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2

# Faults: retries honour Retry-After (capped at NEWSCRAWL_RETRY_AFTER_MAX seconds); no
# crawl goes deeper than listing -> article, or sitemap index -> monthly map -> article,
# so a link trap cannot run away.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawl.rights.RightsGateMiddleware": 100,
    "newscrawl.middlewares.RetryAfterMiddleware": 550,
    "newscrawl.middlewares.RedirectGuardMiddleware": 650,
}
NEWSCRAWL_RETRY_AFTER_MAX = 60.0
DEPTH_LIMIT = 4
NEWSCRAWL_MIN_DATE = "1990-01-01"

# Size caps: article pages are ~100-400 KB; anything above 10 MB is not one.
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024

# Each article response yields one item: Scrapy's default of 100 parallel slots per
# response's output costs 100 asyncio tasks per page (a third of a crawl's CPU on a fast
# source) for nothing. Items of different responses are still processed concurrently.
CONCURRENT_ITEMS = 1

# Pipelines, in this order: URL cleaning, dedup, body cleaning, validation.
ITEM_PIPELINES = {
    "newscrawl.pipelines.urls.CleanUrlPipeline": 100,
    "newscrawl.pipelines.dedup.DropDuplicateUrlsPipeline": 200,
    "newscrawl.pipelines.cleaning.CleanBodyPipeline": 300,
    "newscrawl.coverage.FieldCoveragePipeline": 800,
    "newscrawl.pipelines.validation.ValidateArticlePipeline": 900,
}
# Page parsing and body cleaning run in worker processes (newscrawl/parsepool.py), so the
# crawl process only downloads, schedules and writes: 0 parses in the crawl process.
NEWSCRAWL_PARSE_WORKERS = 1
NEWSCRAWL_PARSE_TIMEOUT = 60.0  # seconds one page may take; its worker is then killed
# Article links wait in the spider (a tuple each) and are handed to Scrapy's scheduler as
# requests finish, at most this many out at once: memory stays flat however large the
# listings (docs/performance.md). With JOBDIR the waiting links are kept across a pause.
NEWSCRAWL_ARTICLES_IN_FLIGHT = 100
NEWSCRAWL_URL_CLEANING_ENABLED = True
NEWSCRAWL_DEDUP_ENABLED = True

# Output: unless -o/-O or FEEDS name other files, each run writes one JSON Lines
# file here (UTF-8, keys in the item's field order); "" writes none. Placeholders
# are those of FEEDS: %(name)s is the spider, %(time)s the UTC start time.
NEWSCRAWL_FEED_URI = "output/%(name)s/%(time)s.jsonl"
# Under Scrapyd (SCRAPY_JOB set) the job id is part of the name: concurrent jobs never share a file.
NEWSCRAWL_SCRAPYD_FEED_URI = "output/%(name)s/%(time)s-%(job)s.jsonl"
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = list(FIELD_NAMES)
FEED_STORE_EMPTY = True

# Atomic local feed files: written under a temporary name, renamed when complete,
# and only then are their articles marked seen (newscrawl/feedstorage.py).
FEED_STORAGES = {
    "": "newscrawl.feedstorage.AtomicFileFeedStorage",
    "file": "newscrawl.feedstorage.AtomicFileFeedStorage",
}

# Incremental crawling: articles written out by earlier jobs are not fetched again.
# Unset NEWSCRAWL_SEEN_STORE: SQLite files in NEWSCRAWL_STATE_DIR (unset: ~/.local/state/newscrawl,
# or $XDG_STATE_HOME/newscrawl); redis://host:port/db: a store shared by several machines.
NEWSCRAWL_SEEN_STORE_ENABLED = True
NEWSCRAWL_SEEN_STORE = None
NEWSCRAWL_STATE_DIR = None
# Seconds after which another host's uncommitted claims are given up (0: never): a node that
# crashed between claiming and committing an output file and never came back. Its articles may
# then be written again; a healthy claim lasts milliseconds.
NEWSCRAWL_CLAIM_TIMEOUT = 3600

# Field coverage monitor (newscrawl/coverage.py): a layout change closes the job with
# reason coverage_below_threshold and `scrapy crawl` exits 3.
EXTENSIONS = {"newscrawl.coverage.FieldCoverageMonitor": 500, "newscrawl.outcome.JobOutcomeMonitor": 510}
NEWSCRAWL_COVERAGE_ENABLED = True
NEWSCRAWL_COVERAGE_MIN_ITEMS = 5
# the last N parsed articles are judged, those of the spider's earlier jobs first (state dir)
NEWSCRAWL_COVERAGE_WINDOW = 200
NEWSCRAWL_COVERAGE_CHECK_INTERVAL = 600.0
NEWSCRAWL_COVERAGE_THRESHOLDS: dict[str, float] = {}
# A job that could not do its work (newscrawl/outcome.py) ends with one of these, and `scrapy crawl`
# exits 3; a run that found nothing new ends "finished" and exits 0.
NEWSCRAWL_FAILING_FINISH_REASONS = [
    "coverage_below_threshold",
    "all_requests_failed",
    "seen_store_failed",
    "feed_store_failed",
    "robots_txt_unreachable",
    "feed_not_appendable",  # an -o JSON/XML file with content named by placeholders (feedstorage.py)
]

# Logging: dropped items are logged by URL and reason, not dumped whole.
LOG_FORMATTER = "newscrawl.logformatter.NewscrawlLogFormatter"
LOG_LEVEL = "INFO"

# No control port on a crawl: the telnet console, and Scrapy's remote-control HTTP server (it
# runs Python code sent to it and writes its token to the user's profile). The extension is
# taken out of EXTENSIONS_BASE, not just set to None (Scrapy imports every listed extension,
# and this one imports aiohttp: ~0.08 s of every run).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
EXTENSIONS_BASE = {
    path: order for path, order in _SCRAPY_EXTENSIONS_BASE.items() if not path.endswith(".RemoteControl")
}
# Scrapy's feed exporter, with each item claimed in the seen-store before the atomic feed
# storage writes it (newscrawl/feedstorage.py), in the same place among the extensions.
EXTENSIONS_BASE["newscrawl.feedstorage.FeedExporter"] = EXTENSIONS_BASE.pop(
    "scrapy.extensions.feedexport.FeedExporter"
)

# ---------------------------------------------------------------------------
# Browser rendering (newscrawl/browser.py; docs/settings.md#browser-rendering).
# Every request is plain HTTP through Scrapy's own client: scrapy-playwright's
# handler passes any request without meta "playwright" to it unchanged. Only an
# ARTICLE request that got a 403 (bot-protection challenge) or a 200 page without
# the article markup (a JavaScript shell) is fetched again, once, by headless
# Chromium; so are requests that opt in (meta newscrawl_browser=True, or every
# article of a spider with requires_js = True). Chromium starts on the first such
# request only; a crawl that never needs it starts nothing of Playwright.
NEWSCRAWL_BROWSER_ENABLED = True  # False: no browser at all, 403s are errors as before
NEWSCRAWL_CHROMIUM_PATH = "/usr/bin/chromium"  # Debian's chromium (scripts/system-deps.sh)
NEWSCRAWL_BROWSER_WAIT_TIMEOUT = 15  # seconds the browser waits for the body's paragraphs
ADDONS = {"newscrawl.browser.BrowserAddon": 0}  # executable_path <- NEWSCRAWL_CHROMIUM_PATH
# scrapy-playwright's handler, starting Playwright only at the first browser request
DOWNLOAD_HANDLERS = {
    "http": "newscrawl.browser.LazyPlaywrightDownloadHandler",
    "https": "newscrawl.browser.LazyPlaywrightDownloadHandler",
}
# After HttpCompressionMiddleware (590) and redirects (600) in the response
# order, so it sees the final, decompressed answer; before the retries (550).
DOWNLOADER_MIDDLEWARES = {**DOWNLOADER_MIDDLEWARES, "newscrawl.browser.BrowserMiddleware": 585}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": NEWSCRAWL_CHROMIUM_PATH,
    "headless": True,
    # no sandbox (runs as root in containers), no GPU; the background-networking
    # flags keep Chromium from calling Google's services; /dev/shm may be tiny in containers
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
    ],
    "timeout": 30_000,  # ms to launch
}
# Flat memory: one browser context, at most two pages open at once (the per-host
# concurrency), each closed as soon as its HTML is read.
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000  # ms, as DOWNLOAD_TIMEOUT
# Images, media, fonts and stylesheets are never downloaded: the spider reads the HTML only.
PLAYWRIGHT_ABORT_REQUEST = "newscrawl.browser.abort_request"

# `scrapy check`: contracts name sample pages by what they are (newscrawl/contracts.py) and
# their requests go to base_url: `scrapy check rfi_cn -a base_url=http://127.0.0.1:8000` checks a mirror.
SPIDER_CONTRACTS = {
    "newscrawl.contracts.EditionUrlContract": 10,
    "newscrawl.contracts.FilledContract": 20,
}
