"""Spiders. Bases (base.NewsSpider, fmm.FmmSpider, rfi.RfiSpider…) have no name: not in `scrapy list`."""
