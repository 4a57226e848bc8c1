"""The draft foreword in prose: themes named as phrases, picks with publisher and a finding
from their summaries, month and counts first, marked as a draft, within 120-300 words, and
every figure traced to the items."""

from __future__ import annotations

import re

import numpy as np

from policypulse.editions.compose import Entry, compose
from policypulse.editions.foreword import (
    DRAFT_MARK,
    draft,
    finding_of,
    phrases,
    theme_name,
    ungrounded,
)
from policypulse.summaries.text import word_count

VOCABULARY = ["kinship", "care", "homes", "children", "custody", "youth", "probation", "women",
              "workforce", "vacancies", "carers", "hospital"]  # fmt: skip


def embed(texts):
    """Bag of words over a small vocabulary: a real, deterministic embedding for clustering."""
    rows = [[t.lower().count(word) + 0.01 for word in VOCABULARY] for t in texts]
    vectors = np.asarray(rows, dtype=float)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def entry(key, sector, kind, publisher, title, summary):
    return Entry(key, sector, kind, title, publisher, f"https://example.org/{key}", summary,
                 order=key)  # fmt: skip


ENTRIES = [
    entry(1, "children", "report", "Department for Education",
          "Kinship care: support for kinship carers",
          "This evaluation by the Department for Education looks at support for kinship carers. "
          "It found that 38 per cent of kinship carers had no financial support."),
    entry(2, "children", "report", "Ofsted", "Kinship care arrangements in six local areas",
          "This inspection by Ofsted examines kinship care arrangements. Inspectors judged "
          "that plans for kinship care were weak in four of the six areas."),
    entry(3, "children", "briefing", "Ofsted", "Children's homes: quarterly data",
          "This briefing by Ofsted reports the number of children's homes. The number of homes "
          "rose to 2,209 in March."),
    entry(4, "justice", "report", "HM Inspectorate of Prisons", "Youth custody: a thematic review",
          "This review by HM Inspectorate of Prisons looks at youth custody. It found that "
          "children spent 22 hours a day in their cells."),
    entry(5, "justice", "briefing", "Ministry of Justice", "Women on probation: statistics",
          "This briefing by the Ministry of Justice reports probation caseloads. Women made up "
          "15% of the probation caseload."),
]  # fmt: skip


def sections():
    return compose(ENTRIES, [("children", "Children's services"), ("justice", "Justice")],
                   [("report", "Reports"), ("briefing", "Briefings")])  # fmt: skip


def test_phrases_stay_within_a_part_of_the_title_and_are_never_single_words():
    found = phrases("Growing the adult social care workforce: overseas recruitment and retention")
    assert "adult social care" in found and "overseas recruitment" in found
    assert not any(" and " in p or len(p.split()) < 2 for p in found)
    assert "workforce overseas" not in found  # across the colon
    assert theme_name(["Young people's lives", "Young people's homes"]) != "young people's"


def test_a_cluster_is_named_by_the_phrase_its_titles_share():
    titles = ["Kinship care: support for kinship carers", "Kinship care arrangements in six areas"]
    assert theme_name(titles) == "kinship care"


def test_the_draft_is_prose_with_month_counts_themes_and_picks():
    text = draft("March 2026", sections(), embed, "The editor")
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == DRAFT_MARK
    assert paragraphs[1] == ("The March 2026 digest brings together 5 new publications: "
                             "3 in children's services and 2 in justice.")  # fmt: skip
    children = paragraphs[2]
    assert children.startswith("**Children's services.** This month brings 2 reports and 1 "
                               "briefing, gathered around kinship care")  # fmt: skip
    assert "from the Department for Education. It found that 38 per cent" in children
    assert "themes include" not in text and paragraphs[-1] == "The editor"
    assert 60 <= word_count(text) <= 300
    assert ungrounded(text, sections()) == []


def test_a_figure_the_items_do_not_hold_is_caught():
    text = draft("March 2026", sections(), embed)
    assert ungrounded(text.replace("38 per cent", "48 per cent"), sections()) == ["48 per cent"]


def test_a_finding_is_a_sentence_of_the_summary_after_its_opening():
    summary = ENTRIES[0].summary
    assert (
        finding_of(summary)
        == "It found that 38 per cent of kinship carers had no financial support."
    )
    assert finding_of("This report looks at things.") is None


