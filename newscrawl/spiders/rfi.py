"""RFI (www.rfi.fr): the site base and one small data-only class per edition.

Edition codes, BCP 47 tags and section slugs come from SITE-NOTES §2.
"""

from __future__ import annotations

from typing import ClassVar

from newscrawl.spiders.fmm import FmmSpider


class RfiSpider(FmmSpider):
    """Editions of www.rfi.fr: one host, paths prefixed by the edition code."""

    site = "rfi"
    public_origin = "https://www.rfi.fr"
    host_aliases: ClassVar[frozenset[str]] = frozenset({"rfi.fr", "amp.rfi.fr"})

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "edition" in cls.__dict__ and "path_prefix" not in cls.__dict__:
            cls.path_prefix = f"/{cls.edition}"


class RfiCnSpider(RfiSpider):
    """RFI in simplified Chinese (www.rfi.fr/cn/)."""

    name = "rfi_cn"
    edition = "cn"
    language = "zh-Hans"
    # main navigation, then sections seen in article URLs (欧洲 in the seed, 非洲, 中东)
    sections = ("中国", "法国", "港澳台", "亚洲", "美洲", "非洲", "欧洲", "中东")
    # tags, live page
    non_article_segments = FmmSpider.non_article_segments | {"关键词", "直播"}
