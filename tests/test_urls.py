import pytest

from newscrawl.utils.urls import TRACKING_PARAMS, clean_url, is_tracking_param, url_key

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
