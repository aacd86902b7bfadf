"""Body cleaning: the real seed sample, the real MCD body, and each kind of junk."""

from __future__ import annotations

import re

import pytest
from parsel import Selector

from newscrawl.utils.body import clean_body, content_hash
from tests.conftest import FIXTURES, SEED_COPY

BASE = "https://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x"

SEED_LEAD = (
    "法国总统马克龙主导于1月26日在巴黎举行支持乌克兰会议，西方20多位国家元首和首脑出席，并支持法国总统马克龙"
    "呼吁的应对俄罗斯要采取有力行动，包括不排除未来派遣西方军队的可能。请看France24报道。"
)
SEED_PARAGRAPHS = [
    "德国和波兰国家元首或政府首脑等 27 位乌克兰盟友周一在巴黎举行会议。",
    "法国总统呼吁各方强势振作，并通过保留所有选项来确保击败俄罗斯。",
    "马克龙总统指出目前还没有就以官方、公认和认可的方式就派兵实地达成共识，但作为一种可能的选项，任何事情都不应"
    "被排除在外，乌克兰的盟国将竭尽所能确保俄罗斯无法赢得这场战争。",
    "巴黎承诺生产更多的欧洲武器和弹药，并建立一个新的联盟使基辅能够进行深入打击。",
    "目前西方总共有八个支持乌克兰的联盟，而且同意加强这八个能力联盟的弹药供应，并且当成共识建立第九个联盟来进行"
    "深度打击，并且为基辅提供导弹和中远程炸弹。",
    "乌克兰方面不掉色只收到了欧盟承诺的百万炮弹的30%， 而美国的援助仍在国会受阻。",
    "也由于弹药短缺 乌克兰人不得不对俄罗斯人的进攻作出有限的反应。",
    "周一晚间包括巴黎和阿姆斯特丹在内的约 15 个国家表示准备加入布拉格发起的倡议。",
    "捷克的倡议涉及到在欧洲以外购买弹药，荷兰首相马克·吕特表示将出资 1 亿多欧元 ，并且希望其他国家也能效仿，"
    "因为在前线处于紧急状态之际 ，乌克兰急需这笔援助 。",
    "几周以来乌克兰军队在俄罗斯军队的进攻下节节败退，俄罗斯军队最近占领了要塞城镇阿夫杰耶夫卡。",
]


def seed_body_html() -> str:
    # line 1: aggregator timestamp comment, line 2: [title](url), line 3: rule, line 4: blank
    return SEED_COPY.read_text("utf-8").split("\n", 4)[4]


def test_seed_copy_is_the_shared_sample() -> None:
    from tests.conftest import SEED

    if SEED.exists():
        assert SEED.read_bytes() == SEED_COPY.read_bytes()


def test_seed_cleans_to_exactly_its_article_paragraphs() -> None:
    # The aggregator put the chapô into the body as the bold first paragraph.
    cleaned = clean_body(seed_body_html(), BASE)
    assert cleaned.text.split("\n\n") == [SEED_LEAD, *SEED_PARAGRAPHS]
    assert cleaned.html.split("\n") == [
        f"<p><strong>{SEED_LEAD}</strong></p>",
        *(f"<p>{p}</p>" for p in SEED_PARAGRAPHS),
    ]


@pytest.mark.parametrize(
    "junk",
    [
        "分享",
        "获取更多RSS",
        "feedx",
        "rfi.my",
        "27/02/2024",
        "16:08",
        "s.rfi.fr",
        "facebook",
        "whatsapp",
        "share",
    ],
)
def test_seed_junk_is_gone(junk: str) -> None:
    cleaned = clean_body(seed_body_html(), BASE)
    assert junk not in cleaned.text
    assert junk not in cleaned.html


