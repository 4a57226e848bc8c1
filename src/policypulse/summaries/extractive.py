"""The offline default: a house-style opening, then the publication's key findings.

Editors write "This evaluation by the Department for Education looks at ...", then two to four
findings with their figures. So the opening is built from the metadata (or from the source's
own "This report provides ..." sentence, re-attributed), and the findings are the source's
sentences that score best as findings: in a key-findings or summary section, bullets, finding
verbs ("found", "suggests", "recommends"), figures. Sentences are lightly compressed (asides,
citations and footnote markers dropped), redundant ones skipped, acronyms spelled out once,
and the result trimmed to the word budget at a sentence boundary. Nothing is invented: every
word after the opening comes from the source, and the opening only from its metadata.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from policypulse.summaries.backends import Draft, Options, SummaryRequest
from policypulse.summaries.guard import DEFAULT_OPINION_WORDS, FIRST_PERSON, figures
from policypulse.summaries.scorer import FEATURES, SentenceScorer, default_scorer, embedder
from policypulse.summaries.text import (
    FINITE,
    RELATIVE,
    Candidate,
    acronyms,
    candidates,
    is_clause,
    readable,
    split_sentences,
    word_count,
)

NAME = "extractive"
RESERVE = 8  # words kept free for spelt-out acronyms and a lead-in

FINDING_CUES = re.compile(
    r"\b(found|finds|find|showed|shows?|suggests?|suggested|recommends?|recommended|"
    r"recommendations?|highlights?|concludes?|concluded|identified|reports? that|"
    r"increased?|decreased?|increases|decreases|rise|rises|rose|fell|fall|falls|fallen|"
    r"risen|lower|higher|improved|declined?|per cent|percentage|majority|half|third|"
    r"quarter|proportion|most|fewer|more than|less than|significant(?:ly)?|evidence|"
    r"impact|effective|outcomes?|should|need(?:s|ed)? to|must|rated|judged|estimate[sd]?)\b",
    re.I,
)
_SKIP = re.compile(
    r"\b(thank|grateful|gratitude|acknowledg|would like to|feedback on|please|click|"
    r"subscribe|follow us|\byou\b|\byour\b|invaluable|contents?\b|this page|this website|user feedback|privacy|"
    r"readers (?:are|is|should|may|can|will)\b)",
    re.I,
)
_SPOKEN = re.compile(r"^(?:Yes|No|Well|So|Of course|Now|Frankly|Sadly|Clearly),\s")
_DEPENDENT = re.compile(
    r"^(?:(?:This|That|These|It|They|Such|This figure|This number)\s+(?:is|was|were|are|"
    r"represents?|shows?|means|meant|compares|reflects|has|had|includes?|excludes?|matters|"
    r"raises|raised|suggests|highlights|leads|led|equates)\b"
    r"|That[’']s\b|It[’']s\b)"
)
_CONNECTIVE = re.compile(
    r"^(?:However|Further to this|In addition|Additionally|Furthermore|Moreover|Overall|"
    r"Specifically|Importantly|Meanwhile|Similarly|Indeed|Therefore|Consequently|As a result|"
    r"As a consequence|In particular|Finally|Also|Again|Nevertheless|First|Firstly|Second|"
    r"Secondly|Third|Thirdly|Lastly),\s+(?:that\s+(?=\w+\s+\w+))?"  # "Second, that the prices..."
)
_ASIDE = re.compile(
    r"\s*\((?:for example|e\.g\.|i\.e\.|see|the Department|the Committee|hereafter)[^()]*\)"
    r"|\s*\([A-Z][\w’'&.-]+(?:\s+(?:and|&)\s+[A-Z][\w’'-]+|\s+(?:and|et)\s+(?:others|al\.?))?,?"
    r"\s+(?:19|20)\d\d[a-z]?(?:;[^()]*)?\)",
)
_SELF_DESCRIPTION = re.compile(
    r"^(?:This|The)\s+(?:final\s+|interim\s+|annual\s+|latest\s+)?(?:report|publication|"
    r"release|study|evaluation|inspection|review|briefing|document|research|paper|survey|"
    r"bulletin|strand|analysis|brief|guide|guidance|strategy|statistical release)"
    r"(?:\s*,\s+(?:published|produced|written|commissioned)\b[^,]{3,120},)?\s+"  # ", published by X,"
    r"(?P<verb>provides|presents|sets out|examines|examined|looks at|reports|covers|summarises|maps|"
    r"details|explores|describes|assesses|assessed|considers|addresses|focuses|gives|"
    r"contains|brings together|draws on|is based|investigates|investigated|evaluates|"
    r"analyses|outlines|highlights|shows|finds|found)\b",
    re.I,
)
_KINDS = (
    ("evaluation", r"\bevaluat"),
    ("inspection", r"\binspection\b(?!\s+outcomes)"),
    ("annual report", r"\bannual report\b"),
    ("case study", r"\bcase stud"),
    ("market study", r"\bmarket study\b"),
    ("progress report", r"\bprogress report\b"),
    ("briefing paper", r"\bbriefing paper\b"),
    ("research brief", r"\bresearch brief\b"),
    ("survey", r"\bsurvey\b"),
    ("review", r"\breview\b"),
    ("guidance", r"\bguidance\b"),
    ("strategy", r"\bstrategy\b"),
)
_ORG_KEYWORDS = re.compile(
    r"\b(Department|Ministry|Office|Council|Commission|Committee|Agency|Foundation|Institute|"
    r"Association|Library|Authority|College|Trust|Centre|Group|Society|Partnership|Board|"
    r"Service|Government|Federation|Alliance|Unit|Commissioner|Ombudsman|Observatory|Panel|"
    r"Inspection|Inspectorate)\b"
)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_PLACES = {"England", "Wales", "Scotland", "Ireland", "Northern", "UK", "Britain", "Great",
           "London", "English", "British",
           # months are capitalised in any title: "Statutory homelessness in England: April to
           # June 2026" is not in title case
           *_MONTHS}  # fmt: skip
_SMALL_WORDS = {"of", "and", "for", "the", "to", "in", "on", "at", "with", "a", "an", "or", "by"}
_MONTH_NAMES = "|".join(_MONTHS)
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{_MONTH_NAMES}|Spring|Summer|Autumn|Winter)"
    r"\s+(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d(?:[-–/]\d{2,4})?\b",
    re.I,
)
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "by",
        "with",
        "at",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "their",
        "there",
        "which",
        "who",
        "has",
        "have",
        "had",
        "not",
        "no",
        "but",
        "than",
        "more",
        "most",
        "into",
        "over",
        "per",
        "cent",
        "also",
        "all",
        "any",
        "each",
    ]
)


def publisher_name(publisher: str) -> str:
    """'Department for Education (mirror: vdocuments.us)' -> 'Department for Education'."""
    return re.sub(r"\s*\([^()]*\)", "", publisher).strip(" .,;")


def names(text: str, publisher: str) -> bool:
    """Whether `text` names the publisher, as words ("ONS" is not in "questions")."""
    name = re.escape(publisher.lower().removeprefix("the ").strip())
    return bool(name) and re.search(rf"\b{name}\b", text.lower()) is not None


def with_article(name: str) -> str:
    """'the Department for Education', 'Ofsted', 'HM Inspectorate of Prisons', 'NHS Digital'."""
    if name.startswith("The "):  # mid-sentence: "by the Independent Review of..."
        return "the " + name[4:]
    if not name or name.lower().startswith("the ") or name.split()[0].isupper():
        return name
    # 'Ofsted and the Care Quality Commission' names two bodies and stays as it is; 'National
    # Data and Statistics Service' is one body, named by its last word.
    first, _, second = name.partition(" and ")
    one_body = second and not second.lower().startswith("the ") and _ORG_KEYWORDS.search(second)
    if one_body or (_ORG_KEYWORDS.search(first) and len(first.split()) > 1):
        return "the " + name
    return name


def kind_of(title: str, text_start: str, type_: str) -> str:
    """What the publication is, in the words an editor would use."""
    for kind, pattern in _KINDS:
        if re.search(pattern, title, re.I):
            return kind
    if re.search(r"\bevaluation\b", text_start, re.I):
        return "evaluation"
    if type_ == "briefing" and (
        re.search(r"\bbriefing\b", title, re.I)
        or re.search(r"\b(?:statistic|bulletin)", f"{title} {text_start}", re.I)
    ):
        return "briefing"  # editors: "This briefing reports on the outcome of each crime..."
    return "report"


def topic(title: str) -> str:
    """The title as the object of 'looks at': kind words and bracketed notes removed."""
    title = re.sub(r"\s*\([^()]*\)\s*$", "", title.strip()).strip(" .")
    # "Prison: the facts. Bromley Briefings Summer 2019": one title, not two sentences
    title = re.sub(r"(?<=[a-z]{3})\.\s+(?=[A-Z])", " – ", title)
    title = re.sub(
        r"^(?:an?\s+)?(?:thematic\s+|joint\s+|rapid\s+)?(?:evaluation|review|inspection|"
        r"process evaluation)\s+of\s+(?:the\s+)?",
        "", title, flags=re.I,
    )  # fmt: skip
    for _ in range(3):  # "X Evaluation - Final Report" sheds both
        title = re.sub(
            r"[\s:–-]+(?:final|interim|progress|impact|process)?\s*(?:evaluation|research brief|summary|"
            r"key findings|report summary|final report|evaluation report|report|market study)\s*$",
            "", title, flags=re.I,
        ).strip(" :–-")  # fmt: skip
    title = re.sub(r"\s+(?:[–-]\s+)?(?:final|interim)\s*$", "", title, flags=re.I).strip(" :–-")
    # "Short sentences and reoffending: a rapid evidence review", "The state of care 2025-26:
    # annual report of the Chief Inspector": the subtitle only says what the opening already does
    title = re.sub(
        r"\s*[:–-]\s+(?i:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}(?i:study|review|evaluation|survey|"
        r"analysis|report|guidance)(?:\s+(?:of|by)\s+(?:the\s+)?[A-Z][\w’' ]*"  # "of the Chief..."
        r"|\s+for\s+[a-z][\w’'-]*(?:\s+[a-z][\w’'-]*){0,2})?\s*$",  # "...for youth workers"
        "", title,
    ).strip(" :–-")  # fmt: skip
    words = [
        w
        for w in re.findall(r"[A-Za-z][\w’'-]*", title)
        if w.lower() not in _SMALL_WORDS and w not in _PLACES
    ]
    title_case = len(words) > 1 and sum(w[0].isupper() for w in words) / len(words) > 0.6
    if _DOING.match(title):  # "Monitoring the Mental Health Act": looks at monitoring it
        return title[0].lower() + title[1:]
    if title_case:
        if title.lower().startswith(("the ", "a ", "an ")):  # mid-sentence: "looks at the Lammy..."
            return title[0].lower() + title[1:]
        return "the " + title
    tokens = title.split()
    proper_name = len(tokens) > 1 and tokens[1][:1].isupper()  # "Return Home Well programme"
    if len(words) > 1 and not words[0][1:2].isupper() and title[:1].isupper() and not proper_name:
        title = title[0].lower() + title[1:]
    if proper_name and _NAMED_THING.search(title):
        return "the " + title  # "looks at the Return Home Well hospital discharge programme"
    return title


# A title that opens on what is done to something ("Monitoring the ...", "Reforming adult ..."
# is lower case already): a verb, so no "the" before it.
_DOING = re.compile(r"^[A-Z][a-z]+ing\s+(?:the|a|an|our|their|its|how|what)\s")
_NAMED_THING = re.compile(
    r"\b(?:programme|project|scheme|service|pilot|model|fund|initiative|approach|partnership|"
    r"pathfinder|network|trial)s?$"
)


def opening(document: SummaryRequest, found: list[Candidate]) -> tuple[str, int | None]:
    """The first sentence and, if it was the source's own self-description, its position."""
    publisher = with_article(publisher_name(document.publisher))
    start = " ".join(c.text for c in found[:4])
    kind = kind_of(document.title, start, document.type)
    by = f" by {publisher}" if publisher else ""
    for candidate in found[:6]:
        sentence = candidate.text
        match = _SELF_DESCRIPTION.match(sentence)
        if match and word_count(sentence) <= 45 and not FIRST_PERSON.search(sentence):
            rest = sentence[match.start("verb") :].strip()  # "sets out" keeps both words
            return _sentence(f"This {kind}{by} {rest}"), candidate.position
    annual = annual_opening(document.title, publisher)
    if annual:
        return annual, None
    if (named := _NAME_THEN_REPORT.match(document.title.strip())) and not _NAMED.match(
        document.title.strip()
    ):
        # "Fairer Care Funding: the report of the Commission on Funding of Care and Support"
        # was "This report by the Commission ... looks at the Fairer Care Funding."
        what = named["what"][0].lower() + named["what"][1:]
        what = what if what.startswith("the ") else f"the {what}"
        return _sentence(f"This is {named['name']}, {what}"), None
    words = _content_words(publisher)
    if words and _content_words(topic(document.title)) == words:
        # "The independent review of children's social care: final report" by the Independent
        # Review of Children's Social Care: "This review by X looks at X" says it twice.
        stage = _STAGE.search(document.title)
        what = f"{stage.group(1).lower()} report" if stage else kind
        return _sentence(f"This is the {what} of {publisher}"), None
    return _sentence(f"This {kind}{by}{what_it_does(document.title, kind)}"), None


