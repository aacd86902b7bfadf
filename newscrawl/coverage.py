"""Field coverage: a changed site layout stops the job instead of writing empty fields for a week.

``FieldCoveragePipeline`` (800, after body cleaning, before validation) counts,
for every parsed article, which main fields are non-empty:
``newscrawl/coverage/items`` and ``newscrawl/coverage/has/<field>``. It sees
the items validation will drop, which is the point: when the body class is
renamed, every item loses its body and is dropped, and only this count shows it.

It also keeps the last ``NEWSCRAWL_COVERAGE_WINDOW`` (200) parsed articles'
fields in a :class:`CoverageWindow`, which starts with the articles of the
spider's earlier jobs: the window is saved as ``coverage-<spider>.json`` in
the state directory (``NEWSCRAWL_STATE_DIR``, as the SQLite seen-store) at
the end of each job. So an hourly run of five articles is judged with the runs
before it, and a long job is judged on its recent articles, not diluted by
thousands of older ones.

``FieldCoverageMonitor`` (an extension) judges the window when the spider goes
idle at the end of the job, and every ``NEWSCRAWL_COVERAGE_CHECK_INTERVAL``
seconds in long jobs, once the job parsed an article and the window holds at
least ``NEWSCRAWL_COVERAGE_MIN_ITEMS`` (5). A field falls short when the
upper bound of the Wilson score interval of its share (99 % confidence) is
below its threshold: the window shows, beyond reasonable doubt, that fewer
articles than the threshold have it (never when the share could be at or
above it). The job then closes with finish reason
``coverage_below_threshold``, an ERROR line names the spider, the fields,
their share, bound and threshold, ``scrapy crawl`` exits with status 3
(:mod:`newscrawl.commands.crawl`), and the saved window is cleared, so that
the next job is judged on its own articles.

Thresholds: :data:`DEFAULT_THRESHOLDS`, then ``NEWSCRAWL_COVERAGE_THRESHOLDS``
(a dict, all spiders), then the spider's ``coverage_thresholds`` attribute.
A threshold setting that is not such a dict, names an unknown field or gives
a share outside [0, 1] stops the crawl at start. Switch:
``NEWSCRAWL_COVERAGE_ENABLED``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import weakref
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from newscrawl.params import SettingError
from newscrawl.seen import default_state_dir

logger = logging.getLogger(__name__)

FINISH_REASON = "coverage_below_threshold"
MAIN_FIELDS = ("title", "lead", "body", "published", "authors", "image", "section")
#: share of parsed articles that must have each field
DEFAULT_THRESHOLDS: dict[str, float] = {
    "title": 0.95,
    "body": 0.95,
    "published": 0.95,
    "section": 0.8,
    "lead": 0.5,
    "authors": 0.2,
    "image": 0.2,
}
#: normal quantile of the Wilson score interval: 99 % confidence
Z = 2.576


def _has(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


class CoverageWindow:
    """The main fields of the last ``size`` parsed articles, one bit per field, with counts kept."""

    def __init__(self, size: int) -> None:
        self.masks: deque[int] = deque(maxlen=size)
        self.present = [0] * len(MAIN_FIELDS)
        #: articles this job added (the others came from earlier jobs)
        self.added = 0

    def add(self, mask: int) -> None:
        if len(self.masks) == self.masks.maxlen:
            self._count(self.masks[0], -1)
        self.masks.append(mask)
        self._count(mask, 1)

    def add_item(self, item: Any) -> None:
        adapter = ItemAdapter(item)
        self.add(sum(1 << i for i, field in enumerate(MAIN_FIELDS) if _has(adapter.get(field))))
        self.added += 1

    def _count(self, mask: int, step: int) -> None:
        for i in range(len(MAIN_FIELDS)):
            if mask >> i & 1:
                self.present[i] += step

    @property
    def earlier(self) -> int:
        """Articles in the window parsed by earlier jobs."""
        return len(self.masks) - min(self.added, len(self.masks))

    def counts(self) -> dict[str, int]:
        return dict(zip(MAIN_FIELDS, self.present, strict=True))

    def load(self, path: Path) -> None:
        """Put the articles of earlier jobs saved in ``path`` first (a missing or stale file: none)."""
        try:
            saved = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            logger.warning("field coverage: %s is unreadable (%s); earlier jobs not counted", path, exc)
            return
        if not isinstance(saved, dict) or saved.get("fields") != list(MAIN_FIELDS):
            return
        for mask in saved.get("masks", []):
            if isinstance(mask, int):
                self.add(mask)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"fields": list(MAIN_FIELDS), "masks": list(self.masks)}), "utf-8")
        os.replace(tmp, path)


_WINDOWS: weakref.WeakKeyDictionary[Any, CoverageWindow] = weakref.WeakKeyDictionary()


def coverage_window(crawler: Crawler) -> CoverageWindow:
    """The crawl's one window, shared by the pipeline and the monitor (``NEWSCRAWL_COVERAGE_WINDOW``)."""
    window = _WINDOWS.get(crawler)
    if window is None:
        size = _int_setting(crawler.settings, "NEWSCRAWL_COVERAGE_WINDOW", 200)
        window = _WINDOWS[crawler] = CoverageWindow(size)
    return window


def _int_setting(settings: BaseSettings, name: str, default: int) -> int:
    raw = settings.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if value < 1:
        raise SettingError(f"{name} must be a whole number of articles >= 1, not {raw!r}")
    return value


class FieldCoveragePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.window = coverage_window(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldCoveragePipeline:
        if not crawler.settings.getbool("NEWSCRAWL_COVERAGE_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_COVERAGE_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        stats = self.crawler.stats
        stats.inc_value("newscrawl/coverage/items")
        for field in MAIN_FIELDS:
            if _has(adapter.get(field)):
                stats.inc_value(f"newscrawl/coverage/has/{field}")
        self.window.add_item(item)
        return item


def check_thresholds(value: Any, source: str) -> dict[str, float]:
    """``value`` as ``{field: share}``; a :class:`SettingError` naming ``source`` when it is not one."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # not JSON: refused below, as it is
            value = json.loads(value) if value.strip() else {}
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SettingError(f'{source} must be a dict of field: share, such as {{"body": 0.9}}, not {value!r}')
    thresholds: dict[str, float] = {}
    for field, share in value.items():
        if field not in MAIN_FIELDS:
            raise SettingError(f"{source}: unknown field {field!r}; fields: {', '.join(MAIN_FIELDS)}")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise SettingError(f"{source}: {field}={share!r} is not a share between 0 and 1")
        thresholds[field] = float(share)
    return thresholds


def thresholds_for(spider: Spider, settings_value: Mapping[str, float] | None) -> dict[str, float]:
    merged = dict(DEFAULT_THRESHOLDS)
    merged.update(settings_value or {})
    own = getattr(spider, "coverage_thresholds", None)
    merged.update(check_thresholds(own, f"{spider.name}.coverage_thresholds"))
    return merged


def wilson_upper(successes: int, trials: int, z: float = Z) -> float:
    """Upper bound of the Wilson score interval of a share ``successes / trials``."""
    if trials <= 0:
        return 1.0
    share = successes / trials
    z2 = z * z
    centre = share + z2 / (2 * trials)
    margin = z * math.sqrt(share * (1 - share) / trials + z2 / (4 * trials * trials))
    return min(1.0, (centre + margin) / (1 + z2 / trials))


class Shortfall(NamedTuple):
    field: str
    share: float
    upper: float
    threshold: float


def coverage_shortfalls(
    items: int, present: Mapping[str, int], thresholds: Mapping[str, float]
) -> list[Shortfall]:
    """The fields whose share among ``items`` articles is, at 99 % confidence, under its threshold."""
    if not items:
        return []
    short = []
    for field, threshold in thresholds.items():
        count = present.get(field, 0)
        upper = wilson_upper(count, items)
        if upper < threshold:
            short.append(Shortfall(field, count / items, upper, threshold))
    return short


class FieldCoverageMonitor:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.min_items = _int_setting(settings, "NEWSCRAWL_COVERAGE_MIN_ITEMS", 5)
        self.interval = settings.getfloat("NEWSCRAWL_COVERAGE_CHECK_INTERVAL", 600.0)
        self.settings_thresholds = check_thresholds(
            settings.get("NEWSCRAWL_COVERAGE_THRESHOLDS"), "NEWSCRAWL_COVERAGE_THRESHOLDS"
        )
        self.window = coverage_window(crawler)
        self.state_dir = Path(settings.get("NEWSCRAWL_STATE_DIR") or default_state_dir()).expanduser()
        self.task: LoopingCall | None = None
        self.tripped = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldCoverageMonitor:
        if not crawler.settings.getbool("NEWSCRAWL_COVERAGE_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_COVERAGE_ENABLED is off")
        return cls(crawler)

    def saved_path(self, spider: Spider) -> Path:
        return self.state_dir / f"coverage-{spider.name}.json"

    def spider_opened(self, spider: Spider) -> None:
        self.window.load(self.saved_path(spider))
        if self.interval > 0:
            self.task = LoopingCall(self.check, spider)
            self.task.start(self.interval, now=False)

    def spider_idle(self, spider: Spider) -> None:
        self.check(spider, final=True)

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        path = self.saved_path(spider)
        try:
            if self.tripped:
                path.unlink(missing_ok=True)  # the alarm is raised: the next job starts afresh
            elif self.window.added:
                self.window.save(path)
        except OSError as exc:
            logger.warning("field coverage: cannot update %s (%s)", path, exc)

    def check(self, spider: Spider, final: bool = False) -> None:
        window = self.window
        if self.tripped or not window.added:
            return
        items = len(window.masks)
        if items < self.min_items:
            if final:
                logger.info(
                    "field coverage not judged: %d articles parsed (%d by earlier jobs), fewer than %d",
                    items,
                    window.earlier,
                    self.min_items,
                )
            return
        short = coverage_shortfalls(items, window.counts(), thresholds_for(spider, self.settings_thresholds))
        if not short:
            return
        self.tripped = True
        detail = ", ".join(
            f"{s.field} {s.share:.0%} < {s.threshold:.0%} (at most {s.upper:.0%} at 99% confidence)"
            for s in short
        )
        earlier = f" ({window.earlier} of them by earlier jobs)" if window.earlier else ""
        logger.error(
            "%s: field coverage below threshold over %d articles%s: %s; the site's layout may have changed",
            spider.name,
            items,
            earlier,
            detail,
        )
        self.crawler.stats.set_value("newscrawl/coverage/below_threshold", ",".join(s.field for s in short))
        assert self.crawler.engine is not None
        coro = self.crawler.engine.close_spider_async(reason=FINISH_REASON)
        deferred_from_coro(coro).addErrback(lambda f: logger.error("closing the spider failed: %s", f))
