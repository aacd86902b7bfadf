import html
import random
import re
from pathlib import Path
from typing import Any

import pytest

import newscrawl.utils.urls as urls_module
from newscrawl.utils.urls import (
    TRACKING_PARAMS,
    clean_url,
    decoded_path,
    is_tracking_param,
    plain_path_text,
    url_key,
)

CN = "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240226-x"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        # tracking parameters and fragments
        (CN + "?xtor=RSS-1", CN),
        (CN + "?utm_source=newsletter&utm_medium=email&utm_campaign=x#comments", CN),
        (CN + "?at_medium=social&at_campaign=fb", CN),
        (CN + "?fbclid=IwAR0abc", CN),
        (CN + "?gclid=abc&msclkid=def&_ga=1.2", CN),
        (CN + "?UTM_Source=x&Xtor=AD-1", CN),
        (CN + "?page=2&utm_source=x&id=7", CN + "?page=2&id=7"),
        (CN + "?id=7&page=2", CN + "?id=7&page=2"),  # order of kept parameters is kept
        (CN + "#section-3", CN),
        # host and scheme
        ("HTTPS://WWW.RFI.FR/cn/", "https://www.rfi.fr/cn/"),
        ("https://www.rfi.fr:443/cn/", "https://www.rfi.fr/cn/"),
        ("http://www.rfi.fr:80/cn/", "http://www.rfi.fr/cn/"),
        ("http://127.0.0.1:8000/cn/", "http://127.0.0.1:8000/cn/"),
        ("https://www.rfi.fr./cn/", "https://www.rfi.fr/cn/"),
        # percent-encoding: raw UTF-8, lowercase hex, uppercase hex are one URL
        ("https://www.rfi.fr/cn/中国/20240226-x", CN),
        ("https://www.rfi.fr/cn/%e4%b8%ad%e5%9b%bd/20240226-x", CN),
        (CN, CN),
        # mixed-script slugs keep their Latin letters (uk: Latin y + Cyrillic)
        ("https://www.rfi.fr/uk/yкраїна/", "https://www.rfi.fr/uk/y%D0%BA%D1%80%D0%B0%D1%97%D0%BD%D0%B0/"),
        # NFC: a decomposed Vietnamese letter equals the composed one
        ("https://www.rfi.fr/vi/vie\u0302t/", "https://www.rfi.fr/vi/vi%C3%AAt/"),
        ("https://www.rfi.fr/vi/vi%C3%AAt/", "https://www.rfi.fr/vi/vi%C3%AAt/"),
        # an encoded slash stays encoded (decoding it would change the path)
        ("https://www.rfi.fr/a%2fb/c", "https://www.rfi.fr/a%2Fb/c"),
        # spaces and Arabic
        (
            "https://www.mc-doualiya.com/الشرق-الأوسط/",
            "https://www.mc-doualiya.com/%D8%A7%D9%84%D8%B4%D8%B1%D9%82-%D8%A7%D9%84%D8%A3%D9%88%D8%B3%D8%B7/",
        ),
        (
            "https://s.rfi.fr/media/Ukraine Macron troupes.JPG",
            "https://s.rfi.fr/media/Ukraine%20Macron%20troupes.JPG",
        ),
    ],
)
def test_clean_url(raw: str, clean: str) -> None:
    assert clean_url(raw) == clean


@pytest.mark.parametrize(
    "bad", ["/cn/relative", "ftp://www.rfi.fr/x", "javascript:alert(1)", "https://www.rfi.fr:99999/"]
)
def test_clean_url_rejects_what_is_not_an_absolute_http_url(bad: str) -> None:
    with pytest.raises(ValueError, match=r"not an absolute http\(s\) URL|Port"):
        clean_url(bad)


def test_clean_url_is_idempotent() -> None:
    once = clean_url("https://WWW.rfi.fr/cn/中国/20240226-x?b=1&xtor=RSS-1#c")
    assert clean_url(once) == once


def test_url_key_equates_query_order_and_tracking() -> None:
    assert url_key(CN + "?b=2&a=1&utm_source=x") == url_key(CN + "?a=1&b=2")
    assert url_key(CN + "?a=1") != url_key(CN + "?a=2")


@pytest.mark.parametrize(
    "name", ["utm_source", "utm_anything", "xtor", "at_medium", "fbclid", "gclid", "mc_cid", "pk_campaign"]
)
def test_tracking_vocabulary(name: str) -> None:
    assert is_tracking_param(name)


@pytest.mark.parametrize("name", ["id", "page", "q", "lang", "at", "x"])
def test_ordinary_parameters_are_kept(name: str) -> None:
    assert not is_tracking_param(name)


