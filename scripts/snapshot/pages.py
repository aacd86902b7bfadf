"""The FMM page templates (head, header/footer hooks, cards, article page, listings, archives, feeds, sitemaps).

Transcribed line by line from the real FMM-CMS excerpts in tests/fixtures/real-pages/ (MCD article page, rfi.fr/es
listing cards and head) and SITE-NOTES.md; parameterized by the edition (snapshot/editions.py). The rfi_cn pages
generated with these templates are byte-identical to those of the first, cn-only generator.
"""

# The HTML templates below are transcribed line by line from the real FMM markup (long runs of indentation):
# ruff: noqa: E501

from __future__ import annotations

import hashlib
import json
from email.utils import format_datetime
from urllib.parse import quote

from snapshot.common import (
    CARD_WIDTHS,
    PLACEHOLDER_GIF,
    TEMPLATES,
    collapse,
    enc,
    esc,
    esc_html_attr,
    esc_xml,
    parse_utc,
    shown_date,
)
from snapshot.editions import Edition
from snapshot.model import Article, body_page_html, expected_body, reading_minutes

DIDOMI = """                                    <script type="text/javascript">
    window.didomiConfig={languages:{enabled:['@LANG@'],default:'@LANG@'},};

    window.gdprAppliesGlobally=true;
    (function(){function a(e){if(!window.frames[e]){if(document.body&&document.body.firstChild){var t=document.body;var n=document.createElement("iframe");n.style.display="none";n.name=e;n.title=e;t.insertBefore(n,t.firstChild)}
    else{setTimeout(function(){a(e)},5)}}}function e(n,r,o,c,s){function e(e,t,n,a){if(typeof n!=="function"){return}if(!window[r]){window[r]=[]}var i=false;if(s){i=s(e,t,n)}if(!i){window[r].push({command:e,parameter:t,callback:n,version:a})}}e.stub=true;function t(a){if(!window[n]||window[n].stub!==true){return}if(!a.data){return}
        var i=typeof a.data==="string";var e;try{e=i?JSON.parse(a.data):a.data}catch(t){return}if(e[o]){var r=e[o];window[n](r.command,r.parameter,function(e,t){var n={};n[c]={returnValue:e,success:t,callId:r.callId};a.source.postMessage(i?JSON.stringify(n):n,"*")},r.version)}}
        if(typeof window[n]!=="function"){window[n]=e;if(window.addEventListener){window.addEventListener("message",t,false)}else{window.attachEvent("onmessage",t)}}}e("__tcfapi","__tcfapiBuffer","__tcfapiCall","__tcfapiReturn");a("__tcfapiLocator");(function(e){
        var t=document.createElement("script");t.id="spcloader";t.type="text/javascript";t.async=true;t.src="https://sdk.privacy-center.org/"+e+"/loader.js?target="+document.location.hostname;t.charset="utf-8";var n=document.getElementsByTagName("script")[0];n.parentNode.insertBefore(t,n)})("495f718a-9d29-4830-96dc-6035928a6362")})();
</script>
"""

FONTS = """            <link rel="preload" href="/build/fonts/Roboto-Light.44399015b00e7502bd170766313ec250.woff2" as="font" type="font/woff2" crossorigin="anonymous">
        <link rel="preload" href="/build/fonts/Roboto-Bold.0e19e78300e4c59a6a870a571201ea62.woff2" as="font" type="font/woff2" crossorigin="anonymous">
        <link rel="preload" href="/build/fonts/Roboto-Regular.91c246eb7465283afb63aad6bd11b62a.woff2" as="font" type="font/woff2" crossorigin="anonymous">
        <link rel="preload" href="/build/fonts/Roboto-Black.2e8becfcae330421664b6806b872080f.woff2" as="font" type="font/woff2" crossorigin="anonymous">
"""


