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
    r"factsheet|data update)\b",
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


def type_by_rules(
    title: str, publisher: str = "", document_type: str = "", text: str = "", pages: int = 0
) -> tuple[str, str] | None:
    """(type, reason) when a rule is sure, else None. `pages`: the report PDF's page count
    (0 when there is none)."""
    if ruled := type_by_metadata(title, document_type, pages):
        return ruled
    if match := SELF_BRIEFING.search(text[:800]):
        return BRIEFING, f"the page calls itself {match.group(0)!r}"
    if GUIDE_TO_STATISTICS.search(title):
        return REPORT, "title says 'guide to'"
    if match := STRONG_BRIEFING_TITLE.search(title):
        return BRIEFING, f"title says {match.group(0)!r}"
    if (match := STATE_OF.search(title)) and (
        OFFICIAL_PUBLISHERS.search(publisher) or YEAR.search(title)
    ):
        return BRIEFING, f"title says {match.group(0)!r} (official or annual)"
    if match := COMMITTEE_PUBLISHERS.search(publisher):
        return REPORT, f"publisher is a {match.group(0).lower()}"
    if (match := STATISTICS_PUBLISHERS.search(publisher)) and not REPORT_TITLE.search(title):
        return BRIEFING, f"publisher is a statistics or briefing body ({match.group(0)})"
    if match := REPORT_TITLE.search(title):
        return REPORT, f"title says {match.group(0)!r}"
    if match := ANNOUNCEMENT_TITLE.search(title):
        return BRIEFING, f"title announces ({match.group(0)!r})"
    if match := NEWS_PUBLISHERS.search(publisher):
        return BRIEFING, f"a news page ({match.group(0)})"
    if match := WEAK_BRIEFING_TITLE.search(title):
        return BRIEFING, f"title says {match.group(0)!r}"
    if match := WEAK_REPORT_TITLE.search(title):
        return REPORT, f"title says {match.group(0)!r}"
    opening = text[:800]
    if match := STATISTICS_TEXT.search(opening) or BRIEFING_TEXT.search(opening):
        return BRIEFING, f"text says {match.group(0)!r}"
    if match := REPORT_TEXT.search(opening):
        return REPORT, f"text says {match.group(0)!r}"
    return None


def type_cues(title: str, publisher: str = "", text: str = "", document_type: str = "",
              pages: int = 0) -> list[float]:  # fmt: skip
    """Every cue as a number, for the learned type model: what the rules read, the weaker
    title, publisher and text cues, and the metadata (when a rule did not settle it)."""
    opening = text[:800]
    ruled = type_by_metadata(title, document_type, pages)
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
