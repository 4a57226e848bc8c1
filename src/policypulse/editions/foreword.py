"""The draft foreword, in prose: an opening line with the month and counts, then a paragraph per
sector naming its two or three themes and the one or two publications of most interest.

Editors open an edition with a paragraph per sector ("a tranche of evaluation reports for ... has
been published"), not with counts and single words. So each sector's items are clustered by
meaning (wordllama vectors of title and summary), each cluster is named by the phrase its titles
share (two to four words, never a single word), and the publications of most interest are the
reports whose summaries carry a finding; each brings its publisher and one finding, taken word
for word from its summary (already checked against the source by the summaries guard). The
draft is marked as such and checked by the same guard: every figure must come from the items.
Pure apart from the embedding model, which callers may replace.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from policypulse.editions.compose import Section
from policypulse.summaries.extractive import (
    HOUSE_LEAD_IN,
    names,
    publisher_name,
    with_article,
)
from policypulse.summaries.guard import ungrounded_figures
from policypulse.summaries.text import split_sentences, word_count

DRAFT_MARK = "*Draft written by PolicyPulse: rewrite before approving.*"
MAX_WORDS = 300
_EDGE_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "in",
        "on",
        "for",
        "to",
        "with",
        "by",
        "from",
        "at",
        "as",
        "its",
        "their",
        "this",
        "that",
        "is",
        "are",
        "be",
        "or",
        "how",
        "what",
        "why",
        "who",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "between",
        "during",
        "across",
        "than",
        "more",
        "most",
        "new",
    ]
)
_DULL = frozenset(
    [
        "report",
        "reports",
        "review",
        "evaluation",
        "statistics",
        "annual",
        "update",
        "findings",
        "study",
        "analysis",
        "summary",
        "briefing",
        "final",
        "interim",
        "year",
        "years",
        "data",
        "england",
        "wales",
        "uk",
        "national",
        "publication",
        "guidance",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        # roles and stages name who wrote or when, not what about: "chief inspector" was
        # the justice theme of a month of inspectorates' annual reports
        "chief",
        "inspector",
        "inspectors",
        "inspectorate",
        "commissioner",
        "ombudsman",
        "minister",
        "secretary",
        "progress",
    ]
)
_FINDING = re.compile(
    r"\b(found|finds|shows?|showed|reports? that|suggests?|concluded|rose|fell|increased|"
    r"decreased|per cent|rated|judged|recommends?|warns?)\b|\d%",  # "39%." has no \b after %
    re.I,
)
_WORD = re.compile(r"[A-Za-z][\w’'-]*")
# A theme that is one thing, named ("the Mental Health Act", "the female offender strategy"),
# takes "the"; a field or a plural ("home care", "youth offending services") does not.
_ONE_THING = frozenset(
    ["act", "bill", "strategy", "programme", "review", "plan", "framework", "fund", "inquiry",
     "commission", "service", "system", "scheme", "pilot", "initiative", "reform", "standard",
     "pathfinder", "survey", "project", "partnership", "model", "trial", "network", "approach"]
)  # fmt: skip


@dataclass
class Pick:
    """A publication of most interest and the finding that makes it so."""

    title: str
    publisher: str
    finding: str


_INSIDE = frozenset(
    ["and", "or", "how", "what", "why", "who", "which", "that", "this", "is", "are", "was", "were"]
)
_BREAK = re.compile(r"[:;,.()\[\]?!\u2013\u2014]|\s-\s")


def _words(text: str) -> list[str]:
    return [w.strip("’'").lower() for w in _WORD.findall(text)]


def phrases(text: str) -> set[str]:
    """Two- to four-word runs within one part of a title (never across its punctuation) that
    neither start nor end on a small word, hold no 'and' or question word, and are not only
    report words: 'children's homes', 'youth justice services', 'adult social care'."""
    found = set()
    for part in _BREAK.split(text):
        words = _words(part)
        for size in (2, 3, 4):
            for start in range(len(words) - size + 1):
                run = words[start : start + size]
                if (run[0] in _EDGE_WORDS | _DULL or run[-1] in _EDGE_WORDS or run[0].isdigit()
                        or run[-1].endswith(("’s", "'s"))):  # fmt: skip
                    continue
                if any(w in _INSIDE for w in run) or all(w in _DULL or w in _EDGE_WORDS
                                                         for w in run):  # fmt: skip
                    continue
                found.add(" ".join(run))
    return found


