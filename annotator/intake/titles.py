"""The title of a plain article: its first line, unless that is a date or a
dateline ("Wednesday, October 19, 2016", "LONDON (Reuters) -")."""

from __future__ import annotations

import re

_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DAYS = "mon|tue|wed|thu|fri|sat|sun"
_DATE = re.compile(
    rf"^(?:(?:{_DAYS})[a-z]*\.?,?\s+)?"
    rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
    r"(?:,?\s+\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?\.?$",
    re.IGNORECASE)
# "LONDON (Reuters) -", "WASHINGTON —", "PARIS, March 3 (AFP) –": a place in capitals, a
# wire service in brackets or a dash, and nothing after it.
_DATELINE = re.compile(r"^[A-Z][A-Z .'\-]{1,40}(?:,[^()\n]{0,40})?"
                       r"(?:\s*\([^()]{1,30}\))?\s*[-\u2013\u2014]+\s*$")
_MAX_TITLE = 200  # characters: a longer line is a paragraph, not a heading


def is_dateline(line: str) -> bool:
    """Whether a line is only a date or a dateline."""
    line = line.strip()
    return bool(_DATE.match(line) or _DATELINE.match(line))


def heading_like(line: str) -> bool:
    """A short line that does not end like a sentence of running text."""
    line = line.strip()
    return (0 < len(line) <= _MAX_TITLE and not is_dateline(line)
            and not line.endswith((".", ",", ";", ":")))


def title_from_text(text: str, lines: int = 6) -> str:
    """The first heading-like line among the first ``lines`` non-empty lines
    (datelines skipped), else the first short line that is no dateline, else ""."""
    candidates = [line.strip() for line in text.splitlines() if line.strip()][:lines]
    return next((line for line in candidates if heading_like(line)), None) or next(
        (line for line in candidates if len(line) <= _MAX_TITLE and not is_dateline(line)), "")


def better_title(title: str, text: str) -> str:
    """``title`` unless it is a date or dateline; then the text's next heading-like line."""
    if title and not is_dateline(title):
        return title.strip()
    return title_from_text(text) or title.strip()