# A title that is a name in Title Case, then what it is: "the report of" someone.
_NAME_THEN_REPORT = re.compile(
    r"^(?P<name>(?:[A-Z][\w’'-]*[,]?\s+(?:(?:of|and|for|the|in|on|to)\s+)?){0,5}[A-Z][\w’'-]*)"
    r":\s+(?P<what>(?i:the\s+)?(?i:final\s+|interim\s+)?(?i:report)\s+of\s+(?:the\s+)?[A-Z].+)$"
)
_STAGE = re.compile(r"\b(final|interim|first|second|third|progress)\s+report\b", re.I)


_ANNUAL = re.compile(
    r"^(?:the\s+)?(?P<subject>[^:]*?)[\s:–-]*\bannual (?P<what>report|review)"
    r"(?:\s+(?:of|on)\s+(?P<of>[^:]+?))?\s+(?:for\s+)?"
    r"(?P<period>(?:19|20)\d\d(?:\s*(?:[/–-]|to)\s*(?:19|20)?\d\d)?)"
    r"(?:\s*:\s*(?P<headline>.+))?$",
    re.I,
)


def annual_opening(title: str, publisher: str) -> str:
    """'HM Chief Inspector of Prisons Annual Report 2021-22' -> 'This is the annual report of
    HM Chief Inspector of Prisons for 2021-22.' ("This annual report looks at the ... Annual
    Report" said it twice)."""
    match = _ANNUAL.match(title.strip())
    if match is None:
        return ""
    of = (match["of"] or match["subject"] or "").strip(" :–-")
    if of and not match["of"] and of.split()[0].lower() in _SMALL_WORDS:
        return ""  # "The state of ... annual report" is not a subject
    sentence = f"This is the annual {match['what'].lower()}"
    sentence += f" of {of}" if of else (f" of {publisher}" if publisher else "")
    sentence += f" for {match['period']}"
    if of and publisher and not names(of, publisher):
        sentence += f", published by {publisher}"
    if match["headline"]:
        sentence += f": {match['headline'].strip()}"
    return _sentence(sentence)


