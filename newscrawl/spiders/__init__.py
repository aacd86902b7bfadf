"""Spiders. Bases (fmm.FmmSpider, rfi.RfiSpider) have no name, so `scrapy list` shows only real editions."""