def theme_name(titles: list[str], summaries: list[str] = ()) -> str | None:
    """The title phrase the cluster's titles and summaries repeat most (each title counts one,
    each summary half); a tie goes to fewer report words, then the longer phrase (a part of a
    phrase scores at least as much as the whole). None when no title has a two-word phrase."""
    counts = Counter(p for title in titles for p in phrases(title))
    if not counts:
        return None
    said = [" ".join(_words(summary)) for summary in summaries]
    score = {p: n + 0.5 * sum(f" {p} " in f" {text} " for text in said) for p, n in counts.items()}
    best = max(score, key=lambda p: (score[p], -sum(w in _DULL for w in p.split()),
                                     _whole(p, titles), len(p.split()), -len(p)))  # fmt: skip
    return _as_written(best, titles)


def _runs(titles: list[str]):
    """(words as written, words lower-cased) of each part of each title; a part's first word
    is lower-cased as written unless the next word is capitalised too ("Young people's..."
    but "Return Home Well...")."""
    for title in titles:
        for part in _BREAK.split(title):
            written = [w.strip("’'") for w in _WORD.findall(part)]
            if len(written) > 1 and not written[1][:1].isupper() and not written[0].isupper():
                written[0] = written[0][:1].lower() + written[0][1:]
            yield written, [w.lower() for w in written]


def _places(phrase: str, titles: list[str]):
    """(words as written, words lower-cased, capitalised?, start, stop) of each place a title
    holds the phrase; in a title-case title no word counts as capitalised (capitals say
    nothing there)."""
    target = phrase.split()
    for written, words in _runs(titles):
        capital = [w[:1].isupper() for w in written]
        if len(written) > 2 and sum(capital) / len(written) > 0.6:
            capital = [False] * len(written)
        for start in range(len(words) - len(target) + 1):
            if words[start : start + len(target)] == target:
                yield written, words, capital, start, start + len(target)


def _whole(phrase: str, titles: list[str]) -> int:
    """How whole a noun phrase the phrase is, at best, in a title: 2 when it neither starts nor
    ends inside a longer one ("hospital discharge programme"), less when cut ("return home well
    hospital" of "...Return Home Well hospital discharge programme" loses its head noun), -1
    when it cuts a name in two ("Well hospital discharge programme")."""
    best = -1
    for _, words, capital, start, stop in _places(phrase, titles):
        if (start and capital[start] and capital[start - 1]) or (
            stop < len(words) and capital[stop - 1] and capital[stop]
        ):
            continue  # cuts a name
        left = not start or words[start - 1] in _EDGE_WORDS or capital[start - 1]
        right = stop == len(words) or words[stop] in _EDGE_WORDS
        best = max(best, left + right)
    return best


def _as_written(phrase: str, titles: list[str]) -> str:
    """The phrase with the capitals of a name kept ("Early Inclusion Pathfinder", not "early
    inclusion pathfinder"), unless the title is in title case, where capitals say nothing; a
    title part that is "A" + the phrase is a name and is quoted ("“A long way from home”")."""
    for written, words, capital, start, stop in _places(phrase, titles):
        if start == 1 and stop == len(words) and words[0] in ("a", "an"):
            name = " ".join(written)
            return f"“{name[:1].upper()}{name[1:]}”"
        if not any(capital):
            return phrase
        return " ".join(written[start:stop])
    return phrase