_QUESTION = re.compile(r"^(what|why|how|where|when|which|who)\b(.*?)\s+do\s+(.+?)\s*\?$", re.I)
_NAMED = re.compile(
    r"^(?P<name>[^:]{3,80}):\s+(?:(?:an?|the)\s+)?(?:report\s+of\s+(?:the\s+)?)?"
    r"(?:[\w’'-]+(?:’s|'s)\s+)?(?:independent\s+|national\s+)?"
    r"(?:review|inquiry|investigation|study)\s+(?P<how>into|of)\s+(?P<rest>.+)$",
    re.I,
)
# A title that is a name, then what it is about: the name opens with "A"/"An" or asks a question
_TITLED = re.compile(
    r"^(?:(?P<a>An?\s[^:?]{3,60}):|(?P<q>[^:?]{3,40}\?):?)\s+(?P<rest>[^:?]{20,})$"
)


def what_it_does(title: str, kind: str) -> str:
    """What follows "This report by X" in an opening made from the title alone, as an editor
    words it: a question title is asked ("asks why children go into children's homes", not
    "looks at why do children go...?"), a named review ("The Lammy Review: an independent
    review into X") looks into X under its name; anything else is looked at. (An annual report
    keeps "looks at" its title: editors repeat the title's words, and ROUGE on their summaries
    fell when it only "covered 2021-22".)"""
    title = title.strip()
    question = _QUESTION.match(title)
    if question:  # "Why do children go...?" -> "why children go..." (plural subjects only)
        wh, middle, rest = question.groups()
        return f" asks {wh.lower()}{middle} {rest}".replace("  ", " ")
    if title.endswith("?"):
        return f" asks: “{title}”"
    named = _NAMED.match(title)
    if named and len(named["rest"].split()) >= 3 and kind in ("review", "report"):
        name = named["name"].strip()
        name = name[0].lower() + name[1:] if name.lower().startswith("the ") else name
        verb = "looks into" if named["how"].lower() == "into" else "looks at"
        return f", {name}, {verb} {named['rest'].rstrip(' .')}"
    titled = _TITLED.match(title)
    if titled:  # "A long way from home: young people's experiences of..."
        rest = titled["rest"].strip(" .")
        if not rest.split()[1][:1].isupper():
            rest = rest[0].lower() + rest[1:]
        return f", “{(titled['a'] or titled['q']).strip()}”, looks at {rest}"
    return f" looks at {topic(title)}"


