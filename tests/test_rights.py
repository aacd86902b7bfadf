"""TDMRep rules, values and carriers (newscrawl/rights.py), and the page parser's meta tags, offline."""

from __future__ import annotations

import pytest
from parsel import Selector
from scrapy.robotstxt import ProtegoRobotParser

from newscrawl.pages.article import tdm_meta
from newscrawl.rights import (
    Declared,
    agent_classes,
    declared,
    first_match,
    parse_tdmrep,
    reservation_value,
    rights_mode,
    robots_disallows,
)


@pytest.mark.parametrize(
    ("location", "path", "matches"),
    [
        ("/cn/", "/cn/x", True),
        ("/cn/", "/CN/x", False),  # case-sensitive
        ("/cn/", "/c", False),
        ("/cn/*/2024", "/cn/%E4%B8%AD%E5%9B%BD/20240207-x", True),
        ("/cn/*/2024", "/cn/2024", False),
        ("/*.json$", "/a/b.json", True),
        ("/*.json$", "/a/b.json?x=1", False),
        ("/a$", "/a", True),
        ("/a$", "/ab", False),
        ("/%7Euser/", "/~user/page", True),  # %7E is "~", unreserved: decoded on both sides
        ("/~user/", "/%7euser/page", True),
        ("/%2F", "/%2f", True),  # a reserved character stays escaped; hex case does not matter
        ("/%2F", "//", False),
        ("/a%62c", "/abc", True),
        ("/x", "/x?y=1", True),
    ],
)
def test_location_patterns(location: str, path: str, matches: bool) -> None:
    rules = parse_tdmrep(f'[{{"location": "{location}", "tdm-reservation": 1}}]'.encode(), "http://h/").rules
    assert (first_match(rules, path) is not None) is matches


def test_the_first_matching_rule_wins_even_when_a_later_one_is_longer() -> None:
    body = b"""[{"location": "/cn/", "tdm-reservation": 0},
                {"location": "/cn/news/", "tdm-reservation": 1, "tdm-policy": "/p.json"}]"""
    parsed = parse_tdmrep(body, "https://www.rfi.fr/.well-known/tdmrep.json")
    rule = first_match(parsed.rules, "/cn/news/1")
    assert rule is not None
    assert (rule.location, rule.reservation, rule.policy) == ("/cn/", 0, None)
    second = parsed.rules[1]
    assert (second.reservation, second.policy) == (1, "https://www.rfi.fr/p.json")


def test_a_policy_is_not_kept_with_reservation_0() -> None:
    (rule,) = parse_tdmrep(
        b'[{"location": "/", "tdm-reservation": 0, "tdm-policy": "/p"}]', "http://h/"
    ).rules
    assert rule.policy is None


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (b"{", ["not JSON"]),
        (b'{"location": "/"}', ["not a JSON array but dict"]),
        (b'["/"]', ["rule 0: not an object"]),
        (b'[{"tdm-reservation": 1}]', ["rule 0: no location"]),
        (b'[{"location": "/", "tdm-reservation": "1"}]', ["rule 0: tdm-reservation '1' is not 0 or 1"]),
        (b'[{"location": "/", "tdm-reservation": true}]', ["rule 0: tdm-reservation True is not 0 or 1"]),
        (b'[{"location": "/"}]', ["rule 0: tdm-reservation None is not 0 or 1"]),
        (b'[{"location": "/", "tdm-reservation": 2}]', []),
    ],
)
def test_unreadable_files_and_rules_are_errors(body: bytes, errors: list[str]) -> None:
    parsed = parse_tdmrep(body, "http://h/")
    assert [e[: len(x)] for e, x in zip(parsed.errors, errors, strict=True)] == errors


def test_a_rule_with_a_protocol_error_matches_and_leaves_the_reservation_unset() -> None:
    parsed = parse_tdmrep(
        b'[{"location": "/a", "tdm-reservation": 2}, {"location": "/", "tdm-reservation": 1}]', "http://h/"
    )
    rule = first_match(parsed.rules, "/a/b")
    assert rule is not None
    assert (rule.reservation, rule.legacy) == (None, ("file tdm-reservation: 2",))
    assert parsed.legacy == ["rule 0: file tdm-reservation: 2"]


def test_reservation_values() -> None:
    assert reservation_value("1") == (1, None)
    assert reservation_value(" 0 ") == (0, None)
    assert reservation_value(0) == (0, None)
    assert reservation_value("2") == (None, "tdm-reservation: 2")
    assert reservation_value("yes") == (None, None)
    assert reservation_value(True) == (None, None)
    assert reservation_value("") == (None, None)


def test_carriers() -> None:
    assert declared({}, "meta", "http://h/") is None
    assert declared({"tdm-reservation": None}, "meta", "http://h/") == Declared(None, None)
    assert declared({"tdm-reservation": "1", "tdm-policy": "/p"}, "header", "http://h/a") == Declared(
        1, "http://h/p"
    )
    assert declared({"tdm-reservation": "0", "tdm-policy": "/p"}, "header", "http://h/a") == Declared(0, None)
    assert declared({"tdm-a": "1"}, "header", "http://h/") == Declared(None, None, ("header tdm-a: 1",))


def test_meta_tags_are_read_by_name_case_insensitively_first_of_each() -> None:
    html = (
        '<html><head><meta name="TDM-Reservation" content=" 1 "><meta name="tdm-reservation" content="0">'
        '<meta name="tdm-policy" content="https://p.example/"><meta name="tdm-other" content="x">'
        '<meta name="TDM-b"><meta name="description" content="d"></head><body></body></html>'
    )
    assert tdm_meta(Selector(text=html)) == {
        "tdm-reservation": "1",
        "tdm-policy": "https://p.example/",
        "tdm-b": None,
    }
    assert tdm_meta(Selector(text="<html><head></head></html>")) == {}


AGENTS = ["GPTBot", "ChatGPT-User", "CCBot", "Google-Extended", "ClaudeBot", "anthropic-ai"]


def test_agents_grouped_by_robots_group_give_the_same_answers_as_one_by_one() -> None:
    body = (
        b"User-agent: *\nDisallow: /private/\n\nUser-agent: GPTBot\nUser-agent: ClaudeBot\nDisallow: /\n\n"
        b"User-agent: CCBot\nDisallow: /cn/\nAllow: /cn/open/\n"
    )
    parser = ProtegoRobotParser(body, None)
    classes = agent_classes(parser, AGENTS)
    # Protego keeps a group per User-agent line; the agents without a group share *
    assert classes.classes == (
        ("GPTBot",),
        ("ChatGPT-User", "Google-Extended", "anthropic-ai"),
        ("CCBot",),
        ("ClaudeBot",),
    )
    for url in ("http://h/", "http://h/cn/a", "http://h/cn/open/a", "http://h/private/x"):
        one_by_one = [a for a in AGENTS if not parser.allowed(url, a)]
        assert robots_disallows(parser, classes, url) == one_by_one, url
    assert robots_disallows(parser, classes, "http://h/cn/a") == ["GPTBot", "CCBot", "ClaudeBot"]


def test_bad_mode_is_refused_with_its_name() -> None:
    assert rights_mode({"NEWSCRAWL_RIGHTS_MODE": "Enforce"}) == "enforce"
    with pytest.raises(
        ValueError, match="NEWSCRAWL_RIGHTS_MODE must be one of record, enforce, off, not 'strict'"
    ):
        rights_mode({"NEWSCRAWL_RIGHTS_MODE": "strict"})