def clusters(texts: list[str], embed, limit: int = 3) -> list[list[int]]:
    """Indices of `texts` in at most `limit` groups of similar meaning, largest first."""
    if len(texts) <= 3:
        return [list(range(len(texts)))]
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    vectors = np.asarray(embed(texts), dtype=float)
    count = min(limit, max(1, len(texts) // 2))  # a theme is shared by two items or more
    labels = AgglomerativeClustering(n_clusters=count, metric="cosine",
                                     linkage="average").fit_predict(vectors)  # fmt: skip
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def themes(entries, embed, limit: int = 3) -> list[str]:
    """Up to `limit` distinct theme phrases for a sector's entries."""
    texts = [f"{e.title}. {e.summary}" for e in entries]
    named = []
    for group in clusters(texts, embed, limit):
        name = theme_name([entries[i].title for i in group], [entries[i].summary for i in group])
        if name and all(name not in other and other not in name for other in named):
            named.append(name)
    return named


def finding_of(summary: str) -> str | None:
    """The first sentence after the opening that reads as a finding (figures or finding words)."""
    sentences = split_sentences(summary)
    for sentence in sentences[1:] or sentences:
        # the summaries' own "It reports that" says nothing about whether a finding follows
        if _FINDING.search(HOUSE_LEAD_IN.sub("", sentence)) and word_count(sentence) <= 45:
            return sentence.strip()
    return None


def picks(entries, limit: int = 2) -> list[Pick]:
    """The publications of most interest: reports before briefings, then those whose finding
    carries a figure, in the edition's order; at most one per publisher."""
    chosen, seen = [], set()
    ranked = sorted(entries, key=lambda e: (e.type != "report",
                                            not re.search(r"\d", finding_of(e.summary) or ""),
                                            e.order))  # fmt: skip
    for entry in ranked:
        finding = finding_of(entry.summary)
        if finding is None or entry.publisher in seen:
            continue
        seen.add(entry.publisher)
        chosen.append(Pick(entry.title, entry.publisher, finding))
        if len(chosen) == limit:
            break
    return chosen


def _named(theme: str) -> str:
    """A theme as it reads in "gathered around ...": "the" before one thing that is named."""
    last = theme.split()[-1].lower()
    if theme[:1] != "“" and last in _ONE_THING and not theme.lower().startswith("the "):
        return "the " + theme
    return theme


def _from(title: str, publisher: str) -> str:
    """' from the publisher', unless the title names it already ("Fairer Care Funding: the
    report of the Commission on Funding of Care and Support from the Commission on ...")."""
    name = publisher_name(publisher)
    if not name or names(title, name):
        return ""
    return f" from {with_article(name)}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def sector_paragraph(section: Section, embed, limit: int = 2) -> str:
    entries = [e for s in section.subsections for e in s.entries]
    kinds = _join([_count(len(s.entries), s.label.lower().rstrip("s"), s.label.lower())
                   for s in section.subsections])  # fmt: skip
    named = themes(entries, embed)
    parts = [f"**{section.label}.** This month brings {kinds}"]
    parts[0] += f", gathered around {_join([_named(t) for t in named])}." if named else "."
    for number, pick in enumerate(picks(entries, limit)):
        lead = "Of most interest is" if number == 0 else "Also notable is"
        title = re.sub(r"^The ", "the ", pick.title)  # mid-sentence: "is the Importance of..."
        parts.append(f"{lead} {title}{_from(pick.title, pick.publisher)}. {pick.finding}")
    return " ".join(parts)


def draft(month_label: str, sections: list[Section], embed, signatory: str = "") -> str:
    """The draft foreword; within MAX_WORDS (second picks go first when it runs long)."""
    total = sum(section.count for section in sections)
    counts = _join([f"{section.count} in {section.label.lower()}" for section in sections])
    opening = (f"The {month_label} digest brings together {_count(total, 'new publication', 'new publications')}"
               + (f": {counts}." if sections else "."))  # fmt: skip
    for limit in (2, 1, 0):
        body = [sector_paragraph(section, embed, limit) for section in sections]
        text = "\n\n".join([DRAFT_MARK, opening, *body] + ([signatory] if signatory else []))
        if word_count(text) <= MAX_WORDS:
            break
    return text


_COUNTS = re.compile(r"This month brings [^,.]*")


def ungrounded(foreword: str, sections: list[Section]) -> list[str]:
    """The foreword's figures that none of the items (publisher, title, summary) contains; the
    counts (the opening line, each sector's "This month brings ...") are the edition's own and
    are left out."""
    body = _COUNTS.sub(" ", foreword.split("\n\n", 2)[-1])
    source = "\n".join(f"{e.publisher}\n{e.title}\n{e.summary}"
                       for s in sections for sub in s.subsections for e in sub.entries)  # fmt: skip
    return ungrounded_figures(body, source)