def test_a_long_draft_drops_second_picks_to_stay_within_300_words():
    many = [entry(10 + i, "children", "report", f"Council {i}", f"Kinship care study {i}",
                  "This report looks at kinship care. " + "It found that 38 per cent of carers "
                  "had no support and that many waited months for an assessment. " * 3)
            for i in range(6)]  # fmt: skip
    text = draft("May 2026", compose(many, [("children", "Children")], [("report", "Reports")]),
                 embed)  # fmt: skip
    assert word_count(text) <= 300 and len(re.findall("Of most interest", text)) == 1


def test_an_empty_edition_still_gets_a_draft():
    text = draft("June 2026", [], embed)
    assert text == DRAFT_MARK + "\n\nThe June 2026 digest brings together 0 new publications."


def test_a_theme_is_a_whole_phrase_and_a_name_keeps_its_capitals():
    """The demo's foreword named themes "return home well hospital" (a name cut from its head
    noun), "long way from home" and "early inclusion pathfinder"."""
    assert theme_name(["Evaluation of the Return Home Well hospital discharge programme"]) == (
        "hospital discharge programme"
    )
    assert (
        theme_name(
            ["Evaluation of the Early Inclusion Pathfinder", "Early Inclusion Pathfinder: interim"]
        )
        == "Early Inclusion Pathfinder"
    )
    assert theme_name(["A long way from home: young people's care"]) == "“A long way from home”"
    # a title in title case says nothing about names: lower case as before
    assert theme_name(["Kinship Care Matters", "Kinship Care In Practice"]) == "kinship care"


def test_a_role_is_not_a_theme_and_one_named_thing_takes_the():
    """A month of inspectorates' annual reports was "gathered around chief inspector"; "female
    offender strategy" and "Mental Health Act" read without their article."""
    annual = ["HM Chief Inspector of Prisons annual report 2022-23",
              "Chief Inspector of Probation: annual report 2021"]  # fmt: skip
    assert "chief inspector" not in (theme_name(annual) or "")
    months = [entry(20 + i, "justice", "report", "Ministry of Justice", title,
                    "This report by the Ministry of Justice looks at women. It found that 60% "
                    "of women had a plan.")
              for i, title in enumerate(["The female offender strategy: two years on",
                                         "Delivering the female offender strategy"])]  # fmt: skip
    text = draft("July 2026", compose(months, [("justice", "Justice")], [("report", "Reports")]),
                 embed)  # fmt: skip
    assert "gathered around the female offender strategy." in text


def test_our_own_lead_in_is_not_a_finding_and_a_publisher_in_the_title_is_not_repeated():
    background = ("This review by Ofsted looks at local area inspections. It reports that the "
                  "minister asked Ofsted to inspect every local area over five years.")  # fmt: skip
    assert finding_of(background) is None
    assert finding_of(background.replace("asked", "found that 40% of areas were")) is not None
    named = entry(30, "adult-care", "report", "Commission on Funding of Care and Support",
                  "Fairer Care Funding: the report of the Commission on Funding of Care and Support",
                  "This report looks at care funding. It recommends that the threshold rises to "
                  "£100,000.")  # fmt: skip
    text = draft("July 2026", compose([named], [("adult-care", "Adult care")],
                                      [("report", "Reports")]), embed)  # fmt: skip
    assert "Of most interest is Fairer Care Funding: the report of the Commission on Funding of " \
           "Care and Support. It recommends" in text  # fmt: skip


def test_a_title_that_starts_with_the_reads_mid_sentence():
    pick = entry(
        40,
        "justice",
        "report",
        "Ministry of Justice",
        "The importance of strengthening prisoners' family ties",
        "This report looks at family ties. It found that visits cut reoffending by 39%.",
    )
    text = draft("July 2026", compose([pick], [("justice", "Justice")], [("report", "Reports")]),
                 embed)  # fmt: skip
    assert "Of most interest is the importance of strengthening prisoners' family ties from" in text


def test_a_percentage_at_the_end_of_a_sentence_is_a_finding():
    assert finding_of("This report looks at visits. Visits cut reoffending by 39%.") == (
        "Visits cut reoffending by 39%."
    )


def test_a_publisher_is_named_unless_the_title_holds_its_name_as_a_word():
    pick = entry(
        41,
        "adult-care",
        "report",
        "ONS",
        "Questions about social care spending",
        "This report looks at spending. It found that spending rose by 12%.",
    )
    text = draft("July 2026", compose([pick], [("adult-care", "Adult care")],
                                      [("report", "Reports")]), embed)  # fmt: skip
    assert "Of most interest is Questions about social care spending from ONS." in text