def _sentence(text: str) -> str:
    text = text.strip()
    text = text.rstrip(":;,…").rstrip()
    closed = re.search(r"[.!?][’”'\")]*$", text)  # '... statistics.’' is already closed
    return text if closed else text + "."


_WE_VERB = re.compile(
    r"\b([Ww])e\s+(?:(also|then)\s+)?(have\s+)?(found|find|saw|seen|heard|visited|interviewed|"
    r"spoke|spoken|reviewed|looked|analysed|identified|concluded|estimated?|inspected|surveyed|"
    r"examined|considered|asked|received|observed|tracked|assessed|sampled|recommend(?:ed)?|"
    r"made|noted|judged|rated|gathered|collected|explored|set out|published)\b"
)
_PRESENT = {"find": "finds", "recommend": "recommends", "estimate": "estimates"}
_OUR_NOUN = re.compile(
    r"\b([Oo])ur\s+(report|review|inspection|inspections|research|analysis|findings|evidence|"
    r"study|survey|evaluation|inspectors|sample|case sample|fieldwork|data|recommendations|"
    r"visits|thematic|interviews)\b"
)


def third_person(sentence: str) -> str:
    """The publisher's own voice in the third person, as an editor reports it: 'We found that
    ...' -> 'It found that ...', 'our inspectors' -> 'the inspectors'. Only these set phrases
    are rewritten; any other first person stays, and keeps the sentence out."""

    def verb(match: re.Match) -> str:
        it = "It" if match.group(1) == "W" else "it"
        adverb = f"{match.group(2)} " if match.group(2) else ""
        have = "has " if match.group(3) else ""
        word = match.group(4)
        return f"{it} {adverb}{have}{word if have else _PRESENT.get(word, word)}"

    sentence = _WE_VERB.sub(verb, sentence)
    sentence = _OUR_NOUN.sub(lambda m: ("The " if m.group(1) == "O" else "the ") + m.group(2),
                             sentence)  # fmt: skip
    if _SELF_DESCRIPTION.match(sentence):  # "This report publishes our complaints data": its
        sentence = re.sub(r"\bour\b", "its", sentence)
    return sentence


def compress(sentence: str) -> str:
    """Light compression: asides, citations and leading connectives go; the claim stays."""
    sentence = _ASIDE.sub("", sentence)
    sentence = _CONNECTIVE.sub("", sentence)
    sentence = re.sub(r"^(?:Our|The)\s+(study|report|research|evaluation|analysis)\b",
                      r"The \1", sentence)  # fmt: skip
    sentence = sentence.replace("…", ".").rstrip()
    sentence = re.sub(r"\b(that|the|of|and|to) \1\b", r"\1", sentence)  # "found that that"
    if "”" in sentence and "“" not in sentence:  # the quotation began in another sentence
        sentence = sentence.replace("”", "")
    sentence = re.sub(r"(?<=[a-z])\.\d{1,2}\.?(?=\s|$)", ".", sentence)  # footnote: "budget.1."
    if sentence and sentence[0].islower():
        sentence = sentence[0].upper() + sentence[1:]
    sentence = _BY_LABEL.sub(lambda m: f"It was {m['verb'].lower()} by ", sentence)
    return _sentence(as_sentence(_headline(sentence)))


_HEADLINE = re.compile(
    r"^(?P<claim>[A-Z][^–—]{20,}?)\s+[–—-]\s+(?:the\s+|a\s+)?(?:new\s+)?(?P<who>inspection|"
    r"report|review|study|research|survey|inspectors|watchdog|regulator|ombudsman|inspectorate)"
    r"\s+(?P<verb>finds|says|warns|reveals|shows)[.!]?$",
    re.I,
)


def _headline(sentence: str) -> str:
    """A press headline, as a sentence: 'Recall decisions were right – inspection finds' ->
    'The inspection finds that recall decisions were right.'"""
    match = _HEADLINE.match(sentence)
    if not match:
        return sentence
    claim = match["claim"]
    claim = claim if claim[1:2].isupper() else claim[0].lower() + claim[1:]
    return f"The {match['who'].lower()} {match['verb'].lower()} that {claim}."


