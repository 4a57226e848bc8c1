"""The guard: every figure, organisation and quotation in a summary must be in the source.

A pure function over two strings, run on every summary whatever the backend. Figures are
compared as values, not strings, so the spellings an editor uses all match the source's:
"38 per cent" == "38%", "£4.2 million" == "£4.2m" == "£4,200,000", "1,250" == "1250",
"six" == "6", "two thirds" == "two-thirds" (or a percentage within two points of it), and a
year range "2016-17" also grounds "2017". Each failure names its rule and the offending span so
the editor sees exactly what to check.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from policypulse.summaries.text import word_count
from policypulse.workspace import OPINION_WORDS

DEFAULT_OPINION_WORDS = OPINION_WORDS  # the one list, beside the other defaults

_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9,
           "m": 10**6, "bn": 10**9, "k": 1000, "mn": 10**6}  # fmt: skip
_DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
                 "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}  # fmt: skip

_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_A_OR_ONE = (  # "a third", "one million"; a bare "a" or "one" is not a figure
    r"(?:a|one)(?=[\s-](?:halves|half|thirds?|quarters?|fifths?|tenths?|hundred|thousand|"
    r"million|billion)\b)"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
FIGURE = re.compile(
    r"(?P<currency>£|\$|€)?(?<![\w.])(?P<number>" + _DIGITS + r")"
    r"(?:\s*(?P<scale>million|billion|thousand|bn|mn|m|k)\b)?"
    r"(?:\s*(?P<percent>%|per\s?cent(?![a-z])|percent(?![a-z])|pc\b))?"
    r"(?:[-–/](?P<range_end>\d{2})\b)?",
    re.I,
)
WORD_FIGURE = re.compile(
    r"\b(?P<words>(?:(?:"
    + "|".join([*_TENS])
    + r")[\s-](?:"
    + "|".join(_UNITS)
    + r")|"
    + _NUMBER_WORD
    + "|"
    + _A_OR_ONE
    + r"))"
    r"(?:[\s-](?P<fraction>halves|half|thirds?|quarters?|fifths?|tenths?)\b"
    r"|\s+(?P<scale>hundred|thousand|million|billion)\b"
    r"|\s*(?P<percent>per\s?cent|percent)\b)?",
    re.I,
)
_ORG_WORDS = (
    r"Department|Ministry|Office|Council|Commission|Committee|Agency|Service|Services|Trust|"
    r"Foundation|Institute|Association|Inspectorate|University|Library|Authority|College|"
    r"Centre|Center|Board|Group|Society|Partnership|Network|Unit|Executive|Parliament|"
    r"Government|Charity|Alliance|Federation|Fund|Ombudsman|Bureau|Institution"
)
ORGANISATION = re.compile(
    r"\b(?:[A-Z][\w’'&-]*\s+(?:(?:of|&)\s+)?)*(?:" + _ORG_WORDS + r")\b"
    r"(?:\s+(?:of|for|on)\s+(?:the\s+)?[A-Z][\w’'-]*(?:(?:,?\s+|\s+(?:and|&)\s+)[A-Z][\w’'-]*)*)?"
)
ACRONYM = re.compile(r"\b[A-Z][A-Za-z&]*[A-Z]s?\b")
QUOTED = re.compile(r"[“\"]([^”\"]{3,300})[”\"]|(?:^|(?<=[\s(]))‘([^’]{3,300}?)’(?![a-z])")
FIRST_PERSON = re.compile(r"\b(?:I|[Ww]e|WE|[Oo]ur|[Oo]urs|[Oo]urselves|[Uu]s|[Mm]y|[Mm]e)\b")
URL = re.compile(r"\S*(?:https?://|www\.)\S*|\b[\w.-]+@[\w-]+\.[\w.]+\b")
_NOT_ORGANISATIONS = {"The", "This", "It", "England", "Wales", "Scotland", "UK", "CEO", "OK"}


@dataclass
class Failure:
    rule: str
    span: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Figure:
    value: float  # rounded to 6 places, so £4.2m and £4,200,000 compare equal
    percent: bool
    written: str
    fraction: bool = False  # "two thirds", "half": compared with fractions and percentages


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _value(number: float) -> float:
    return round(number, 6)


_DIGITS_RUN = re.compile(r"\d+")


def figures(text: str) -> list[Figure]:
    """Every figure in the text as a value: digits, number words, fractions, money."""
    return digit_figures(text) + word_figures(text)


def digit_figures(text: str, leading: set[str] | None = None) -> list[Figure]:
    """Figures written with digits. Only the places where a run of digits starts are tried
    (one fast scan), which keeps the guard quick on long reports; with `leading`, only the
    figures whose first digits are in it (or that open a range such as 2016-17)."""
    found: list[Figure] = []
    covered = 0
    for run in _DIGITS_RUN.finditer(text):
        position = run.start()
        if position < covered or (position and (text[position - 1].isalnum() or
                                                text[position - 1] in "._")):  # fmt: skip
            continue  # inside a figure already read, a footnote marker or a word like A1
        opens_range = text[run.end() : run.end() + 1] in ("-", "–", "/")
        if leading is not None and run.group(0) not in leading and not opens_range:
            continue
        start = position - 1 if position and text[position - 1] in "£$€" else position
        match = FIGURE.match(text, start)
        if match is None:
            continue
        covered = match.end()
        value = _number(match.group("number"))
        if scale := match.group("scale"):
            value *= _SCALES[scale.lower()]
        percent = bool(match.group("percent"))
        found.append(Figure(_value(value), percent, match.group(0).strip()))
        if end := match.group("range_end"):
            first = match.group("number")
            if re.fullmatch(r"(?:19|20)\d\d", first):  # 2016-17 also means 2017
                found.append(Figure(float(first[:2] + end), False, match.group(0)))
            found.append(Figure(float(end), False, match.group(0)))
    return found


def _leading(figure: Figure) -> set[str]:
    """The runs of digits a figure of this value may start with in the source: 4751 may be
    written 4751 or 4,751; 4,200,000 also as 4.2 million or 4200k."""
    runs = set()
    for scale in (1, 10**3, 10**6, 10**9):
        whole = str(int(figure.value // scale))
        if whole != "0" or scale == 1:
            runs.update({whole, whole[: len(whole) % 3 or 3]})
    return runs


def word_figures(text: str) -> list[Figure]:
    """Figures written in words: 'six', 'twenty-five per cent', 'two thirds', 'a million'."""
    found = []
    for match in WORD_FIGURE.finditer(text):
        words = match.group("words").lower()
        if words in {"a", "one"} and not (match.group("fraction") or match.group("scale")):
            continue  # "one of the", "a" are not figures
        base = _word_value(words)
        if fraction := match.group("fraction"):
            denominator = _DENOMINATORS[fraction.lower()]
            found.append(Figure(_value(base / denominator), False, match.group(0), True))
        elif scale := match.group("scale"):
            found.append(Figure(float(base * _SCALES[scale.lower()]), False, match.group(0)))
        else:
            found.append(Figure(float(base), bool(match.group("percent")), match.group(0)))
    return found


def _word_value(words: str) -> int:
    parts = re.split(r"[\s-]+", words)
    if parts[0] in {"a", "one"}:
        return 1
    return sum(_TENS.get(part, 0) + _UNITS.get(part, 0) for part in parts)


@dataclass
class _Index:
    """The source's figures, indexed for quick look-ups."""

    plain: set[float]  # every value, as a bare number
    percent: set[float]
    fractions: set[float]

    @classmethod
    def of(cls, source: list[Figure]) -> _Index:
        plain = {f.value for f in source if not f.fraction}
        percent = {f.value for f in source if f.percent}
        fractions = {f.value for f in source if f.fraction}
        return cls(plain, percent, fractions)