def test_real_mcd_body_keeps_its_four_paragraphs_and_nothing_else() -> None:
    page = (FIXTURES / "real-pages" / "mcd_ar_article_20240131_excerpt.html").read_text("utf-8")
    raw = Selector(text=page).css("div.t-content__body").get()
    cleaned = clean_body(raw, "https://www.mc-doualiya.com/x")
    paragraphs = cleaned.text.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("لاسيما وأن قدرات حماس القتالية")
    assert paragraphs[-1].endswith("سيجعل عودة إسرائيل للقتال بعد ذلك صعبة للغاية.")
    for junk in ("إعلان", "اقرأ المزيد", "الرسالة الإخبارية", "اشترك", "حمل تطبيق", "svg", "emailing"):
        assert junk not in cleaned.text
        assert junk not in cleaned.html
    assert re.fullmatch(r"(<p>[^<>]+</p>\n?){4}", cleaned.html)


@pytest.mark.parametrize(
    ("raw", "text", "html"),
    [
        ("<p>\u00a0</p><p>Real.</p><p> \n\t </p>", "Real.", "<p>Real.</p>"),
        ("<p>Keep</p><script>var x = 'SCRIPT';</script><style>.a{}</style>", "Keep", "<p>Keep</p>"),
        (
            '<p>Keep</p><div class="m-embed"><iframe src="https://www.youtube.com/embed/x"></iframe></div>',
            "Keep",
            "<p>Keep</p>",
        ),
        (
            '<div class="m-interstitial"><div class="m-block-ad" data-tms-ad-type="box"><p>AD</p></div>'
            "<button data-readmore-unlocker>Lire plus</button></div><p>Keep</p>",
            "Keep",
            "<p>Keep</p>",
        ),
        (
            '<p>Keep</p><div class="o-self-promo o-self-promo--nl" data-selfpromo-newsletter>'
            '<p class="o-self-promo__text">Newsletter</p></div><div data-selfpromo-app><p>App</p></div>',
            "Keep",
            "<p>Keep</p>",
        ),
        (
            '<p>Keep</p><div class="t-content__shares"><div class="a-share-bar-label">Share :</div></div>'
            '<div class="t-content__tags"><ul class="m-tags-list"><li>Tag</li></ul></div>'
            '<div class="t-content__related"><aside><p>Related</p></aside></div>',
            "Keep",
            "<p>Keep</p>",
        ),
        (
            "<p>A  <b>bold</b>\n and <i>it</i></p>",
            "A bold and it",
            "<p>A <strong>bold</strong> and <em>it</em></p>",
        ),
        (
            '<p>See <a href="/cn/x" class="c" onclick="steal()">this</a>.</p>',
            "See this.",
            '<p>See <a href="https://www.rfi.fr/cn/x">this</a>.</p>',
        ),
        (
            '<p><a href="javascript:alert(1)">click</a> <a href="data:text/html,x">d</a></p>',
            "click d",
            "<p>click d</p>",
        ),
        (
            '<p><a href="https://www.rfi.fr/cn/y?xtor=RSS-1#top">y</a></p>',
            "y",
            '<p><a href="https://www.rfi.fr/cn/y">y</a></p>',
        ),
        ('<p onmouseover="x()" style="color:red">Attrs</p>', "Attrs", "<p>Attrs</p>"),
        ("<h2>Sub</h2><p>Para</p>", "Sub\n\nPara", "<h2>Sub</h2>\n<p>Para</p>"),
        (
            '<div class="m-em-quote"><span class="a-svg"><svg><path d="M0"/></svg></span><p>Quoted</p></div>',
            "Quoted",
            "<blockquote>Quoted</blockquote>",
        ),
        ("<blockquote><p>Q1</p></blockquote>", "Q1", "<blockquote>Q1</blockquote>"),
        (
            "<ul><li>one</li><li> </li><li>two<br>three</li></ul>",
            "one\ntwo three",
            "<ul><li>one</li><li>two<br>three</li></ul>",
        ),
        ("<p>1 &lt; 2 &amp; 3</p>", "1 < 2 & 3", "<p>1 &lt; 2 &amp; 3</p>"),
        (
            "<p>Keep<img src='x.jpg'><figure><img src='y'><figcaption>Cap</figcaption></figure></p>",
            "Keep",
            "<p>Keep</p>",
        ),
        ("", "", ""),
        ("<div>   </div>", "", ""),
    ],
)
def test_cleaning_cases(raw: str, text: str, html: str) -> None:
    cleaned = clean_body(raw, BASE)
    assert (cleaned.text, cleaned.html) == (text, html)