# A publisher's one-line description of the publication: a noun phrase with no main verb
# ("A study of 820 residents in 46 schemes, examining...", "Quarterly official statistics on
# households owed...", "Research with 1,420 young people on...").
_DESCRIPTION = re.compile(
    r"^(?P<det>(?:An?|The|This|Its|[A-Z][\w’'&-]*(?:’s|'s))\s+)?(?P<head>(?:(?!(?i:in|at|on|of|"
    r"by|for|to|with|from|as|an?|the|this|its|it|there|during|after|before|since|over|among|"
    r"across|between|under)\b)[\w’'-]+\s+){0,5}?"
    r"(?P<noun>(?i:study|studies|analysis|analyses|examination|assessment|review|survey|"
    r"research|statistics|evaluation|case studies|overview|summary|collection|exploration|"
    r"investigation|inspection|inquiry|mapping study|report|briefing|data|figures|estimates|"
    r"findings|guidance|advice)))"
    r"\s+(?:of|on|with|by|into|for|from|about|looking at|exploring|to help|to support)\b"
)
_MASS_NOUNS = {"research", "analysis", "analyses", "statistics", "data", "figures",
               "estimates", "findings", "studies", "case studies", "guidance", "advice"}  # fmt: skip


def as_sentence(text: str) -> str:
    """A description with no main verb, as an editor would write it: 'It is a study of...',
    'It presents research with...'. Anything else is returned as it is."""
    match = _DESCRIPTION.match(text)
    # A verb of its own makes it a sentence already; one in a relative clause ("people who use
    # services have told...") does not.
    if not match or FINITE.search(RELATIVE.sub("", text)):
        return text
    rest = text if text[1:2].isupper() else text[0].lower() + text[1:]  # keep "NHS data..."
    if match["det"]:
        return text if match["det"].startswith(("This", "Its")) else f"It is {rest}"
    if match["noun"].lower() in _MASS_NOUNS:
        return f"It presents {rest}"
    return f"It is {'an' if rest[0] in 'aeiouAEIOU' else 'a'} {rest}"


@lru_cache(maxsize=1024)
def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOPWORDS)


_TRAILING_CLAUSE = re.compile(
    r",\s+(?:where|which|while|although|though|whereas)\b[^,]*$|"
    r"\s+(?:and|but|while)\s*,[^.]*$"
)


@lru_cache(maxsize=32)
def opinion_pattern(opinion_words: tuple[str, ...]) -> re.Pattern | None:
    """One compiled pattern for the configured opinion words."""
    if not opinion_words:
        return None
    words = "|".join(re.escape(word) for word in opinion_words)
    return re.compile(rf"\b(?:{words})\b", re.I)


def _has_opinion(text: str, opinion_words: tuple[str, ...]) -> bool:
    pattern = opinion_pattern(tuple(opinion_words))
    return bool(pattern and pattern.search(text))


def drop_first_person_clause(sentence: str, opinion_words: tuple[str, ...]) -> str:
    """'... digital services, where we saw some impressive work.' -> '... digital services.'
    A sentence whose first person or opinion sits only in a trailing clause keeps its claim."""

    def offending(text: str) -> bool:
        return bool(FIRST_PERSON.search(text)) or _has_opinion(text, opinion_words)

    if not offending(sentence):
        return sentence
    body = sentence.rstrip(".")
    for _ in range(3):
        match = _TRAILING_CLAUSE.search(body)
        if match is None:
            return sentence
        body = body[: match.start()].rstrip(" ,")
        body = re.sub(r"\s+(?:and|but|or|while|with)$", "", body)
        if not offending(body):
            return body + "." if word_count(body) >= 8 else sentence
    return sentence


_LABEL = re.compile(r"^(?:Contact|ISBN|DOI|Keywords|Tags|Topics?|Publisher)\s*:\s", re.I)
# "Funded by: X in partnership with Y" -> "It was funded by X in partnership with Y."
_BY_LABEL = re.compile(
    r"^(?P<verb>Funded|Commissioned|Written|Produced|Supported|Prepared|Authored)\s+by\s*:\s+"
)
_WH_HEADING = re.compile(
    r"^(?:Why|How|What|Where|When|Who)\s+(?!is\b|are\b|was\b|were\b)\S+(?:\s+\S+){0,13}\.?$"
)
_LIST_INTRO = re.compile(
    r"\b(?:relating to|related to|including|includes?|such as|as follows|the following|"
    r"namely|are|is|were|was)\s*[.:]?$"
    # "... has published the following statement.", "... are set out below.": what they point
    # to is not in the summary
    r"|\bthe following(?!\s+(?:years?|months?|weeks?|days?|decades?|period|quarter)\b)"
    r"(?:\s+[\w-]+){1,2}\s*[.:]?$"
    r"|\b(?:set out|listed|shown|described|summarised|outlined|detailed)\s+below\s*[.:]?$"
)


