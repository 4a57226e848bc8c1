"""Report or briefing, from what the publication says about itself: metadata first (GOV.UK
document types as the page's `govuk:format` or its visible label, schema.org types, the report
PDF's page count), then what the page calls itself ("this briefing", "this release"), then the
title, the kind of publisher and the opening of the text. Each rule returns its reason, so an
editor can see why; `None` means no rule is sure and the learned model decides, over the
embeddings, their closeness to a description of each type and every cue below as numbers
(`type_cues`). New evidence goes into the learned model, not into more rules.

The house rule: official statistics, inspectorates' and regulators' annual or "state of"
reports, survey findings and short briefings are briefings; research, evaluations, reviews,
guidance, audits, committee reports, strategies and government responses are reports."""

from __future__ import annotations

import re
from dataclasses import dataclass

REPORT, BRIEFING = "report", "briefing"

BRIEFING_DOCUMENT_TYPES = {
    "official_statistics", "national_statistics", "statistical_data_set", "statistics",
    "official_statistics_announcement", "statistics_announcement", "transparency",
    "accredited_official_statistics", "research_briefing", "briefing",
    # schema.org types (lower-cased, as a page's JSON-LD @type gives them)
    "newsarticle", "reportagenewsarticle", "blogposting", "pressrelease", "dataset",
    "news_story", "press_release", "news_article", "blog_post",
}  # fmt: skip
REPORT_DOCUMENT_TYPES = {
    "research", "guidance", "independent_report", "policy_paper", "impact_assessment",
    "evaluation", "consultation_outcome", "statutory_guidance", "government_response",
    "detailed_guide", "correspondence", "report", "case_study",
    # schema.org types
    "scholarlyarticle", "medicalscholarlyarticle", "thesis", "book", "techarticle",
}  # fmt: skip
# GOV.UK's visible labels (what a stored copy of the page shows above its title) for the
# document types whose label is not the type's own name.
DOCUMENT_TYPE_LABELS = {
    "research_and_analysis": "research", "news_story": "news_story", "policy_paper": "policy_paper",
    "foi_release": "transparency", "transparency_data": "transparency",
}  # fmt: skip
STATISTICS_TYPE = re.compile(r"statistic")  # every GOV.UK statistics type and its label
LONG_PDF, SHORT_PDF = 40, 4  # pages: a report's PDF is long, a briefing's a few pages
NEWS_PUBLISHERS = re.compile(
    r"\b(news|times|gazette|magazine|today|now|matters|guardian|express|itv|"
    r"bbc|week|blog)\b",
    re.I,
)
ANNOUNCEMENT_TITLE = re.compile(
    r"\b(announced?|announces|launch(es|ed)?|roll[- ]?out|commissions|to focus on|"
    r"(an )?update on|updated|statement|what does .+ mean|published|rise|rises|cover half)\b",
    re.I,
)
BRIEFING_TEXT = re.compile(
    r"\b(has (today |just )?(published|released|announced|revealed)|published today|"
    r"today published|(was|were|been|are|is) announced|new figures|latest figures|"
    r"figures (show|released|published)|this (briefing|factsheet|short blog|blog|data update|"
    r"dataset)|in this short blog)\b",
    re.I,
)
REPORT_TEXT = re.compile(
    r"\b(this (report|study|paper|review|evaluation|guidance|handbook|research|resource)|"
    r"we (undertook|conducted|evaluated|interviewed|reviewed|inspected|examined)|"
    r"systematic review|executive summary|methodology|methods?:|the aim of (the|this) study)\b",
    re.I,
)
# What a page calls itself outranks the topic words of its title ("... review: our view").
SELF_BRIEFING = re.compile(
    r"\bthis (briefing|short briefing|(statistical |statistics )?(first )?release|bulletin|"
    r"factsheet|data update|(short )?blog( post)?)\b",
    re.I,
)
GUIDE_TO_STATISTICS = re.compile(r"\bguide to\b", re.I)

STATISTICS_PUBLISHERS = re.compile(
    r"\b(office for national statistics|statistics|statistical|nhs digital|"
    r"house of commons library|commons library|lords library|parliamentary office of "
    r"science|research briefing)",
    re.I,
)
INSPECTORATE_PUBLISHERS = re.compile(
    r"\b(inspectorate|inspector|ofsted|care quality commission|cqc|hmicfrs|regulator|"
    r"regulation|care standards|estyn|care inspectorate)",
    re.I,
)
OFFICIAL_PUBLISHERS = re.compile(
    r"\b(office|inspectorate|commission|ofsted|regulator|department|ministry|hm |his majesty|"
    r"her majesty|nhs|agency|authority|government|council|executive|board)\b",
    re.I,
)
COMMITTEE_PUBLISHERS = re.compile(
    r"\b(committee|national audit office|audit office|select committee|public accounts|"
    r"all-party parliamentary group|appg)\b",
    re.I,
)