def test_loose_text_outside_blocks_is_counted() -> None:
    cleaned = clean_body("<div>Share :</div><p>Keep</p>", BASE)
    assert cleaned.text == "Keep"
    assert cleaned.loose_chars == len("Share :")


def test_content_hash() -> None:
    assert content_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert content_hash("") is None


def test_unclosed_paragraphs_stay_separate_blocks() -> None:
    cleaned = clean_body("<p>one<p>two <strong>bold<p>three</p> after", BASE)
    # as a browser shows it: "two bold" ends at the next <p>; " after" is a line of its own
    assert cleaned.text.split("\n\n") == ["one", "two bold", "three", "after"]
    assert cleaned.html == "<p>one</p>\n<p>two bold</p>\n<p>three</p>\n<p>after</p>"


MCD_BODY = (
    Selector(text=(FIXTURES / "real-pages" / "mcd_ar_article_20240131_excerpt.html").read_text("utf-8"))
    .css("div.t-content__body")
    .get()
)
MCD_SECOND_PARAGRAPH_END = "بدون اعتبارات سياسية.</p>"
MCD_FIRST = "لاسيما وأن قدرات حماس القتالية"
MCD_LAST = "سيجعل عودة إسرائيل للقتال بعد ذلك صعبة للغاية."

# junk a page slightly off the snapshot may carry inside its body, with a snippet of it that must not come out
OFF_SNAPSHOT_JUNK = {
    "read-also-marker-fr": (
        '<p>► À lire aussi : <a href="https://www.rfi.fr/fr/moyen-orient/20240130-gaza-x">'
        "Gaza : la trêve</a></p>",
        "la trêve",
    ),
    "read-also-label-in-strong": (
        '<p><strong>À LIRE AUSSI</strong> <a href="/fr/moyen-orient/20240130-gaza-x">Gaza : la trêve</a></p>',
        "la trêve",
    ),
    "read-also-mcd-label": (
        '<p><strong>مواضيع متعلقة:</strong> <a href="/الشرق-الأوسط/20240130-x">عنوان مقال آخر</a></p>',
        "عنوان مقال آخر",
    ),
    "read-also-two-links-en": (
        '<p>▶ Read also: <a href="/en/a/20240130-a">First story</a> | '
        '<a href="/en/a/20240130-b">Second</a></p>',
        "First story",
    ),
    "tweet-outside-m-embed": (
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Words of a tweet <a href="https://t.co/x">'
        "pic.twitter.com/x</a></p>&mdash; Someone (@someone) "
        '<a href="https://twitter.com/someone/status/1">January 31, 2024</a></blockquote>'
        '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>',
        "Words of a tweet",
    ),
    "instagram-outside-m-embed": (
        '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/x/">'
        '<div><a href="https://www.instagram.com/p/x/">View this post on Instagram</a></div></blockquote>',
        "Instagram",
    ),
    # the real page's newsletter text, outside its o-self-promo wrapper
    "newsletter-text-outside-promo": (
        '<p class="o-self-promo__text"><strong>الرسالة الإخبارية</strong>'
        "أبرز الأحداث الدولية صباح كل يوم</p>",
        "الرسالة الإخبارية",
    ),
    "newsletter-link-outside-promo": (
        '<p>اشترك في <a href="https://emailing.mc-doualiya.com/ar/subscribe">الرسالة الإخبارية</a></p>',
        "الرسالة الإخبارية",
    ),
    "zero-width-paragraphs": (
        "<p>\u200b</p><p>\u200c</p><p>\ufeff</p><p>\u00a0\u200b\u00a0</p><p>\u2060</p>",
        "<p>",
    ),
}