class Pages:
    """The FMM page templates, for one edition. Subclasses supply the articles and the edition's own parts."""

    def __init__(self, ed: Edition, labels: dict[str, str]):
        self.ed = ed
        self.L = labels
        self.articles: dict[str, Article] = {}
        self.listed: list[str] = []
        self.app_badges = (TEMPLATES / "self_promo_app_badges.html").read_text(encoding="utf-8")

    def public_url(self, path: str) -> str:
        return self.ed.base + enc(path)

    def tag_path(self, tag: str) -> str:
        raise NotImplementedError

    def header(self) -> str:
        raise NotImplementedError

    def footer(self) -> str:
        raise NotImplementedError

    def jsonld_extra(self) -> tuple[list[str], str]:
        """(alternateName, ethicsPolicy URL) of the homepage JSON-LD."""
        raise NotImplementedError

    def related_stems(self, art: Article) -> list[str]:
        return art.related

    def related_fallback_ok(self, art: Article) -> bool:
        """Whether ``art`` may relate to a non-listed article (no other listed article exists)."""
        return False

    def latest_stems(self, art: Article) -> list[str]:
        raise NotImplementedError

    # ---- head
    def head(
        self,
        *,
        title: str,
        url: str,
        description: str,
        og_type: str,
        css: list[str],
        keywords: str,
        og_title: str | None = None,
        og_image: str | None = None,
        jsonld: bool = False,
    ) -> str:
        ed = self.ed
        site = ed.site
        metas = [
            ("property", "og:url", url),
            ("property", "og:title", og_title or title),
            ("property", "og:type", og_type),
            ("property", "og:locale", ed.og_locale),
            ("property", "og:site_name", self.site_name),
            ("property", "og:image", og_image or site.og_image)
            if (og_image or og_type == "website")
            else None,
            ("property", "fb:app_id", site.fb_app_id),
            ("name", "description", description),
            ("name", "twitter:card", "summary_large_image" if og_type == "article" else "summary"),
            ("name", "twitter:site", "@" + ed.twitter),
            ("name", "twitter:creator", "@" + ed.twitter),
            ("name", "keywords", keywords),
            ("name", "apple-mobile-web-app-title", site.app_name),
            ("name", "application-name", site.app_name),
            ("name", "msapplication-TileColor", site.tile_color),
            ("name", "theme-color", "#ffffff"),
        ]
        lines = [
            "<!DOCTYPE html>",
            f'<html dir="{ed.dir}" lang="{ed.page_lang}">',
            "    <head>",
            '        <meta charset="UTF-8" />',
            '        <meta name="viewport" content="width=device-width, initial-scale=1">',
            f"        <title>{esc(title)}</title>",
        ]
        for meta in metas:
            if meta is None:
                continue
            kind, key, value = meta
            lines.append(
                f'                                            <meta {kind}="{key}" content="{esc(value)}">'
            )
        lines.append('                            <meta name="apple-mobile-web-app-capable" content="yes">')
        lines.append("")
        out = "\n".join(lines) + "\n" + DIDOMI.replace("@LANG@", ed.didomi)
        if jsonld:
            out += (
                '                    \n            <script type="application/ld+json">\n            '
                + self.jsonld()
                + "\n        </script>\n"
            )
        out += '                \n                            <link rel="preconnect" href="https://tms.fmm.io" crossorigin/>\n'
        out += f'                            <link rel="preconnect" href="{site.img_origin}" crossorigin/>\n'
        hashes = self.build_hashes
        for i, name in enumerate(css):
            href = f"/build/css/{name}--{ed.css_lang}.{hashes[name]}.css"
            if i == 0:
                out += (
                    '                \n                                    <link type="text/css" rel="preload" as="style" '
                    f'onload="this.rel=\'stylesheet\'" href="{href}">\n                \n\n'
                )
                out += FONTS + "    \n\n"
            else:
                out += f'            <link rel="preload" href="{href}" as="style" onload="this.rel=\'stylesheet\'">\n    \n\n'
        out += "            \n            \n\n"
        for lang, href in ed.hreflang:
            out += f'    <link rel="alternate" hreflang="{lang}" href="{href}"/>\n'
        out += "    </head>\n"
        return out

    def jsonld(self) -> str:
        site = self.ed.site
        home = self.ed.base + self.ed.home_path
        alternate_names, ethics = self.jsonld_extra()
        org = {
            "@type": "NewsMediaOrganization",
            "name": site.brand,
            "alternateName": alternate_names,
            "url": home,
            "ethicsPolicy": ethics,
            "logo": {
                "@type": "ImageObject",
                "url": site.jsonld_publisher,
                "contentUrl": site.jsonld_publisher,
                "width": 800,
                "height": 800,
            },
            "sameAs": [
                "https://twitter.com/" + self.ed.twitter,
                site.linkedin,
            ],
        }
        doc = [
            {
                "@context": "http://schema.org",
                "@type": "WebSite",
                "name": site.brand,
                "alternateName": alternate_names,
                "url": home,
                "description": self.description,
                "publisher": org,
            }
        ]
        return json.dumps(doc, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")

    # ---- cards (rfi.fr/es list items excerpt; MCD related aside)
    def card_picture(self, art: Article, loading: str) -> str:
        webp = ",".join(f"{art.img_url(w, 'webp')} {w}w" for w in CARD_WIDTHS)
        jpg = ",".join(f"{art.img_url(w)} {w}w" for w in CARD_WIDTHS)
        sizes = "(max-width: 639px) calc(37vw - 32px), (max-width: 1023px) calc(50vw - 36px), (min-width: 1024px) 306px"
        return f"""

<figure class="m-figure m-figure--16x9">    
        <picture>
            <source
            type="image/webp"
            srcset="{webp}"
            sizes="{sizes}"
        />
    
    <img
        fetchpriority="low" src="{art.img_url(480)}" alt="{esc(art.image["alt"])}" srcset="{jpg}"
         sizes="{sizes}"
                     width="480"
             height="270"
        
         loading="{loading}"
         class="m-figure__img lazy"
    />
</picture>
    </figure>
"""

    def card(
        self,
        *,
        href: str,
        title: str,
        kicker: str | None = None,
        marker: str | None = None,
        art: Article | None = None,
        loading: str = "lazy",
        cols: str = "l-d-50",
        with_image: bool = True,
    ) -> str:
        has_image = bool(with_image and art is not None and art.image)
        modifier = "  " if has_image else "  m-item-list-article--no-image"
        figure = ""
        if has_image:
            figure = (
                "                                                                                                                "
                f'<a href="{esc(href)}" data-article-item-link class="article__figure-wrapper" aria-hidden="true" tabindex="-1">\n'
                + self.card_picture(art, loading)
                + "                    </a>\n"
            )
        tag = ""
        if kicker:
            tag = f'                <div class="a-tag"><span class="a-tag__wrapper ">{esc(kicker)}</span></div>\n'
        mark = ""
        if marker == "video":
            mark = '<span class="article__type a-svg a-svg--picto-camera"></span>'
        elif marker == "audio":
            mark = '<span class="article__type a-svg a-svg--picto-headphones"></span>'
        return f"""<div class="o-layout-list__item l-m-100 l-t-50 {cols}">
                                            
                
    <div
        class="m-item-list-article{modifier}"
        data-article-list
    >
        <div class="m-item-list-article__wrapper">
                                    
                                        
{figure}                                                            <div class="article__infos">
{tag}                                    
                                                    <div class="article__title ">{mark}<a href="{esc(href)}" data-article-item-link>
                            <h2>{esc(title)}</h2>
                        </a></div>
                            </div>
        </div>
            </div>
                    </div>"""

    def layout_list(self, cards: list[str], extra_class: str = "") -> str:
        return f'\n<div class="o-layout-list{extra_class}">\n    \n    ' + "".join(cards) + "\n    </div>\n"

    def aside(self, title: str, cards: list[str], modifiers: str, without_images: bool) -> str:
        return f"""




<aside
    data-org-name=""
    data-org-type=""
    class="o-aside-content {modifiers}">
    <div class="o-aside-content__row o-aside-content__row--center">
            <div class="o-aside-content__title a-aside-title" role="heading" aria-level="2"><span class="a-aside-title__content">{esc(title)}</span></div>
                    </div>
                
        
{self.layout_list(cards, "  o-layout-list--without-images" if without_images else "")}
                </aside>
"""

    # ---- article page (MCD article excerpt, SITE-NOTES §1.1)
    def main_media(self, art: Article) -> str:
        im = art.image
        if not im:
            return ""
        widths = im["widths"]
        top = max(widths)
        webp = ",".join(f"{art.img_url(w, 'webp')} {w}w" for w in widths)
        jpg = ",".join(f"{art.img_url(w)} {w}w" for w in widths)
        sizes = f"(max-width: 1023px) 100vw, (min-width: 1024px) {min(top, 980)}px"
        if im["placeholder_src"]:
            src, prio, loading = PLACEHOLDER_GIF, "low", "lazy"
        else:
            src, prio, loading = art.img_url(top), "high", "eager"
        legends = f'<span class="a-media-legend">{esc(im["caption"])}</span>'
        if im.get("credit"):
            legends += f'                <span class="a-media-legend">{esc(im["credit"])}</span>'
        return f"""                                                        <div class="t-content__main-media">
                                                                                                                                                                                        


<figure class="m-figure m-figure--16x9">    
        <picture>
            <source
            type="image/webp"
            srcset="{webp}"
            sizes="{sizes}"
        />
    
    <img
                    fetchpriority="{prio}" src="{src}" alt="{esc(im["alt"])}" srcset="{jpg}"
         sizes="{sizes}"
                     width="{top}"
             height="{int(top * 9 / 16)}"
        
         loading="{loading}"
         class="m-figure__img lazy"
    />
</picture>
                        <figcaption class="m-figure__caption">
                {legends}            </figcaption>
            </figure>
                                                                        </div>
"""

    def authors_html(self, art: Article) -> str:
        parts = []
        for a in art.authors:
            if a.get("href"):
                name = f'<a href="{esc(a["href"])}" class="m-from-author__name" title="{esc(a.get("title", a["name"]))}">{esc(a["name"])}</a>'
            else:
                name = f"""<span class="m-from-author__name">
                        {esc(a["name"])}
                    </span>"""
            parts.append(f"""                                        <div class="m-from-author">
                     <span class="m-from-author__by-label">
                {esc(self.L["by"])}
             </span>
                                                                {name}
                
                
                                        </div>
""")
        return f"""                    <div class="t-content__authors-tts">
                <div class="m-author-n-reading-time">
                    <div class="m-author-n-reading-time__authors">
{"".join(parts)}                                                            </div>
                    </div>
        </div>
"""

    def dates_html(self, art: Article) -> str:
        spans = (
            f'<span class="m-pub-dates__date">{esc(self.L["published"])} <time datetime="{art.published}" '
            f'pubdate="pubdate">{shown_date(art.published)}</time></span>'
        )
        if art.modified:
            spans += (
                f' <span class="m-pub-dates__date">{esc(self.L["modified"])} <time datetime="{art.modified}">'
                f"{shown_date(art.modified)}</time></span>"
            )
        return spans

    def share_html(self, art: Article) -> str:
        ed = self.ed
        short = f"https://{ed.site.short_domain}/{art.short}"
        t = quote(art.title, safe="")
        fb = (
            f"https://www.facebook.com/dialog/share?app_id={ed.site.fb_app_id}&amp;href={quote(short + '.F', safe='')}"
            f"&amp;redirect_uri={quote(art.url, safe='')}&amp;locale={ed.og_locale}"
        )
        wa_text = quote(f"{art.title} - {short}.W", safe="")
        x = (
            f"https://x.com/intent/tweet?url={quote(short + '.X', safe='')}&amp;via={ed.twitter}"
            f"&amp;related={ed.twitter}&amp;text={t}&amp;lang={ed.x_lang}"
        )
        x_label = esc_html_attr(ed.x_label)
        return f"""                <div class="t-content__shares t-content__shares--has-label">
        
    <div class="a-share-bar-label">{esc(self.L["share"])}</div>

    <div class="m-share-bar">
                                                        <a href="{fb}" class="m-share-bar__link a-picto-social" target="_blank" rel="noopener nofollow" aria-label="Facebook">
                        <span class="a-svg a-svg--picto-social-facebook"></span>
                    </a>
                                                                                    <a href="whatsapp://send?text={wa_text}" class="m-share-bar__link m-share-bar__link--mobile a-picto-social" target="_blank" rel="noopener nofollow" aria-label="WhatsApp">
                        <span class="a-svg a-svg--picto-social-whatsapp"></span>
                    </a>
                                            <a href="https://web.whatsapp.com/send?text={wa_text}" class="m-share-bar__link m-share-bar__link--desktop a-picto-social" target="_blank" rel="noopener nofollow" aria-label="WhatsApp">
                            <span class="a-svg a-svg--picto-social-whatsapp"></span>
                        </a>
                                                                                                        <a href="{x}" class="m-share-bar__link a-picto-social" target="_blank" rel="noopener nofollow" aria-label="{x_label}">
                        <span class="a-svg a-svg--picto-social-twitter-x"></span>
                    </a>
                                                                                                                    
                    <span class="m-share-bar__link" data-root-share>
                <share-button v-on:open="openModal"></share-button>
                <share-modal v-if="displayModal" v-on:close="closeModal"></share-modal>
            </span>
        
        
            </div>
    </div>
"""

    def tags_html(self, art: Article) -> str:
        items = "".join(
            f"""<li class="m-tags-list__tag">
                <a href="{enc(self.tag_path(tag))}" class="a-hot-tag" title="{esc_html_attr(tag)}">{esc(tag)}</a>
            </li>"""
            for tag in art.tags
        )
        return f"""                                <div class="t-content__tags">
                                <div class="t-content__tags__title">{esc(self.L["tags"])}</div>
        <ul class="m-tags-list">
        {items}    </ul>
                    </div>
"""

    def related_html(self, art: Article) -> str:
        cards = []
        for stem in self.related_stems(art):
            if stem == art.stem:
                raise ValueError(f"{art.stem}: related to itself")
            if stem not in self.listed and not self.related_fallback_ok(art):
                raise ValueError(f"{art.stem}: related {stem} must be a section-listed article")
            other = self.articles[stem]
            cards.append(
                self.card(
                    href=other.href,
                    title=other.title,
                    kicker=other.kicker,
                    marker=other.media_type,
                    art=other,
                    cols="l-d-33",
                    with_image=False,
                )
            )
        lo, hi = self.related_range
        if not lo <= len(cards) <= hi:
            raise ValueError(f"{art.stem}: {lo}-{hi} related cards expected")
        if not cards:
            return ""
        return (
            '                                                <div class="t-content__related">\n                        '
            + self.aside(self.L["related"], cards, " o-aside-content--related", True)
            + "                    </div>\n"
        )

    def list_content_html(self, art: Article) -> str:
        picks = self.latest_stems(art)
        if any(s not in self.listed or s == art.stem for s in picks):
            raise ValueError("latest aside: only other section-listed articles")
        if not picks:
            return ""
        cards = [
            self.card(
                href=self.articles[s].href, title=self.articles[s].title, art=self.articles[s], cols="l-d-33"
            )
            for s in picks
        ]
        return (
            '        <div class="t-content__list-content">\n'
            + self.aside(
                self.L["latest"],
                cards,
                "o-aside-content--overflow-background o-aside-content--related",
                False,
            )
            + "        </div>\n"
        )

    def article_page(self, art: Article) -> str:
        L = {k: esc(v) for k, v in self.L.items()}
        head = self.head(
            title=f"{art.title} - {self.site_name}",
            og_title=art.title,
            url=art.url,
            description=art.lead,
            og_type="article",
            css=["article"],
            keywords=",".join(art.tags),
            og_image=art.image_url,
        )
        body_html = body_page_html(art, self.articles)
        minutes = reading_minutes(art, self.articles)
        return (
            head
            + self.header()
            + f"""<div class="t-content t-content--article" id="main-content" tabindex="-1">
                        
            <nav class="m-breadcrumb">
    <ol class="m-breadcrumb__list">
                    <li class="m-breadcrumb__list__item">                                        <a href="{self.ed.home_path}"
                       class="m-breadcrumb__list__item__link a-svg a-svg--picto-home" aria-label="{L["home"]}">{L["home"]}</a></li>
                    <li class="m-breadcrumb__list__item"><span class="m-breadcrumb__list__item__separator">/</span>                                        <a href="{esc(art.section_path)}"
                       class="m-breadcrumb__list__item__link">{esc(art.section_name)}</a></li>
            </ol>
</nav>
    
    
        <article class="t-content__article-wrapper" data-article-content>
            
                    <h1 class="t-content__title a-page-title">{esc(art.title)}</h1>
    
            <p class="t-content__chapo">
                        {esc(art.lead_raw)}        </p>
    
    
                        <div class="t-content__dates t-content__dates--reading-time">
                <p class="m-pub-dates">{self.dates_html(art)}</p>

    <div class="a-reading-time">
        <span class="a-svg a-svg--picto-clock" title="{L["reading_time"]}"></span> {minutes} {L["minutes"]}</div>
            </div>
            
    
{self.main_media(art)}                            
    
{self.authors_html(art)}            
                                    <div class="t-content__body u-clearfix">
                    <div class="m-interstitial">
    <div data-readmore-target class="m-interstitial__ad">
            <div
        class="m-block-ad "
        data-tms-ad-type="box"
        data-tms-ad-status="idle"
        data-tms-ad-pos="1"
    >
        <div class="m-block-ad__label m-block-ad__label--report-enabled">
            <span class="m-block-ad__label__text">{L["ad"]}</span>
                        <button title="{L["ad_report"]}" class="m-block-ad__label__report-link" rel="noopener" data-tms-ad-report><span class="a-svg a-svg--picto-report-ad"></span></button>
                    </div>
        <div class="m-block-ad__content">
        </div>
    </div>
    </div>
        <button data-readmore-unlocker class="m-interstitial__unlock-btn">
        <span class="m-interstitial__unlock-btn__text">{L["read_more"]}
            <span class="a-svg a-svg--picto-chevron-bottom-small"></span>
        </span>
    </button>
    </div>
                                            {body_html}
                                                                <div class="o-self-promo o-self-promo--nl o-self-promo--hidden" data-selfpromo-newsletter>
    <div class="o-self-promo-wrapper">
        <p class="o-self-promo__text"><strong>{L["nl_title"]}</strong>{L["nl_text"]}</p>
        <span class="o-self-promo__picto-newsletter a-svg a-svg--picto-newsletter"></span>
        <a href="{self.ed.emailing}" target="_blank" rel="noopener" class="o-self-promo__link o-self-promo__link--newsletter">{L["nl_subscribe"]}<span class="a-arrow"></span></a>
    </div>
</div>
    <div class="o-self-promo o-self-promo--app o-self-promo--hidden" data-selfpromo-app>
    <div class="o-self-promo-wrapper">
        <span class="o-self-promo__logo a-svg a-svg--{self.ed.site.logo}"></span>
        <p class="o-self-promo__text">{L["app_text"]}</p>
{self.app_badges}    </div>
</div>
                </div>
            
            
                    
                    
{self.share_html(art)}
{self.tags_html(art)}                            
{self.related_html(art)}                                        </article>
        <div class="o-ad-container o-ad-container--outbrain" data-tms-ad-type="post-article">
        </div>
{self.list_content_html(art)}    </div>
"""
            + self.footer()
        )

    # ---- listing pages
    def listing_page(
        self,
        *,
        path: str,
        title: str,
        description: str,
        heading: str | None,
        cards: list[str],
        jsonld: bool = False,
        intro: str | None = None,
    ) -> str:
        head = self.head(
            title=title,
            url=self.public_url(path),
            description=description,
            og_type="website",
            css=["root", "page-builder"],
            keywords=self.keywords,
            jsonld=jsonld,
        )
        master = ""
        if heading:
            master = (
                '            <div class="o-pb-masterhead">\n'
                f'                <h1 class="o-pb-masterhead__title">{esc(heading)}</h1>\n'
                "            </div>\n"
            )
        intro_html = f"            <p>{esc(intro)}</p>\n" if intro else ""
        lst = self.layout_list(cards) if cards else ""
        return (
            head
            + self.header()
            + (
                '        <main id="main-content" tabindex="-1">\n'
                + master
                + intro_html
                + lst
                + "        </main>\n"
            )
            + self.footer()
        )

    # ---- feeds
    def rss(self, items: list[tuple[Article, str]]) -> str:
        """RSS 2.0 channel; ``items`` are (article, link), written newest first."""
        ed = self.ed
        home = ed.base + ed.home_path
        out = []
        dates = []
        for art, link in sorted(items, key=lambda i: i[0].published, reverse=True):
            pub = parse_utc(art.published)
            dates.append(pub)
            thumb = ""
            if art.image:
                thumb = (
                    f'\n      <media:thumbnail url="{esc_xml(art.img_url(720))}" width="720" height="405"/>'
                )
            out.append(f"""    <item>
      <title>{esc_xml(art.title)}</title>
      <link>{esc_xml(link)}</link>
      <description>{esc_xml(art.lead)}</description>
      <category>{esc_xml(art.section_name)}</category>
      <dc:creator>{esc_xml(", ".join(a["name"] for a in art.authors))}</dc:creator>
      <pubDate>{format_datetime(pub, usegmt=True)}</pubDate>
      <guid isPermaLink="true">{esc_xml(art.url)}</guid>{thumb}
    </item>""")
        build = format_datetime(max(dates), usegmt=True)
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{esc_xml(self.site_name)}</title>
    <link>{home}</link>
    <description>{esc_xml(self.description)}</description>
    <language>{ed.rss_language}</language>
    <copyright>Copyright {ed.site.brand} 2024</copyright>
    <lastBuildDate>{build}</lastBuildDate>
    <atom:link href="{ed.base}{enc(ed.prefix)}/rss" rel="self" type="application/rss+xml"/>
    <image>
      <url>{ed.site.og_image}</url>
      <title>{esc_xml(self.site_name)}</title>
      <link>{home}</link>
    </image>
{chr(10).join(out)}
  </channel>
</rss>
"""

    def news_sitemap(self, items: list[tuple[Article, str]]) -> str:
        """Google News sitemap; ``items`` are (article, loc), written newest first."""
        urls = []
        for art, loc in sorted(items, key=lambda i: i[0].published, reverse=True):
            image = ""
            if art.image:
                image = f"""
    <image:image>
      <image:loc>{esc_xml(art.image_url)}</image:loc>
      <image:caption>{esc_xml(art.image["caption"])}</image:caption>
    </image:image>"""
            urls.append(f"""  <url>
    <loc>{esc_xml(loc)}</loc>
    <lastmod>{art.lastmod}</lastmod>
    <news:news>
      <news:publication>
        <news:name>{esc_xml(self.ed.site.brand)}</news:name>
        <news:language>{self.ed.news_language}</news:language>
      </news:publication>
      <news:publication_date>{art.published}</news:publication_date>
      <news:title>{esc_xml(art.title)}</news:title>
      <news:keywords>{esc_xml(", ".join(art.tags))}</news:keywords>
    </news:news>{image}
  </url>""")
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
{chr(10).join(urls)}
</urlset>
"""

    @staticmethod
    def urlset(entries: list[tuple[str, str]]) -> str:
        """A plain sitemap (monthly ``contents_YYYYMM.xml``, ``tags.xml``): (loc, lastmod) pairs."""
        urls = "".join(
            f"  <url>\n    <loc>{esc_xml(loc)}</loc>\n    <lastmod>{lastmod}</lastmod>\n  </url>\n"
            for loc, lastmod in entries
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n"
        )

    @staticmethod
    def sitemap_index(children: list[tuple[str, str]]) -> str:
        maps = "".join(
            f"  <sitemap>\n    <loc>{esc_xml(loc)}</loc>\n    <lastmod>{lastmod}</lastmod>\n  </sitemap>\n"
            for loc, lastmod in children
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + maps
            + "</sitemapindex>\n"
        )

    # ---- daily archive page (SITE-NOTES §3.2: main div.o-archive-day ul.o-archive-day__list li a.a-archive-link)
    def archive_page(self, *, path: str, title: str, heading: str, articles: list[Article]) -> str:
        head = self.head(
            title=title,
            url=self.public_url(path),
            description=heading,
            og_type="website",
            css=["root", "page-builder"],
            keywords=self.keywords,
        )
        entries = "".join(
            f'                <li class="o-archive-day__list__entry"><a class="a-archive-link" href="{esc(a.href)}">'
            f"{esc(a.title)}</a></li>\n"
            for a in articles
        )
        return (
            head
            + self.header()
            + "        <main>\n"
            + '            <div class="o-archive-day">\n'
            + f'                <h1 class="o-archive-day__title">{esc(heading)}</h1>\n'
            + '                <ul class="o-archive-day__list">\n'
            + entries
            + "                </ul>\n"
            + "            </div>\n"
            + "        </main>\n"
            + self.footer()
        )

    # ---- expected JSON
    def expected(self, art: Article, sources: list[str]) -> dict:
        body, body_html = expected_body(art, self.articles)
        image = None
        if art.image:
            image = {
                "url": art.image_url,
                "caption": collapse(art.image["caption"]),
                "credit": collapse(art.image["credit"]) if art.image.get("credit") else None,
            }
        return {
            "url": art.url,
            "page": art.page,
            "sources": sources,
            "expected": {
                "url": art.url,
                "title": art.title,
                "lead": art.lead,
                "body": body,
                "body_html": body_html,
                "authors": [collapse(a["name"]) for a in art.authors],
                "published": art.published,
                "modified": art.modified,
                "section": art.section_name,
                "tags": list(art.tags),
                "image": image,
                "content_hash": hashlib.sha256(body.encode("utf-8")).hexdigest(),
            },
        }