# Strong briefing cues win over report cues ("statistics on the evaluation of..." is a release).
STRONG_BRIEFING_TITLE = re.compile(
    r"\b(statistics|statistical|bulletin|annual report|annual [a-z]+ report|annual assessment|"
    r"annual review of|quarterly|monthly|year ending|data release|key facts|in numbers|"
    r"inspection outcomes|chief inspector['’]?s? .*report|main results|briefing paper)\b",
    re.I,
)
STATE_OF = re.compile(r"\bstate of\b", re.I)
YEAR = re.compile(r"\b(19|20)\d\d\b")
REPORT_TITLE = re.compile(
    r"\b(evaluation|evaluating|evaluated|review|guidance|guide|response|strategy|"
    r"case stud(y|ies)|inquiry|report of session|feasibility|toolkit|framework|lessons|"
    r"value for money|evidence|research report|thematic|inspection of|national inspection|"
    r"impact report|process report|pilot|plan for|action plan|consultation)\b",
    re.I,
)
WEAK_BRIEFING_TITLE = re.compile(
    r"\b(surveys?|results|figures|(england|wales|scotland|great britain|united kingdom|uk)"
    r"[:,]? (19|20)\d\d)\b",
    re.I,
)
WEAK_REPORT_TITLE = re.compile(r"\b(findings|strand|lessons|learning from|what works)\b", re.I)
STATISTICS_TEXT = re.compile(
    r"\b(official statistics|national statistics|statistical (first )?release|"
    r"statistical bulletin|this (statistical )?release|experimental statistics|"
    r"accredited official statistics)\b",
    re.I,
)


def normalise_document_type(document_type: str) -> str:
    """One spelling for a GOV.UK type (`official_statistics`), its visible label ("Official
    Statistics"), a schema.org type or URL: lower case, words joined by underscores."""
    value = document_type.strip().lower()
    value = value.removeprefix("https://schema.org/").removeprefix("http://schema.org/")
    value = "_".join(re.findall(r"[a-z0-9]+", value))
    return DOCUMENT_TYPE_LABELS.get(value, value)


def type_by_metadata(title: str, document_type: str = "", pages: int = 0) -> tuple[str, str] | None:
    """What the publisher's own metadata says: its document type, else the PDF's length."""
    doc_type = normalise_document_type(document_type)
    if doc_type in BRIEFING_DOCUMENT_TYPES or STATISTICS_TYPE.search(doc_type):
        return BRIEFING, f"document type {document_type}"
    if doc_type == "corporate_report":
        if STRONG_BRIEFING_TITLE.search(title) or STATE_OF.search(title):
            return BRIEFING, f"document type {document_type}, annual or 'state of' title"
        return REPORT, f"document type {document_type}"
    if doc_type in REPORT_DOCUMENT_TYPES:
        return REPORT, f"document type {document_type}"
    if pages >= LONG_PDF:
        return REPORT, f"its PDF has {pages} pages"
    if 0 < pages <= SHORT_PDF:
        return BRIEFING, f"its PDF has {pages} pages"
    return None


@dataclass(frozen=True)
class Ruling:
    """A rule's verdict: its type, the reason an editor reads, the rule's name, and whether
    it is the publisher's own word (`strong`: its metadata, what the page calls itself),
    which is final. A weak rule (title, publisher, text cues) is evidence: the learned model
    knows which weak rule fired and how often each was right, and decides."""

    type: str
    reason: str
    rule: str
    strong: bool = False


def type_by_rules(
    title: str, publisher: str = "", document_type: str = "", text: str = "", pages: int = 0
) -> tuple[str, str] | None:
    """(type, reason) of the first rule that fires, strong or weak, else None. `pages`: the
    report PDF's page count (0 when there is none)."""
    ruling = type_ruling(title, publisher, document_type, text, pages)
    return (ruling.type, ruling.reason) if ruling else None