@pytest.mark.parametrize(("junk", "snippet"), OFF_SNAPSHOT_JUNK.values(), ids=list(OFF_SNAPSHOT_JUNK))
def test_junk_off_the_snapshot_is_left_out(junk: str, snippet: str) -> None:
    assert MCD_SECOND_PARAGRAPH_END in MCD_BODY
    raw = MCD_BODY.replace(MCD_SECOND_PARAGRAPH_END, MCD_SECOND_PARAGRAPH_END + junk)
    cleaned = clean_body(raw, "https://www.mc-doualiya.com/x")
    paragraphs = cleaned.text.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith(MCD_FIRST)
    assert paragraphs[-1].endswith(MCD_LAST)
    assert cleaned.text == clean_body(MCD_BODY, "https://www.mc-doualiya.com/x").text
    assert snippet not in cleaned.text
    assert cleaned.html.count("<p>") == 4
    if snippet != "<p>":
        assert snippet not in cleaned.html


@pytest.mark.parametrize(
    "paragraph",
    [
        '<p>► Le président a parlé <a href="/fr/x">hier</a> devant la presse.</p>',  # more than a link
        '<p><a href="/fr/x/20240101-y">Un lien seul</a></p>',  # no marker, no label
        "<p>À lire aussi, dans ce rapport, les chiffres du chômage.</p>",  # the words, in prose, no link
        '<p>Voir <a href="https://www.rfi.fr/fr/emailing">la page emailing</a>.</p>',  # not the emailing host
    ],
)
def test_paragraphs_that_only_look_like_read_also_are_kept(paragraph: str) -> None:
    cleaned = clean_body(f"<p>Avant.</p>{paragraph}<p>Après.</p>", BASE)
    assert len(cleaned.text.split("\n\n")) == 3


def test_seed_with_read_also_and_zero_width_paragraphs_keeps_its_article_paragraphs() -> None:
    raw = seed_body_html().replace(
        "<div data-selfpromo-newsletter></div>",
        '<p>\u200b</p><p>► 延伸阅读 : <a href="https://www.rfi.fr/cn/x/20240226-y">相关新闻</a></p>'
        '<p><strong>相关新闻</strong>：<a href="https://www.rfi.fr/cn/x/20240226-z">另一篇文章</a></p>'
        "<div data-selfpromo-newsletter></div>",
    )
    cleaned = clean_body(raw, BASE)
    assert cleaned.text.split("\n\n") == [SEED_LEAD, *SEED_PARAGRAPHS]


def test_nested_lists_give_each_item_once_in_order() -> None:
    raw = (
        "<p>Intro.</p><ul><li>One<ul><li>One A</li><li>One B<ol><li>One B i</li></ol></li></ul></li>"
        "<li>Two</li><li>\u200b</li></ul>"
    )
    cleaned = clean_body(raw, BASE)
    assert cleaned.text == "Intro.\n\nOne\nOne A\nOne B\nOne B i\nTwo"
    assert cleaned.html == (
        "<p>Intro.</p>\n<ul><li>One<ul><li>One A</li><li>One B<ol><li>One B i</li></ol></li></ul></li>"
        "<li>Two</li></ul>"
    )


def test_a_list_written_right_inside_a_list_belongs_to_the_item_before() -> None:
    cleaned = clean_body("<ul><li>a</li><ul><li>a1</li></ul><li>b</li></ul>", BASE)
    assert cleaned.text == "a\na1\nb"
    assert cleaned.html == "<ul><li>a<ul><li>a1</li></ul></li><li>b</li></ul>"


def test_zero_width_non_joiner_inside_words_is_kept() -> None:
    persian = "می\u200cخواهند"  # the non-joiner is part of the spelling
    assert clean_body(f"<p>{persian}</p>", BASE).text == persian