def _grounded(figure: Figure, index: _Index) -> bool:
    if figure.fraction:
        return figure.value in index.fractions or any(
            abs(value - figure.value * 100) <= 2 for value in index.percent
        )
    return figure.value in (index.percent if figure.percent else index.plain)


def normalised_figures(text: str) -> list[tuple[str, str]]:
    """(normalised, as written) for each figure: '38 per cent' and '38%' both give '38%'."""
    return [
        (f"{float(f.value):g}{'%' if f.percent else ''}{' (fraction)' if f.fraction else ''}",
         f.written)
        for f in figures(text)
    ]  # fmt: skip


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[–—-]", "-", text)
    return " ".join(text.lower().split())


def ungrounded_figures(summary: str, source: str) -> list[str]:
    """The figures of the summary the source does not contain, as written. The source's
    figures in words are read only when its digits do not ground everything."""
    wanted = figures(summary)
    if not wanted:
        return []
    leading = None if any(f.fraction for f in wanted) else set().union(*map(_leading, wanted))
    source_figures = digit_figures(source, leading)
    index = _Index.of(source_figures)
    missing = [f for f in wanted if not _grounded(f, index)]
    if missing:
        source_figures = digit_figures(source) + word_figures(source)
        index = _Index.of(source_figures)
        missing = [f for f in missing if not _grounded(f, index)]
    return [f.written for f in missing]