def test_documented_list_is_in_the_docs() -> None:
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "settings.md").read_text("utf-8")
    for name in sorted(TRACKING_PARAMS):
        assert f"`{name}`" in doc, name


# -- the shortcut for links already in their key form ----------------------------------------------

ORIGIN = "https://www.rfi.fr"
SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots"


def snapshot_hrefs() -> list[str]:
    hrefs: set[str] = set()
    for page in sorted(SNAPSHOTS.rglob("*.html")):
        text = page.read_text("utf-8", "replace")
        hrefs.update(html.unescape(h) for h in re.findall(r'href="([^"]*)"', text))
    return sorted(hrefs)


def fuzzed_paths(count: int) -> list[str]:
    """Root-relative paths made of the pieces that decide between the shortcut and the long way."""
    pieces = [
        "cn", "fr", "20240229-a-b", "Upper", "x_y.z~", "-", ".", "..", ".well", "", "%E4%B8%AD", "%e4%b8%ad",
        "%C3%A9", "e%CC%81", "%C3%28", "%2F", "%20", "%41", "%25", "中国", "é", "a b", "a;b", "a=b", "a@b:c",
        "(x)", "a+b", "a!b", "a'b", "?q=1", "?utm_source=x", "#top", "%F0%9F%98%80", "%E2%80", "%80",
    ]  # fmt: skip
    rng = random.Random(7)
    return ["/" + "/".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))) for _ in range(count)]


def test_plain_path_text_is_what_the_long_way_gives() -> None:
    paths = fuzzed_paths(20000) + [h for h in snapshot_hrefs() if h.startswith("/")]
    shortcut = 0
    for path in paths:
        text = plain_path_text(path)
        if text is None:
            continue
        shortcut += 1
        url = ORIGIN + path
        assert clean_url(url) == url, path
        assert url_key(url) == url, path
        assert decoded_path(url) == text, path
    assert shortcut > 2000  # the check is not vacuous: many paths take the shortcut


def test_urls_in_key_form_are_what_the_long_way_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    origins = [
        "https://www.rfi.fr", "http://www.rfi.fr", "HTTPS://www.rfi.fr", "https://WWW.RFI.FR", "https://www.rfi.fr.",
        "https://www.rfi.fr:443", "https://www.rfi.fr:8080", "https://user@www.rfi.fr", "https://-x.example",
        "https://a_b.example", "https://xn--fiq228c.example", "https://127.0.0.1", "https://[::1]", "https://exämple.com",
        "ftp://www.rfi.fr", "https://www.mc-doualiya.com", "https://s.rfi.fr",
    ]  # fmt: skip
    urls = [rng.choice(origins) + path for path in fuzzed_paths(20000)] + [o + "/" for o in origins]
    urls += [ORIGIN + h for h in snapshot_hrefs() if h.startswith("/")]
    fast = {u: (urls_module.in_key_form(u), _try(clean_url, u), url_key_or_error(u)) for u in urls}
    monkeypatch.setattr(urls_module, "in_key_form", lambda url: False)
    shortcut = 0
    for url, (in_form, cleaned, key) in fast.items():
        assert cleaned == _try(clean_url, url), url
        assert key == url_key_or_error(url), url
        if in_form:
            shortcut += 1
            assert cleaned == key == url, url
    assert shortcut > 500


def _try(function: Any, url: str) -> str:
    try:
        return str(function(url))
    except ValueError as exc:
        return f"ValueError: {exc}"


def url_key_or_error(url: str) -> str:
    return _try(url_key, url)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/cn/%E4%B8%AD%E5%9B%BD/20240229-x", "/cn/中国/20240229-x"),
        ("/fr/afrique/20240202-mali-x", "/fr/afrique/20240202-mali-x"),
        ("/es/am%C3%A9ricas/", "/es/américas/"),
    ],
)
def test_plain_path_text_decodes_a_card_link(path: str, text: str) -> None:
    assert plain_path_text(path) == text


@pytest.mark.parametrize(
    "path",
    [
        "/cn/%e4%b8%ad",  # lowercase hex: clean_url uppercases it
        "/es/ame%CC%81ricas",  # not NFC: clean_url composes it
        "/x/%C3%28",  # not UTF-8
        "/a/%2F/b",  # an encoded slash
        "/a/%41",  # an escaped ASCII letter
        "/a/./b",
        "/a/../b",
        "/a/b?page=2",
        "/a/b#top",
        "/a/中国",  # raw UTF-8
        "/a/b c",
        "/a;b",
        "//www.rfi.fr/cn/",  # scheme-relative: another host may follow
        "cn/relative",
    ],
)
def test_plain_path_text_turns_away_what_cleaning_would_change(path: str) -> None:
    assert plain_path_text(path) is None
