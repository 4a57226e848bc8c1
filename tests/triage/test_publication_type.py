"""Report or briefing by rules: metadata first, then publisher kind, then title cues; the
strong rules are final, the weak ones evidence for the learned model."""

import pytest

from policypulse.triage.classify import Item, classify_type
from policypulse.triage.publication_type import (
    WEAK_RULES,
    normalise_document_type,
    reported_report,
    type_by_rules,
    type_cues,
    type_ruling,
)


@pytest.mark.parametrize(
    ("title", "publisher", "document_type", "expected"),
    [
        ("Anything at all", "Some Department", "official_statistics", "briefing"),
        ("Anything at all", "Some Department", "National Statistics", "briefing"),
        ("Anything at all", "Some Department", "research", "report"),
        ("Anything at all", "Some Department", "independent_report", "report"),
        ("Inspectorate annual report 2031", "Some Inspectorate", "corporate_report", "briefing"),
        ("Business plan 2031", "Some Inspectorate", "corporate_report", "report"),
        ("Widgets in care: what we found", "Office for National Statistics", "", "briefing"),
        ("Care in towns", "House of Commons Library", "", "briefing"),
        ("Care in towns", "Committee of Public Accounts", "", "report"),
        ("Quarterly figures on hospital waits", "A Think Tank", "", "briefing"),
        ("The state of adult care 2031", "Office for Care", "", "briefing"),
        ("Evaluation of a family support pilot", "Department for Families", "", "report"),
        ("Guidance for youth workers", "A Charity", "", "report"),
        ("Carers survey 2031", "A Charity", "", "briefing"),
        ("Listening to young people: findings", "An Inspectorate", "", "report"),
        ("Anything at all", "A Charity", "NewsArticle", "briefing"),
        ("Anything at all", "A Charity", "https://schema.org/ScholarlyArticle", "report"),
        ("A guide to absence statistics", "Some Department", "", "report"),
        (
            "New series of joint inspections to focus on domestic abuse",
            "An Inspectorate",
            "",
            "briefing",
        ),
        ("Care leavers face acute challenges", "Children's Services News", "", "briefing"),
        ("An evaluation of care for older prisoners", "Care Times", "", "report"),
    ],
)
def test_rules(title, publisher, document_type, expected):
    kind, reason = type_by_rules(title, publisher, document_type)
    assert kind == expected
    assert reason


def test_metadata_wins_over_the_title():
    kind, reason = type_by_rules("Evaluation statistics", "A Department", "research")
    assert (kind, reason) == ("report", "document type research")


def test_state_of_from_a_charity_without_a_year_is_left_to_the_model():
    assert type_by_rules("The state of the voluntary sector", "A Small Charity") is None


def test_text_saying_official_statistics_makes_a_briefing():
    kind, reason = type_by_rules(
        "Pupils with support plans", "A Department", text="These official statistics show..."
    )
    assert kind == "briefing" and "official statistics" in reason


@pytest.mark.parametrize(("pages", "expected"), [(120, "report"), (3, "briefing"), (12, None)])
def test_the_report_pdf_page_count_is_metadata_that_wins_over_the_title(pages, expected):
    ruled = type_by_rules("Quarterly figures on hospital waits", "A Think Tank", pages=pages)
    if expected is None:
        assert ruled == ("briefing", "title says 'Quarterly'")
    else:
        assert ruled[0] == expected and f"{pages} pages" in ruled[1]


