"""Reading a publication's text: boilerplate removal, sections, sentences, acronyms.

Pure functions over strings, shared by the extractive backend, the guard and the evaluation.
Harvested text arrives in two shapes: cleaned main content (headings on their own lines,
bullets as `•`) and raw page text with navigation, cookie banners, mirror-site chrome, PDF page
furniture and contents lists. Both go through `candidates()`, which keeps what reads as the
publication's own prose and tags each sentence with where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_BOUNDARY_CANDIDATE = re.compile(r"[.!?…][\"'’”)]?\s+(?=[A-Z0-9“\"‘(£])")
_ABBREVIATIONS = {"mr", "mrs", "dr", "ms", "e.g", "i.e", "no", "vs", "st", "cf", "etc"}


def _split_at_boundaries(block: str) -> list[str]:
    """Sentences of one block; a full stop after a common abbreviation is not a boundary.
    (One scan for boundary candidates, then a look at the word before: much faster than
    lookbehinds at every space on long documents.)"""
    parts, start = [], 0
    for match in _BOUNDARY_CANDIDATE.finditer(block):
        if block[match.start()] == ".":
            word = block[max(0, match.start() - 4) : match.start()].rsplit(None, 1)[-1:]
            if word and word[0].lower().lstrip("(") in _ABBREVIATIONS:
                continue
        end = match.start() + len(match.group(0).rstrip())
        parts.append(block[start:end])
        start = match.end()
    parts.append(block[start:])
    return parts


BULLET = re.compile(r"^\s*(?:[•\-*·●▪◦–]+|\(?[a-z0-9]{1,2}[.)])\s+")
_WORD = re.compile(r"\b[\w’'£%.-]+\b")

KEY_HEADING = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:key|main|headline|summary of)?\s*"
    r"(?:findings|points|messages|implications|conclusions?|recommendations|summary|"
    r"executive summary|headlines|at a glance|overview|what we found|results|key facts)\b",
    re.I,
)
_BOILERPLATE_PHRASES = (
    "cookie", "javascript", "skip to content", "skip to main content", "copied!",
    "report this document", "report this page", "print this page", "back to top",
    "is this page useful", "last updated", "release date", "next release", "e-mail", "email",
    "[email", "©", "copyright", "open government licen", "licensed under", "licenced under",
    "isbn", "this is not the latest release", "view latest release", "all rights reserved",
    "request an accessible format", "바카라", "semantic scholar", "published:",
    "date of next publication", "presented to parliament", "ordered by the house of",
    "typographical arrangement", "briefing paper number", "press office", "public enquiries",
    "http://", "https://", "www.", "telephone:", "tel:", " ... ", ".htm", ".pdf",
)  # fmt: skip
_BOILERPLATE = re.compile(
    r"\b(?:sign (?:in|up)|log in|menu|search|share (?:this|on)|downloads?|uploaded|upload|"
    r"post on|research report \d|page \d+ of \d+|size report)\b|@\w|[\uac00-\ud7af]|"
    r"^(?:applies to |(?:first )?published:? \d|updated:? \d|contact\b|academic year)|"
    r"^(?:research and analysis|official statistics|guidance|policy paper|news story|"
    r"press release|independent report|statistics|n/a|protected)$"
)
_DIGIT_TOKEN = re.compile(r"(?<!\S)[\d.,%()£-]+(?!\S)")
_TOC_ENTRY = re.compile(
    r"(?:\.{3,}|…)\s*\d+\s*$|^(?:\d+(?:\.\d+)*\.?\s+)?[A-Z][^.!?]{2,80}\s\d{1,3}$"
)
_NUMBER_RUN = re.compile(r"(?:(?<!\S)[\d.,]+%?\s+){5,}")
_GLUED_FOOTNOTE = re.compile(r"(?<=[a-z)”\"])\d{1,2}(?=[\s.,;:]|$)")
_TABLE_ROW = re.compile(r"^([^|]{3,200})\|([^|]{3,400})\|?\s*$")
_CONTENTS = re.compile(r"^(?:table of )?contents\b|^list of (?:figures|tables)\b", re.I)


@dataclass(frozen=True)
class Candidate:
    """A sentence of the source, with where it sits."""

    text: str
    position: int  # order in the document
    in_key_section: bool
    bullet: bool
    heading: str


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def split_sentences(text: str) -> list[str]:
    sentences = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[•\-*·●]\s)", text):
        block = " ".join(block.split())
        if block:
            sentences.extend(part.strip() for part in _split_at_boundaries(block) if part.strip())
    return sentences


def strip_footnote_markers(text: str) -> str:
    """'NHS Digital1 today' -> 'NHS Digital today'; leaves 'COVID-19' and '2016-17' alone."""
    return _GLUED_FOOTNOTE.sub("", text)


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    lowered = stripped.lower()
    for phrase in _BOILERPLATE_PHRASES:
        if phrase in lowered:
            return True
    if _BOILERPLATE.search(lowered) or _CONTENTS.match(stripped):
        return True
    tokens = stripped.count(" ") + 1
    if tokens <= 16 and _TOC_ENTRY.search(stripped) and word_count(stripped) <= 14:
        return True
    return tokens >= 3 and len(_DIGIT_TOKEN.findall(stripped)) / tokens > 0.5


def is_heading(line: str) -> bool:
    """A short line without closing punctuation: a heading in cleaned and raw text alike."""
    stripped = line.strip()
    if not stripped or BULLET.match(stripped) or stripped.endswith((".", ";", ",", ":", "…")):
        return KEY_HEADING.match(stripped) is not None and word_count(stripped) <= 6
    return word_count(stripped) <= 10 and stripped[0].isupper() or bool(KEY_HEADING.match(stripped))


_LONE_MARKER = re.compile(r"[•\-*·●▪◦–]")


def _lines(text: str) -> list[str]:
    """Lines of prose; a contents list is skipped until the next heading that is not in it."""
    lines, in_contents, marker = [], False, False
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if _LONE_MARKER.fullmatch(line):  # "•" or "-" on a line of its own (PDFs, some pages):
            marker = True  # the item is the next line
            continue
        if marker and line:
            line, marker = f"• {line}", False
        if not line:  # a blank line ends a paragraph: kept as "" (once), never inside contents
            if lines and lines[-1] and not in_contents:
                lines.append("")
            continue
        if _CONTENTS.match(line):
            in_contents = True
            continue
        if in_contents:
            if _TOC_ENTRY.search(line):
                continue
            if word_count(line) <= 3 and not line.endswith(".") and not KEY_HEADING.match(line):
                continue
            in_contents = False
        lines.append(line)
    return lines


def candidates(text: str, *, check: bool = True) -> list[Candidate]:
    """The source's sentences worth considering, boilerplate and furniture removed.
    With `check=False` the per-sentence boilerplate test is left to the caller (`readable`),
    who runs it on the few sentences it shortlists: long reports stay fast."""
    found: list[Candidate] = []
    heading, key = "", False
    position = 0
    paragraph: list[str] = []

    def kept(sentence: str, is_bullet: bool) -> bool:
        return readable(sentence, is_bullet) if check else sentence.count(" ") >= 5

    def flush(is_bullet: bool = False) -> None:
        nonlocal position
        block = " ".join(paragraph)
        paragraph.clear()
        for sentence in _split_glued(_split_at_boundaries(block)):
            sentence = clean_sentence(sentence)
            # A lead-in and short list items are held until lists are joined (_lists_joined).
            held = (sentence.endswith(":") and not is_bullet) or (is_bullet and " " in sentence)
            if held or kept(sentence, is_bullet):
                found.append(Candidate(sentence, position, key, is_bullet, heading))
                position += 1

    lines = _lines(text)
    while lines and not lines[-1]:
        lines.pop()
    if lines and not re.search(r"[.!?…\"”’)]$", lines[-1]):  # the excerpt stops mid-sentence
        last = lines[-1]
        cut = max(last.rfind(". "), last.rfind("? "), last.rfind("! "))
        lines[-1] = last[: cut + 1] if cut > 0 else ""
    whole_paragraphs = _paragraph_per_line(lines)
    for line in lines:
        if not line:  # a headline without a full stop is not glued to the next sentence
            flush()
            continue
        if (row := _TABLE_ROW.match(line)) is not None:
            line = f"• {row.group(1).strip()}: {row.group(2).strip()}"
        key_heading = KEY_HEADING.match(line) is not None and word_count(line) <= 6
        numbered_heading = bool(re.match(r"^\d+(?:\.\d+)*\.?\s+[A-Z]", line)) and (
            word_count(line) <= 7 and not line.endswith((".", ":", ";", ","))
        )
        if key_heading or numbered_heading or (is_heading(line) and not BULLET.match(line)):
            flush()
            if not is_boilerplate(line):
                heading = line.rstrip(":")
                key = bool(KEY_HEADING.match(heading))
            continue
        if BULLET.match(line):
            flush()
            paragraph.append(BULLET.sub("", line))
            flush(is_bullet=True)
            continue
        if is_boilerplate(line) and word_count(line) < 25:
            continue
        paragraph.append(line)
        if line.endswith((".", "!", "?", "…", ":")) or whole_paragraphs:
            flush()
    flush()
    joined = [c for c in _lists_joined(found, text) if kept(c.text, c.bullet)]
    return [replace(c, position=number) for number, c in enumerate(joined)]


def _paragraph_per_line(lines: list[str]) -> bool:
    """Whether each line is a whole paragraph (a web page's extracted text, one line per
    paragraph), not a column of wrapped lines (PDF text): then a line without a full stop is a
    headline ("Recall decision was right in most IPP cases – inspection finds"), not the start
    of a sentence that goes on below."""
    prose = [line for line in lines if line.count(" ") >= 7]
    return len(prose) >= 2 and sum(len(line) > 150 for line in prose) >= 0.5 * len(prose)


_LIST_LEAD_IN = re.compile(r"(?:\s+(?:the following|as follows|these|the following areas))?\s*:$")
MAX_LIST_WORDS = 50
_OPEN_END = re.compile(
    r"\b(?:at|on|to|of|for|into|about|with|by|from|include|includes|included|including|were|"
    r"are|was|is|be|covers?|covered|examines?|examined|considers?|considered|explores?|"
    r"explored|focus(?:es|ed)? on|such as|namely)$"
)


# A main verb (once relative clauses are taken out): a list item that has one is a sentence.
RELATIVE = re.compile(r"\b(?:who|which|that|whom|whose|where)\b[^,;]*")
FINITE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|must|may|might|does|do|"
    r"did|finds?|found|shows?|showed|suggests?|suggested|reveals?|revealed|highlights?|"
    r"highlighted|concludes?|concluded|indicates?|indicated|recommends?|recommended|"
    r"identifies|identified|argues?|argued|warns?|warned|says|said|rose|fell|grew|increased|"
    r"decreased|remains?|remained|provides?|provided|sets out|set out|looks at|looked at|"
    r"examines|examined|explores|explored|describes|described|covers|covered|estimates? that)\b",
)


# A lead-in that ends on a verb or "that" ("This reinspection found:", "show that:") takes its
# list items as objects: "found X and Y", never "found, including X".
_VERB_END = re.compile(
    rf"(?:{FINITE.pattern}|\b(?:includes?|shown|notes?|noted|saw|sees|heard|learn[td]|that|"
    r"whether)\b)$",
    re.I,
)


def _lists_joined(found: list[Candidate], text: str) -> list[Candidate]:
    """A lead-in ending in a colon, with the short list under it, as one sentence an editor
    would write ('The review looked at screening, adjustments... and training.'): the lead-in
    alone says nothing, and each item alone is a fragment. A longer list gives its first items
    that fit. The items stay candidates too, except those left out of a longer list that only
    continue the lead-in."""
    joined = list(found)
    dropped: set[int] = set()
    for index, lead_in in enumerate(found):
        if lead_in.bullet or not lead_in.text.endswith(":"):
            continue
        listed = listed_items(found, index)
        items = [item.text.rstrip(" .;,").removesuffix("; and").removesuffix(" and")
                 for item in listed]  # fmt: skip
        start = _LIST_LEAD_IN.sub("", lead_in.text)
        words = word_count(start) + sum(word_count(item) for item in items)
        if len(items) < 2 or any(item.endswith("?") for item in items):
            continue  # questions are not findings ("...research questions, including how ...?")
        some = False
        if (
            words > MAX_LIST_WORDS
            and not _OPEN_END.search(start)
            and (
                word_count(start) >= 4 or _VERB_END.search(start)  # not "Key messages, including"
            )
        ):
            # Too long to give whole: the first items that fit, as examples ("The review
            # focused on four themes, including screening ... and adjustments ...").
            while len(items) > 1 and words > MAX_LIST_WORDS:
                words -= word_count(items.pop())
            some = True
            # The items left out that only continue the lead-in ("training and support
            # available to staff") are fragments on their own.
            dropped.update(
                item.position
                for item in listed[len(items) :]
                if item.text[:1].islower() and not is_clause(item.text)
            )
        if words > MAX_LIST_WORDS:
            continue
        items = [_mid_sentence(item.rstrip(" ;,"), text) for item in items]
        colon = "" if _OPEN_END.search(start) else ":"  # "looked at X", "four themes: X"
        if some:  # "found X and Y" says no more than it found; "themes, including X and Y"
            colon = "" if _VERB_END.search(start) else ", including"
        listing = f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else items[0]
        sentence = f"{start}{colon} {listing}."
        joined[index] = Candidate(sentence, lead_in.position, lead_in.in_key_section, False,
                                  lead_in.heading)  # fmt: skip
    return [candidate for candidate in joined if candidate.position not in dropped]


def is_clause(text: str) -> bool:
    """A verb of its own ("two thirds of the children entered ...") or a figure: a finding,
    not a phrase that only continues its lead-in."""
    main = RELATIVE.sub("", text)
    return bool(FINITE.search(main) or re.search(r"\b[a-z]{3,}ed\b|\d", main))


def listed_items(found: list[Candidate], index: int) -> list[Candidate]:
    """The bullets right after the lead-in at `index`."""
    items: list[Candidate] = []
    for item in found[index + 1 :]:
        if not item.bullet or item.position != found[index].position + len(items) + 1:
            break
        items.append(item)
    return items


def _mid_sentence(item: str, text: str) -> str:
    """An item's first word as it would be written mid-sentence: lower case, unless the text
    writes it with a capital elsewhere too (a name) or it is an acronym."""
    words = item.split(" ", 2)
    first = words[0]
    if not first[:1].isupper() or first[1:2].isupper():
        return item
    if len(words) > 1 and words[1][:1].isupper():
        return item  # "Care Quality Commission"
    # Written with a capital mid-sentence, followed by the same word: a name ("Care homes"
    # is not one because the text says "the Care Quality Commission").
    if re.search(rf"[a-z,;] {re.escape(' '.join(words[:2]))}\b", text):
        return item
    return first[:1].lower() + item[1:]


_GLUED_START = re.compile(
    r"\s(?=(?:This|The)\s+(?:statistical release|publication|report|release|study|evaluation|"
    r"survey|bulletin|briefing|inspection|review)\s+[a-z])"
)


def _split_glued(sentences: list[str]) -> list[str]:
    """Flattened PDF and mirror text glues furniture to prose ('... 0303 444 1209 This
    publication provides ...'): split before a self-description and drop the furniture."""
    result = []
    for sentence in sentences:
        parts = _GLUED_START.split(sentence)
        for part in parts:
            if len(parts) > 1 and word_count(part) > 25 and is_boilerplate(part):
                tail = re.split(r"(?:\[email[^\]]*\]|https?://\S+|\b\d{3,5} \d{3} \d{4}\b)", part)
                part = tail[-1]
            result.append(part)
    return result


def readable(sentence: str, is_bullet: bool) -> bool:
    """Prose, not a fragment of page furniture or a chart's axis."""
    if word_count(sentence) < 6 or is_boilerplate(sentence) or _NUMBER_RUN.search(sentence):
        return False
    return is_bullet or sentence[0].isupper() or sentence[0] in "0123456789“\"‘'£("


# "Dear Children's Social Care Leaders, My name is ...": a cover letter's greeting, then its
# first sentence.
_GREETING = re.compile(r"^(?:Dear|Hello|Hi)\s[^,.;:]{1,60},\s+(?=[A-Z])")


_WHOLE_QUOTE = re.compile(r"[\"“]([A-Z][^\"“”]{20,})[\"”]")


def clean_sentence(sentence: str) -> str:
    sentence = strip_footnote_markers(" ".join(sentence.split()))
    sentence = _GREETING.sub("", sentence)
    # A sentence quoted whole (a page listing a report's key messages in its own words):
    # the publication's statement, kept without the marks, which would rule it out.
    if (whole := _WHOLE_QUOTE.fullmatch(sentence.rstrip(" ;,"))) is not None:
        sentence = whole.group(1).rstrip(" ;,")
        sentence += "" if sentence.endswith((".", "!", "?")) else "."
    # A quotation that runs over several sentences (a minister's foreword quoted whole) leaves
    # its first sentence with an opening mark only, its last with a closing one.
    if sentence[:1] in '"“' and not re.search(r"[\"“”]", sentence[1:]):
        sentence = sentence[1:]
    elif sentence[-1:] in '"”' and not re.search(r"[\"“”]", sentence[:-1]):
        sentence = sentence[:-1]
    sentence = re.sub(r"\s*\[footnote \d+\]", "", sentence)
    return sentence.strip(" ;")


_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&]*[A-Z]s?)\)")


def acronyms(text: str) -> dict[str, str]:
    """Acronyms the source defines: 'education, health and care (EHC)' gives
    {'EHC': 'education, health and care'}; the long form's initials must spell the acronym."""
    found: dict[str, str] = {}
    for match in _ACRONYM.finditer(text):
        acronym = match.group(1)
        if acronym in found:
            continue
        letters = [c for c in re.sub(r"s$", "", acronym) if c.isupper()]
        before = text[max(0, match.start() - 200) : match.start()]
        words = re.findall(r"[\w’'-]+,?|&", before)
        taken: list[str] = []
        index = len(letters) - 1
        for word in reversed(words):
            bare = word.rstrip(",").lower()
            if bare in _SMALL and taken:
                taken.insert(0, word)
                continue
            if index < 0 or word[0].upper() != letters[index]:
                break
            taken.insert(0, word)
            index -= 1
            if index < 0:
                break
        if index < 0:
            found[acronym] = " ".join(taken).rstrip(",")
    return found


_SMALL = {"of", "and", "for", "the", "to", "in", "on", "at", "with", "&", "or"}