def type_ruling(
    title: str, publisher: str = "", document_type: str = "", text: str = "", pages: int = 0
) -> Ruling | None:
    """The first rule that fires, in order: the strong ones, then the weak (WEAK_RULES)."""
    if ruled := type_by_metadata(title, document_type, pages):
        return Ruling(*ruled, rule="metadata", strong=True)
    if match := SELF_BRIEFING.search(text[:800]):
        return Ruling(BRIEFING, f"the page calls itself {match.group(0)!r}", "self", strong=True)
    for name, kind, test, reason in _WEAK_RULES:
        if match := test(title, publisher, text[:800]):
            return Ruling(kind, reason.format(match.group(0), match.group(0).lower()), name)
    return None


def _state_of(title: str, publisher: str, _text: str):
    match = STATE_OF.search(title)
    return (
        match if match and (OFFICIAL_PUBLISHERS.search(publisher) or YEAR.search(title)) else None
    )


def _statistics_publisher(title: str, publisher: str, _text: str):
    return None if REPORT_TITLE.search(title) else STATISTICS_PUBLISHERS.search(publisher)


# The weak rules, first match wins: (name, type, test(title, publisher, opening), reason).
_WEAK_RULES = (
    ("guide to", REPORT, lambda t, p, x: GUIDE_TO_STATISTICS.search(t), "title says 'guide to'"),
    ("briefing title", BRIEFING, lambda t, p, x: STRONG_BRIEFING_TITLE.search(t),
     "title says {0!r}"),
    ("state of", BRIEFING, _state_of, "title says {0!r} (official or annual)"),
    ("committee", REPORT, lambda t, p, x: COMMITTEE_PUBLISHERS.search(p),
     "publisher is a {1}"),
    ("statistics publisher", BRIEFING, _statistics_publisher,
     "publisher is a statistics or briefing body ({0})"),
    ("report title", REPORT, lambda t, p, x: REPORT_TITLE.search(t), "title says {0!r}"),
    ("announcement title", BRIEFING, lambda t, p, x: ANNOUNCEMENT_TITLE.search(t),
     "title announces ({0!r})"),
    ("news publisher", BRIEFING, lambda t, p, x: NEWS_PUBLISHERS.search(p), "a news page ({0})"),
    ("weak briefing title", BRIEFING, lambda t, p, x: WEAK_BRIEFING_TITLE.search(t),
     "title says {0!r}"),
    ("weak report title", REPORT, lambda t, p, x: WEAK_REPORT_TITLE.search(t),
     "title says {0!r}"),
    ("briefing text", BRIEFING,
     lambda t, p, x: STATISTICS_TEXT.search(x) or BRIEFING_TEXT.search(x), "text says {0!r}"),
    ("report text", REPORT, lambda t, p, x: REPORT_TEXT.search(x), "text says {0!r}"),
)  # fmt: skip
WEAK_RULES = tuple(name for name, *_ in _WEAK_RULES)


# Cues for the learned model only (no rule reads them): what kind of publication a news page
# reports, the label a page opens with, data and period patterns, the word for a study in
# the title, a service's own information page, and the kind of publisher.
_KINDS = (
    r"(report|review|inspection|investigation|inquiry|research|study|analysis|evaluation|"
    r"white paper|green paper|strategy|guidance|vision)"
)
# A news page about one publication: a sentence whose subject or object is the publication.
REPORTED_REPORT = re.compile(
    rf"\b((published|publishes|released|launched|sets out)( [\w-]+){{0,3}} {_KINDS}|"
    rf"{_KINDS}\b[^.]{{0,80}}\b(published|released|found|finds|highlights|shows|reveals|"
    rf"revealed|recommends|makes \d+ recommendations)|"
    rf"according to (the|a|an|its)( [\w-]+){{0,4}} {_KINDS})\b",
    re.I,
)
REPORTED_BRIEFING = re.compile(
    r"\b(annual (review|report|ratings|assessment|survey|statistics)|performance assessment|"
    r"(latest|new|official|quarterly|monthly) (figures|statistics|data)|survey (results|"
    r"responses|data)|statistics (show|published|released))\b",
    re.I,
)
BRIEFING_LABEL = re.compile(r"\b(briefing|blog|news|press release|factsheet)\b", re.I)
PERIOD = re.compile(r"\b(19|20)\d\d ?[/–-] ?(\d\d|(19|20)\d\d)\b")
DATA_TEXT = re.compile(
    r"\b(academic years?|financial years?|last updated|data update|indicators?|percentage of|"
    r"per (100|1,000|10,000|100,000)|rates? per|data (on|relating to|for)|figures for)\b",
    re.I,
)
DATA_TITLE = re.compile(
    r"\b(update|indicators?|data|dataset|waiting times|quality report|profiles?|rates?|"
    r"absences?|numbers)\b",
    re.I,
)
STUDY_TITLE = re.compile(
    r"\b(report|study|studies|analysis|investigation|inspections?|inspecting|cohort|trial|"
    r"audit|inquiry|research|recommendations)\b",
    re.I,
)
SERVICE_TEXT = re.compile(
    r"\b(we (work|provide|offer|support|help)|our (service|services|team|programme)|you can|"
    r"if you|your (child|family)|contact us|referrals?|eligible)\b",
    re.I,
)
ACADEMIC_PUBLISHERS = re.compile(
    r"\b(journal|university|universities|bmc|bmj|lancet|plos|frontiers|f1000|medicine|"
    r"epidemiology|academic|press)\b",
    re.I,
)
THINK_TANK_PUBLISHERS = re.compile(
    r"\b(institute|foundation|centre for|center for|think tank|policy|trust)\b", re.I
)
PROVIDER_PUBLISHERS = re.compile(
    r"\b(council|nhs (foundation )?trust|healthcare|health board|borough|county)\b", re.I
)


