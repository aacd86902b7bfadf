"""Language check: does a text read as its edition's declared language?

CLD2 (pycld2, bundled tables, C++) decides; where it is not sure, py3langid's
bundled model is asked and trusted at a normalized probability of 0.9 or more.
Neither has a reliable model of Bambara (``bm``) or Fula (``ff``): rows of those
editions are ``unverifiable`` whatever their text.
"""

from __future__ import annotations

import functools
from typing import Any

import pycld2

MATCH, MISMATCH, UNVERIFIABLE = "match", "mismatch", "unverifiable"
#: declared languages no offline model here identifies reliably
NO_MODEL = frozenset({"bm", "ff"})
#: CLD2 reads this much of a text (the start of an article is enough, and bounds the time)
MAX_CHARS = 4000
LANGID_MIN_PROBABILITY = 0.9
#: py3langid is slower (about 1 ms per 1,000 characters): it reads less
LANGID_MAX_CHARS = 1000


def comparable(tag: str) -> str:
    """The part of a BCP 47 tag that the models tell apart: ``zh-Hans``/``zh-Hant``, else the primary."""
    primary = tag.split("-", 1)[0].lower()
    if primary == "zh":
        return "zh-Hant" if tag.lower().startswith("zh-hant") or tag in ("zh-TW", "zh-HK") else "zh-Hans"
    return primary


@functools.cache
def _langid() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> str | None:
    """The language of ``text`` in :func:`comparable` form, or None when no model is sure."""
    sample = text[:MAX_CHARS]
    try:
        reliable, _, details = pycld2.detect(sample, isPlainText=True)
    except pycld2.error:  # bytes CLD2 refuses (e.g. lone surrogates)
        reliable, details = False, ()
    if reliable and details and details[0][1] not in ("un", "xxx"):
        code: str = details[0][1]
        return "zh-Hant" if code == "zh-Hant" else comparable(code)
    label, probability = _langid().classify(sample[:LANGID_MAX_CHARS])
    if probability >= LANGID_MIN_PROBABILITY:
        return comparable(str(label))
    return None


def check(text: str, declared: str) -> tuple[str | None, str]:
    """(detected language, ``match`` / ``mismatch`` / ``unverifiable``) of a text of an edition."""
    if declared.split("-", 1)[0].lower() in NO_MODEL:
        return None, UNVERIFIABLE
    detected = detect(text)
    if detected is None:
        return None, UNVERIFIABLE
    want = comparable(declared)
    if detected == want:
        return detected, MATCH
    return detected, MISMATCH