def score(
    candidate: Candidate, opinion_words: tuple[str, ...], first_person: bool = False
) -> float | None:
    """How much a sentence reads as a key finding; None if it cannot appear at all."""
    text = drop_first_person_clause(third_person(candidate.text), opinion_words)
    rewritten = re.sub(r"^Our\s+(?=(?:study|report|research|evaluation|analysis)\b)", "", text)
    if (FIRST_PERSON.search(rewritten) and not first_person) or text.endswith("?"):
        return None
    if _has_opinion(text, opinion_words):
        return None
    if _SKIP.search(text) or re.search(r"“|\"", text):
        return None
    if _LIST_INTRO.search(text):  # "...sets out recommendations relating to." (the list lost)
        return None
    if _WH_HEADING.match(text):  # "Why knowing more about the people who work in care matters."
        return None
    if _LABEL.match(text):  # "Keywords: ...", "Contact: ..." (the page's metadata, not prose)
        return None
    if _SPOKEN.match(text):  # "Yes, there are staffing issues, yes..." (a speech, not a finding)
        return None
    if candidate.bullet and text[:1].islower() and not is_clause(text):
        return None  # "the range, nature and severity of allegations": a lead-in's object
    words = word_count(text)
    value = 1.0 / (1 + 0.08 * candidate.position)
    value += 1.0 * candidate.in_key_section + 0.3 * candidate.bullet
    value += 0.7 * min(3, len(_figure_values(text)))
    if candidate.bullet and text[:1].islower() and not _figure_values(text):
        value -= 1.0  # a list item continuing a sentence, not a finding
    value += 0.5 * min(3, len(FINDING_CUES.findall(text)))
    if words < 8 or words > 50:
        value -= 1.5
    if text.endswith((":", "…")):
        value -= 2.0
    return value


def _redundant(text: str, chosen: list[str]) -> bool:
    """Mostly the same words as a chosen sentence, or only figures already given."""
    words = _content_words(text)
    if not words:
        return True
    for other in chosen:
        if len(words & _content_words(other)) / len(words) > 0.6:
            return True
    mine = _figure_values(text)
    if len(mine) > 1:
        given = set().union(*(_figure_values(other) for other in chosen)) if chosen else set()
        return mine <= given
    return False


@lru_cache(maxsize=1024)
def _figure_values(text: str) -> frozenset[float]:
    """The values of a sentence's figures, dates left out. Cached per extract() call (the
    cache is cleared at its start), since scoring and de-duplication ask many times."""
    return frozenset(f.value for f in figures(_DATE.sub(" ", text)))


def _repeats_title(text: str, title: str, *, findings_too: bool = False) -> bool:
    """The title again, as a sentence: nothing the opening has not said. A sentence holding
    the title's words and a finding stays, unless `findings_too` and it is nearly all title
    (checked at selection, not in the shortlist the scorer learnt from)."""
    title_words, words = _content_words(title), _content_words(text)
    if len(title_words) < 3 or len(title_words & words) < 0.8 * len(title_words):
        return False
    if not FINDING_CUES.search(text):
        return True
    return findings_too and len(words - title_words) <= 0.1 * len(words)


def select(
    found: list[Candidate],
    budget: int,
    target: int,
    skip_position: int | None,
    opinion_words: tuple[str, ...],
    chosen: dict[int, str] | None = None,
    quote_first_person: bool = False,
    learned: dict[int, float] | None = None,
    title: str = "",
) -> dict[int, str]:
    """The best findings that fit the budget: {position: compressed sentence}.

    With `quote_first_person` (the fallback for thin sources), a sentence in the publication's
    own voice ("Our aim is ...") may appear as a quotation, attributed, never reworded."""
    chosen = dict(chosen or {})
    scored = []
    for candidate in found:
        if candidate.position == skip_position or candidate.position in chosen:
            continue
        if title and _repeats_title(candidate.text, title, findings_too=True):
            continue
        value = score(candidate, opinion_words)
        if value is None and quote_first_person and _quotable(candidate.text, opinion_words):
            value = score(candidate, opinion_words, first_person=True)
            value = None if value is None else value - 1.0
        if value is not None:
            if learned is not None and candidate.position in learned:
                value = learned[candidate.position] - (0 if score(candidate, opinion_words)
                                                       is not None else 1.0)  # fmt: skip
            scored.append((value, candidate))
    scored.sort(key=lambda pair: -pair[0])
    used = sum(word_count(text) for text in chosen.values())
    for _, candidate in scored:
        text = compress(drop_first_person_clause(third_person(candidate.text), opinion_words))
        if FIRST_PERSON.search(text):  # the verb is set once in page order (_quote_verbs)
            text = f"It states: “{candidate.text.rstrip()}”"
        count = word_count(text)
        if used + count > budget or _redundant(text, list(chosen.values())):
            continue
        if _DEPENDENT.match(candidate.text) and candidate.position - 1 not in chosen:
            continue
        chosen[candidate.position] = text
        used += count
        if used >= target:
            break
    return chosen


def _quote_verbs(body: list[str]) -> list[str]:
    """In page order, the first quotation "states" and any after it "adds" (chosen best
    first, a later quotation could otherwise come first and "add")."""
    quoted, result = 0, []
    for text in body:
        if text.startswith("It states: “"):
            if quoted:
                text = "It adds: “" + text.removeprefix("It states: “")
            quoted += 1
        result.append(text)
    return result


def _quotable(text: str, opinion_words: tuple[str, ...]) -> bool:
    """A first-person sentence that can stand as a quotation: no quotes or opinion inside."""
    if re.search(r"[“”\"]", text) or _SKIP.search(text) or text.endswith(("?", ":")):
        return False  # a lead-in quoted without its list says nothing
    return not _has_opinion(text, opinion_words)


_DIGIT_RUN = re.compile(r"\d+")
_CHEAP_CUES = ("found", "find", "recommend", "suggest", "show", "highlight", "conclude",
               "increase", "decrease", "rise", "rose", "fell", "fall", "per cent", "%")  # fmt: skip