def reported_report(opening: str) -> bool:
    """The page reports a publication that is not itself a briefing ("annual report")."""
    match = REPORTED_REPORT.search(opening)
    return bool(match and not REPORTED_BRIEFING.search(match.group(0)))


def type_cues(title: str, publisher: str = "", text: str = "", document_type: str = "",
              pages: int = 0) -> list[float]:  # fmt: skip
    """Every cue as a number, for the learned type model: what the rules read, which weak
    rule fired (one flag per rule: its reliability is learnt), the cues no rule reads, and
    the metadata (when a rule did not settle it). No length of text: the bundled examples
    hold a page's opening (or none), what the harvest extracts is the whole page."""
    opening = text[:800]
    ruled = type_by_metadata(title, document_type, pages)
    ruling = type_ruling(title, publisher, document_type, text, pages)
    weak = ruling.rule if ruling and not ruling.strong else ""
    flags = [
        STRONG_BRIEFING_TITLE.search(title), STATE_OF.search(title),
        WEAK_BRIEFING_TITLE.search(title), WEAK_REPORT_TITLE.search(title),
        REPORT_TITLE.search(title), ANNOUNCEMENT_TITLE.search(title),
        GUIDE_TO_STATISTICS.search(title), YEAR.search(title),
        STATISTICS_PUBLISHERS.search(publisher), INSPECTORATE_PUBLISHERS.search(publisher),
        COMMITTEE_PUBLISHERS.search(publisher), NEWS_PUBLISHERS.search(publisher),
        OFFICIAL_PUBLISHERS.search(publisher),
        STATISTICS_TEXT.search(opening), BRIEFING_TEXT.search(opening),
        REPORT_TEXT.search(opening),
        STRONG_BRIEFING_TITLE.search(opening), STATE_OF.search(opening),
        REPORT_TITLE.search(opening), ANNOUNCEMENT_TITLE.search(opening),
        ruled and ruled[0] == BRIEFING, ruled and ruled[0] == REPORT,
        reported_report(opening), REPORTED_BRIEFING.search(opening),
        BRIEFING_LABEL.search(opening[:300]), PERIOD.search(title), PERIOD.search(opening),
        DATA_TEXT.search(opening), DATA_TITLE.search(title), STUDY_TITLE.search(title),
        SERVICE_TEXT.search(opening), ACADEMIC_PUBLISHERS.search(publisher),
        THINK_TANK_PUBLISHERS.search(publisher), PROVIDER_PUBLISHERS.search(publisher),
        not opening,  # a title-only page (a bundled page under no open licence)
        *(weak == name for name in WEAK_RULES),
    ]  # fmt: skip
    return [float(bool(flag)) for flag in flags]


def cue_features(title: str, publisher: str = "", text: str = "") -> list[float]:
    """The same cues as numbers, for the learned type model when no rule is sure."""
    return [
        float(bool(STRONG_BRIEFING_TITLE.search(title))),
        float(bool(STATE_OF.search(title))),
        float(bool(WEAK_BRIEFING_TITLE.search(title))),
        float(bool(WEAK_REPORT_TITLE.search(title))),
        float(bool(REPORT_TITLE.search(title))),
        float(bool(STATISTICS_PUBLISHERS.search(publisher))),
        float(bool(INSPECTORATE_PUBLISHERS.search(publisher))),
        float(bool(COMMITTEE_PUBLISHERS.search(publisher))),
        float(bool(STATISTICS_TEXT.search(text[:800]))),
        float(bool(YEAR.search(title))),
    ]