def test_the_opening_of_the_text_decides_when_nothing_else_does():
    assert type_by_rules("Left out", "A Charity", text="This study examines 20 councils.")[0] == (
        "report"
    )
    assert type_by_rules("Left out", "A Charity", text="The department has published new "
                         "figures on waits.")[0] == "briefing"  # fmt: skip
    assert type_by_rules("Left out", "A Charity", text="Nothing telling here.") is None


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Research and analysis", "report"),  # GOV.UK's visible label for `research`
        ("research", "report"),
        ("Guidance", "report"),
        ("Policy paper", "report"),
        ("Accredited official statistics announcement", "briefing"),
        ("Official statistics, Survey", "briefing"),  # NHS England Digital's label
        ("National statistics", "briefing"),
        ("Press release", "briefing"),
    ],
)
def test_govuk_labels_read_like_their_document_types(label, expected):
    """A stored GOV.UK page shows its type as a label above the title, not as govuk:format."""
    kind, reason = type_by_rules("Review of widgets", "A Department", label)
    assert kind == expected and label in reason


def test_normalised_document_types():
    assert normalise_document_type("Research and analysis") == "research"
    assert normalise_document_type("https://schema.org/NewsArticle") == "newsarticle"
    assert normalise_document_type("  Official Statistics ") == "official_statistics"


def test_what_the_page_calls_itself_outranks_the_topic_in_its_title():
    text = "This briefing outlines key headlines from the review and our initial view."
    assert type_by_rules("Independent review of care: our initial view", "An Association",
                         text=text)[0] == "briefing"  # fmt: skip
    assert type_by_rules("Independent review of care: our initial view", "An Association")[0] == (
        "report"
    )


def test_type_cues_include_the_metadata_and_the_opening():
    plain = type_cues("Left out", "A Charity")
    cued = type_cues("Left out", "A Charity", "The annual report was published today.",
                     document_type="Research and analysis")  # fmt: skip
    assert len(plain) == len(cued)
    assert sum(plain) == 1  # only the flag of a page without text
    assert sum(cued) >= 3  # the report flag of the metadata, 'annual report' and 'published'


def test_a_confident_model_overrules_a_weak_rule():
    """A news page about a report takes the report's type: the news rule is weak evidence
    (right 7 times in 10 on the bundled examples), not a veto, so the learned model can
    overrule it when it is sure."""
    item = Item("Deaths in custody report published", "The report on the independent review "
                "of deaths in police custody has been published.", "Women's Views on News")  # fmt: skip
    kind, reason = classify_type(item, learned=0.1)
    assert kind == "report"
    assert "overrules the rule: title announces" in reason
    assert classify_type(item, learned=0.9)[0] == "briefing"
    assert classify_type(item)[0] == "briefing"  # no model: the weak rule decides


def test_the_publishers_own_word_and_a_reliable_rule_are_final():
    statistics = Item("Anything at all", "", "Some Department", "official_statistics")
    assert classify_type(statistics, learned=0.0) == (
        "briefing",
        "document type official_statistics",
    )
    annual = Item("Inspectorate annual report 2031", "", "A Charity")
    assert classify_type(annual, learned=0.0, reliable=("briefing title",))[0] == "briefing"
    assert classify_type(annual, learned=0.0)[0] == "report"  # the rule is not reliable here


def test_a_page_that_calls_itself_a_blog_is_a_briefing_whatever_its_title():
    ruling = type_ruling("Review of prison education", "An Association",
                         text="In this short blog we look at the changes.")  # fmt: skip
    assert (ruling.type, ruling.strong) == ("briefing", True)


def test_weak_rules_are_named_and_not_final():
    ruling = type_ruling("Care leavers face acute challenges", "Children's Services News")
    assert (ruling.type, ruling.rule, ruling.strong) == ("briefing", "news publisher", False)
    assert ruling.rule in WEAK_RULES
    assert type_ruling("Anything", "A Charity", "research").strong


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("The CQC has published its national review into maternity services.", True),
        ("Research published today has revealed a lack of places.", True),
        ("The Care Quality Commission review, found that four in 10 services fail.", True),
        ("The inspectorate has published its annual report on youth offending.", False),
        ("Waiting lists fell, new figures show.", False),
    ],
)
def test_what_a_news_page_reports_is_a_cue(opening, expected):
    assert reported_report(opening) is expected
