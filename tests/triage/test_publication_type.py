"""Report or briefing by rules: metadata first, then publisher kind, then title cues."""

import pytest

from policypulse.triage.publication_type import type_by_rules


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
