"""Settings module of benchmarks/bare_spider.py (SCRAPY_SETTINGS_MODULE=bare_settings).

Scrapy's defaults, not newscrawl's: no pipelines, no seen-store, no custom
feed storage or log formatter. benchmarks/crawl.py passes the politeness and
concurrency settings on the command line, the same for both spiders.
"""

BOT_NAME = "bare"
TELNETCONSOLE_ENABLED = False  # as in newscrawl.settings
FEED_EXPORT_ENCODING = "utf-8"