def shortlist(
    found: list[Candidate], title: str, size: int = 30, repeats: bool = False
) -> list[Candidate]:
    """The opening sentences and the best `size` by a cheap score (position, section, digits,
    finding words), then the full checks (boilerplate, title repeats) on those only. With
    `repeats`, a sentence holding the title's words stays (a page too thin to do without)."""

    def cheap(candidate: Candidate) -> float:
        text = candidate.text
        lowered = text.lower()
        cues = sum(1 for stem in _CHEAP_CUES if stem in lowered)
        return (1.0 / (1 + 0.08 * candidate.position) + candidate.in_key_section
                + 0.3 * candidate.bullet + 0.7 * min(3, len(_DIGIT_RUN.findall(text)))
                + 0.5 * min(3, cues))  # fmt: skip

    best = sorted(found[8:], key=cheap, reverse=True)[:size]
    keep = {c.position for c in found[:8]} | {c.position for c in best}
    for candidate in best:  # a dependent sentence needs the one before it
        keep.add(candidate.position - 1)
    found = [_without_title(c, title) for c in found if c.position in keep]
    return [
        c for c in found
        if readable(c.text, c.bullet)
        and (repeats or not _repeats_title(c.text, title) or _SELF_DESCRIPTION.match(c.text))
    ]  # fmt: skip


def _without_title(candidate: Candidate, title: str) -> Candidate:
    """A sentence glued to the page's title line (a long headline with no full stop, then one
    line break: "Mapping refuge provision for women escaping domestic abuse This report maps
    ..."), without the title: the opening has already said it."""
    text = candidate.text
    parts = [title, *re.split(r"(?<=[?:])\s+", title)[1:]]
    parts += [re.sub(r"^(?:the|a|an)\s+", "", part, flags=re.I) for part in parts]
    for part in parts:
        part = part.strip()
        if word_count(part) >= 4 and text.lower().startswith(part.lower()):
            rest = text[len(part) :].lstrip(" :–-")
            if rest[:1].isupper() and word_count(rest) >= 6:
                return replace(candidate, text=rest)
    return candidate


def sentence_features(
    found: list[Candidate], title: str, opinion_words: tuple[str, ...], embed=None
) -> tuple[list[int], object]:
    """The learned scorer's features (scorer.FEATURES) of each sentence that may appear:
    (positions, rows). Similarities are to the mean of all candidates, of the first five
    (the opening) and to the title, in wordllama space."""
    import numpy as np

    eligible = [c for c in found if score(c, opinion_words) is not None
                or _quotable(c.text, opinion_words)]  # fmt: skip
    if not eligible:
        return [], np.zeros((0, len(FEATURES)))
    vectors = (embed or embedder())([c.text for c in found] + [title or " "])
    sentences, title_vector = vectors[:-1], vectors[-1]
    index = {c.position: i for i, c in enumerate(found)}
    centroid = _unit(sentences.mean(axis=0))
    opening = _unit(sentences[:5].mean(axis=0))
    rows = []
    for candidate in eligible:
        vector = sentences[index[candidate.position]]
        heuristic = score(candidate, opinion_words)
        if heuristic is None:
            heuristic = (score(candidate, opinion_words, first_person=True) or 0.0) - 1.0
        text = candidate.text
        rows.append([
            heuristic, 1.0 / (1 + 0.08 * candidate.position), float(candidate.in_key_section),
            float(candidate.bullet), float(min(3, len(_figure_values(text)))),
            float(min(3, len(FINDING_CUES.findall(text)))), min(60, word_count(text)) / 60,
            float(bool(_SELF_DESCRIPTION.match(text))), float(vector @ centroid),
            float(vector @ opening), float(vector @ title_vector),
        ])  # fmt: skip
    return [c.position for c in eligible], np.asarray(rows, dtype=float)


def _unit(vector):
    import numpy as np

    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def learned_values(
    found: list[Candidate], title: str, opinion_words: tuple[str, ...], scorer: SentenceScorer
) -> dict[int, float]:
    """{position: the learned scorer's value} for the sentences that may appear."""
    positions, rows = sentence_features(found, title, opinion_words)
    return dict(zip(positions, (float(v) for v in scorer.predict(rows)), strict=True))


# "A study of 820 residents, examining ..." names the publication, and "The report found ..."
# speaks for itself: "It reports that" before either is not a sentence.
_NAMES_THE_PUBLICATION = re.compile(
    r"^(?:an?|the|this)\s+(?:[\w-]+\s+){0,5}?(?:study|review|evaluation|report|survey|"
    r"analysis|summary|briefing|guide|inspection|paper|research|bulletin|release)\b",
    re.I,
)


# What `_lead_in` puts before a finding; readers of summaries (the foreword) look past it.
HOUSE_LEAD_IN = re.compile(r"^It (?:reports|found) that ")


_REPORTS_ITSELF = re.compile(
    r"\b(?:found|finds|shows?|showed|reveals?|revealed|concludes?|concluded|reports?|reported|"
    r"says|said|estimates?|estimated)\s+that\b"
)
_DATED_EVENT = re.compile(
    rf"^(?:In|On|By|Since|During)\s+(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{_MONTH_NAMES})"
    r"\s+(?:19|20)\d\d\b"
)


def _lead_in(sentence: str, kind: str) -> str:
    """'There were 354,000 ...' -> 'It reports that there were 354,000 ...' (house voice)."""
    first = sentence.split()[0]
    if not (FINDING_CUES.search(sentence) or _figure_values(sentence)):
        return sentence
    if _NAMES_THE_PUBLICATION.match(sentence) or _REPORTS_ITSELF.search(sentence):
        return sentence  # "It reports that ... the CQC has found that ..." says it twice
    if _DATED_EVENT.match(sentence):  # "In September 2015 the Lord Chancellor asked ...":
        return sentence  # what happened, not what the publication found
    if first in {"There", "The", "In", "Over", "Around", "Almost", "More", "Most", "Some",
                 "Local", "A", "An", "All", "Nearly", "Just", "Only", "Many", "Between"}:  # fmt: skip
        verb = "found" if kind in {"evaluation", "inspection", "review", "survey"} else "reports"
        return f"It {verb} that {sentence[0].lower()}{sentence[1:]}"
    return sentence