def check(
    summary: str,
    source: str,
    *,
    min_words: int = 0,
    max_words: int = 10_000,
    opinion_words: tuple[str, ...] | list[str] = DEFAULT_OPINION_WORDS,
) -> list[Failure]:
    """Every reason the summary cannot go out as it is; an empty list means it passed."""
    failures = [
        Failure("number", written, f"{written!r} is not in the source")
        for written in ungrounded_figures(summary, source)
    ]
    normal_source = _normalise(source) if QUOTED.search(summary) or ORGANISATION.search(
        summary) else ""  # fmt: skip
    failures += _organisation_failures(summary, source, normal_source)
    failures += _quotation_failures(summary, normal_source)
    words = word_count(summary)
    if not min_words <= words <= max_words:
        failures.append(
            Failure("length", str(words), f"{words} words, outside {min_words} to {max_words}")
        )
    for match in URL.finditer(summary):
        failures.append(Failure("url", match.group(0), "summaries carry no URLs or addresses"))
    unquoted = QUOTED.sub(" ", summary)
    for match in FIRST_PERSON.finditer(unquoted):
        if match.group(0) == "US" or (match.group(0) == "I" and _roman_numeral(unquoted, match)):
            continue
        failures.append(Failure("first-person", match.group(0), "no first person"))
        break
    for word in opinion_words:
        if match := re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", unquoted, re.I):
            failures.append(Failure("opinion", match.group(0), f"opinion word {word!r}"))
    return failures


def _roman_numeral(text: str, match: re.Match) -> bool:
    before = text[max(0, match.start() - 12) : match.start()]
    return bool(re.search(r"\b(?:Part|Section|Chapter|Phase|Tier|Annex|Wave)\s$", before))


def _organisation_failures(summary: str, source: str, normal_source: str) -> list[Failure]:
    failures, seen = [], set()
    for match in ORGANISATION.finditer(summary):
        name = re.sub(r"^(?:The|This|These|Its|In|By|A|An)\s+", "", match.group(0))
        if name in seen or " " not in name.strip() and name in _ORG_WORDS.split("|"):
            continue
        seen.add(name)
        if _normalise(name) not in normal_source:
            failures.append(Failure("organisation", name, f"{name!r} is not named in the source"))
    for match in ACRONYM.finditer(QUOTED.sub(" ", summary)):
        acronym = match.group(0)
        if acronym in seen or acronym in _NOT_ORGANISATIONS:
            continue
        seen.add(acronym)
        if not re.search(rf"\b{re.escape(acronym)}\b", source):
            failures.append(Failure("organisation", acronym, f"{acronym!r} is not in the source"))
    return failures


def _quotation_failures(summary: str, normal_source: str) -> list[Failure]:
    failures = []
    for match in QUOTED.finditer(summary):
        quoted = (match.group(1) or match.group(2)).strip()
        if _normalise(quoted).strip(" .,") not in normal_source:
            failures.append(
                Failure("quotation", quoted, "the quoted words are not in the source as quoted")
            )
    return failures