def spell_out_acronyms(summary: str, definitions: dict[str, str]) -> str:
    """The first use of a defined acronym carries its long form; later uses do not."""
    for acronym, long_form in definitions.items():
        if acronym not in summary:
            continue
        pattern = re.compile(rf"(?:{re.escape(long_form)}\s*)?\({re.escape(acronym)}\)", re.I)
        bare = re.compile(rf"(?<![\w(]){re.escape(acronym)}(?![\w)])")
        long_then_short = list(pattern.finditer(summary))
        first_bare = bare.search(summary)
        if not long_then_short and not first_bare:
            continue
        if long_then_short:
            keep = long_then_short[0]
            if first_bare and first_bare.start() < keep.start():
                summary = summary[: keep.start()] + acronym + summary[keep.end() :]
                summary = _expand_at(summary, bare.search(summary), long_form, acronym)
            else:
                head, tail = summary[: keep.end()], summary[keep.end() :]
                summary = head + pattern.sub(acronym, tail)
        elif first_bare:
            summary = _expand_at(summary, first_bare, long_form, acronym)
    return summary


def _expand_at(summary: str, match: re.Match | None, long_form: str, acronym: str) -> str:
    if match is None:
        return summary
    return summary[: match.start()] + f"{long_form} ({acronym})" + summary[match.end() :]


def extract(
    document: SummaryRequest, options: Options, scorer: SentenceScorer | None = None
) -> Draft:
    """The summary and notes for the editor (e.g. a source too short to reach min_words).
    With a learned `scorer`, sentences are chosen by it; without, by the hand-made score."""
    _figure_values.cache_clear()
    _content_words.cache_clear()
    text = _head(document.text, options.scan_chars)
    every = candidates(text, check=False)
    found = shortlist(every, document.title)
    first, skip = opening(document, found)
    kind = kind_of(document.title, " ".join(c.text for c in found[:4]), document.type)
    opinion = tuple(options.opinion_words or DEFAULT_OPINION_WORDS)
    budget = options.max_words - word_count(first) - RESERVE  # room for acronyms, a lead-in
    target = max(options.min_words, options.target_words) - word_count(first)
    learned = learned_values(found, document.title, opinion, scorer) if scorer else None
    chosen = select(found, budget, target, skip, opinion, learned=learned, title=document.title)
    if word_count(first) + sum(word_count(t) for t in chosen.values()) < options.min_words:
        chosen = select(found, budget, target, skip, opinion, chosen, quote_first_person=True,
                        learned=learned, title=document.title)  # fmt: skip
    if word_count(first) + sum(word_count(t) for t in chosen.values()) < options.min_words:
        # A thin page: a sentence with the title's words says more than nothing ("Ofsted was
        # asked by the government to carry out a rapid review of sexual abuse in schools").
        chosen = select(shortlist(every, document.title, repeats=True), budget, target, skip,
                        opinion, chosen, quote_first_person=True)  # fmt: skip
    body = _quote_verbs([chosen[position] for position in sorted(chosen)])
    if body:
        body[0] = _lead_in(body[0], kind)
    summary = spell_out_acronyms(" ".join([first, *body]), acronyms(text))
    summary = _trim(summary, options.max_words)
    notes = []
    if word_count(summary) < options.min_words:
        notes.append(f"the source offers too little usable text to reach {options.min_words} words")
    return Draft(summary, NAME, notes)


def _head(text: str, limit: int) -> str:
    """The first `limit` characters, cut at a paragraph or line break: a publication's summary
    and key findings come first, and reading ten pages would cost more than it finds."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


def _trim(summary: str, max_words: int) -> str:
    """Drop whole sentences from the end until the summary fits."""
    sentences = split_sentences(summary)
    while len(sentences) > 1 and word_count(" ".join(sentences)) > max_words:
        sentences.pop()
    return " ".join(sentences)


def lead(text: str, max_words: int) -> str:
    """The lead baseline: the text's first sentences up to the word budget."""
    chosen: list[str] = []
    for sentence in split_sentences(text):
        if chosen and word_count(" ".join([*chosen, sentence])) > max_words:
            break
        chosen.append(sentence)
    result = " ".join(chosen)
    if word_count(result) > max_words:
        result = " ".join(result.split()[:max_words])
    return result


class Extractive:
    """The offline backend, and the fallback when another gives up. One at a time: the work is
    pure Python, so threads would only take turns."""

    name = NAME
    concurrency = 1

    def __init__(self, scorer: SentenceScorer | None | bool = True):
        """`scorer`: a learned sentence scorer; True for the one shipped in the package,
        None or False for the hand-made score alone."""
        self.scorer = default_scorer() if scorer is True else (scorer or None)

    @classmethod
    def from_settings(cls, settings, *, examples, sleep, scorer=True) -> Extractive:
        """Nothing in pulse.toml configures it beyond the word budget in `Options`; the
        services pass the workspace's scorer (trained on its editors' summaries)."""
        return cls(scorer)

    def summarize(self, request: SummaryRequest, options: Options) -> Draft:
        return extract(request, options, self.scorer)
