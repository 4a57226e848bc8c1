"""Reading a publication's text: sections, boilerplate, contents lists, sentences, acronyms."""

from policypulse.summaries.text import (
    acronyms,
    candidates,
    is_boilerplate,
    split_sentences,
    strip_footnote_markers,
)

RAW = """Skip to main content
Cookies on this site
Menu
Contents
1. Main points 3
2. Background 5
3. Methods 9

1. Main points

The level of crime has remained broadly stable; the survey estimates a fall of 5%.
Total theft decreased by 9%, to levels last seen in 2017.

2. Background

Police recorded crime data give more insight into higher-harm violence than the survey does.

Recommendations
• Forces should publish their outcome data every quarter for all offence types.
Page 4 of 20
Contact: Email crime.statistics@example.gov.uk
"""


def test_sections_are_detected_and_key_sections_marked():
    found = {c.text: c for c in candidates(RAW)}
    fall = found[
        "The level of crime has remained broadly stable; the survey estimates a fall of 5%."
    ]
    assert fall.in_key_section and fall.heading == "1. Main points"
    overview = found["Police recorded crime data give more insight into higher-harm violence "
                     "than the survey does."]  # fmt: skip
    assert not overview.in_key_section and overview.heading == "2. Background"
    bullet = found["Forces should publish their outcome data every quarter for all offence types."]
    assert bullet.bullet and bullet.in_key_section and bullet.heading == "Recommendations"


def test_chrome_contents_and_page_furniture_are_dropped():
    texts = " ".join(c.text for c in candidates(RAW))
    for chrome in ("Skip to", "Cookies", "Menu", "Methods 9", "Page 4", "Contact", "@"):
        assert chrome not in texts
    assert [c.position for c in candidates(RAW)] == list(range(4))


def test_boilerplate_lines():
    for line in ("Accept all cookies", "Published 3 August 2017", "© Crown copyright 2017",
                 "Introduction 4", "0 50,000 100,000 150,000 200,000", "6 downloads 0 Views 187KB Size Report"):  # fmt: skip
        assert is_boilerplate(line), line
    assert not is_boilerplate("There were 354,000 children with EHC plans in January 2019.")


def test_flattened_mirror_text_is_cut_at_the_self_description():
    raw = ("Responsible Statistician: Jo Bloggs Office hours: 0303 444 3867 Media Enquiries: "
           "0303 444 1209 [email protected] Date of next publication: Winter 2018/19 This "
           "publication provides information on the single night snapshot of rough sleeping "
           "taken annually in England.")  # fmt: skip
    assert [c.text for c in candidates(raw)] == [
        "This publication provides information on the single night snapshot of rough "
        "sleeping taken annually in England."
    ]


def test_a_sentence_cut_off_at_the_end_of_the_excerpt_is_dropped():
    found = candidates("The survey covered 2,000 adults in England. It found that the share of")
    assert [c.text for c in found] == ["The survey covered 2,000 adults in England."]


def test_table_rows_become_findings():
    found = candidates("Main Points\n80,659 prisoners as at 30 June 2022 | This is a rise of 3%. |")
    assert found[0].text == "80,659 prisoners as at 30 June 2022: This is a rise of 3%."


def test_sentences_keep_closing_quotes_and_brackets():
    assert split_sentences("He said “It is so.” Then it rose (by 5%.) Next.") == [
        "He said “It is so.”",
        "Then it rose (by 5%.)",
        "Next.",
    ]


def test_glued_footnote_markers_are_removed_but_not_real_numbers():
    assert strip_footnote_markers("published by NHS Digital1 today (2015-16)2.") == (
        "published by NHS Digital today (2015-16)."
    )
    assert strip_footnote_markers("COVID-19 in 2016-17") == "COVID-19 in 2016-17"


def test_acronyms_defined_by_the_source():
    text = ("a statement of special educational needs or education, health and care (EHC) plan; "
            "His Majesty’s Prison and Probation Service (HMPPS); Integrated Care Systems (ICSs); "
            "the Department (the Department); Councils with Adult Social Services "
            "Responsibilities (CASSRs)")  # fmt: skip
    assert acronyms(text) == {
        "EHC": "education, health and care",
        "HMPPS": "His Majesty’s Prison and Probation Service",
        "ICSs": "Integrated Care Systems",
        "CASSRs": "Councils with Adult Social Services Responsibilities",
    }


def test_a_short_list_under_its_lead_in_becomes_one_sentence():
    from policypulse.summaries.text import candidates

    text = """Other key findings are:
- Issues with staff recruitment and retention.
- Concerns for the well-being of women.
- Children let down by poor provision; and
- Mixed picture in Wales and in court custody.
The review focused on two main themes:
- Screening in custody.
- Training for Wales staff.
Inspectors visited 12 prisons, and they met 300 prisoners and staff.
"""
    found = [c.text for c in candidates(text, check=False)]
    assert found[0] == (
        "Other key findings are issues with staff recruitment and retention, concerns for the "
        "well-being of women, children let down by poor provision and mixed picture in Wales "
        "and in court custody."
    )
    # a noun phrase before the colon keeps it; a name mid-sentence keeps its capital
    assert (
        "The review focused on two main themes: screening in custody and training for Wales staff."
        in found
    )
    assert "Issues with staff recruitment and retention." in found  # each item stays too


def test_a_long_list_or_a_lone_short_lead_in_is_not_joined():
    from policypulse.summaries.text import MAX_LIST_WORDS, candidates

    item = " ".join(["word"] * (MAX_LIST_WORDS // 2))
    text = (
        f"The areas were:\n- First {item}.\n- Second {item}.\nThe report has 4 findings in all.\n"
    )
    found = [c.text for c in candidates(text, check=False)]
    assert not any(text.startswith("The areas were") for text in found)
    assert f"First {item}." in found


def test_a_list_too_long_to_give_whole_gives_its_first_items():
    """Neurodiversity in the CJS: four themes of 60 words in all. Each item alone was a
    fragment in the summary ("Programmes and interventions ...; and.")."""
    from policypulse.summaries.text import candidates

    text = """The review focused on four main themes:
  • screening to identify neurodivergence in criminal justice service users;
  • adjustments that have been made to existing provision to support those with needs;
  • programmes and interventions which have been designed or adapted for neurodivergent needs; and
  • training and support available to staff to help them support people with those needs.
This reinspection found:
  • still no national strategy that sets out expectations for minority ethnic people on probation;
  • little evidence that staff had spoken with people on probation about their ethnicity;
  • Care homes and prisons had not been asked about their experiences of discrimination, of racism at work or in their community, or of the services offered to them since.
"""
    found = [c.text for c in candidates(text, check=False)]
    assert found[0] == (
        "The review focused on four main themes, including screening to identify "
        "neurodivergence in criminal justice service users, adjustments that have been made to "
        "existing provision to support those with needs and programmes and interventions which "
        "have been designed or adapted for neurodivergent needs."
    )
    # the item left out only continued the lead-in: alone it is a fragment, and goes
    assert not any(sentence.startswith("training and support") for sentence in found)
    assert (
        "adjustments that have been made to existing provision to support those with needs" in found
    )
    # after a verb, no "including": what it found, then the first findings that fit
    assert found[4] == (
        "This reinspection found still no national strategy that sets out expectations for "
        "minority ethnic people on probation and little evidence that staff had spoken with people on "
        "probation about their ethnicity."
    )


def test_a_list_item_keeps_its_capital_only_for_a_name():
    from policypulse.summaries.text import _mid_sentence

    text = "Inspectors from the Care Quality Commission and User Voice visited care homes."
    assert _mid_sentence("Care homes are more aware", text) == "care homes are more aware"
    assert _mid_sentence("User Voice met them", text) == "User Voice met them"
    assert _mid_sentence("Care Quality Commission inspectors", text).startswith("Care Quality")


def test_a_sentence_quoted_whole_is_the_publications_own_statement():
    """CQC's Mental Health Act page lists its key messages as quotations: kept out as quotes,
    the summary had nothing to say (27 words)."""
    text = """Annual CQC report on the Mental Health Act. Key messages:

(1) "Workforce issues and staff shortages mean that people are not getting the care they need";
(2) "Gaps in community mental health care are compounding the rising demand on inpatient services";
"""
    found = [c.text for c in candidates(text, check=False)]
    assert (
        "Workforce issues and staff shortages mean that people are not getting the care they need."
        in found
    )
    assert not any('"' in sentence for sentence in found)
    said = 'He said: "We found 40% were late." Then he left.'
    assert [c.text for c in candidates(said, check=False)][
        0
    ] == 'He said: "We found 40% were late."'


def test_a_bullet_marker_on_a_line_of_its_own_marks_the_next_line():
    """PDF text and some pages put the marker alone on its line: the item is the next line,
    and the list reads as it does with the marker beside the item."""
    alone = "The review found that:\n-\nmost care plans were late;\n•\nfew were reviewed on time.\n"
    beside = "The review found that:\n- most care plans were late;\n• few were reviewed on time.\n"
    found = [c.text for c in candidates(alone, check=False)]
    assert found == [c.text for c in candidates(beside, check=False)]
    assert found == [
        "The review found that: most care plans were late and few were reviewed on time."
    ]


def test_a_quotation_over_several_sentences_loses_its_stray_marks():
    """The Female Offender Strategy's page quotes its foreword whole: the first sentence kept an
    opening mark and so was never read as the strategy describing itself."""
    text = ('"This strategy sets out the Government’s commitment to a new programme of work. '
            "It also sets out a framework for taking this forward with partners. In particular, "
            'the role of women’s centres will be key to taking this forward."')  # fmt: skip
    found = [c.text for c in candidates(text, check=False)]
    assert found[0].startswith("This strategy sets out") and found[-1].endswith("forward.")
    assert [c.text for c in candidates("He said: “We found 40% were late.” Then he left us.",
                                       check=False)][0] == "He said: “We found 40% were late.”"  # fmt: skip


def test_a_long_findings_list_after_that_gives_the_first_finding_as_a_sentence():
    """Ofsted's children's homes page: "We found that:" and five long findings. The summary
    used none of them; "show that, including ..." was not a sentence either."""
    first = ("children’s homes were not evenly distributed across the regions of England, and "
             "there were no close relationships between the children’s needs, where the homes "
             "were situated and what needs those homes met")  # fmt: skip
    text = (f"We found that:\n\n• {first}\n• there was no link between the types of needs that "
            "homes said they could accommodate and their Ofsted inspection grades\n\nInspectors "
            "visited 12 homes.\n")  # fmt: skip
    found = [c.text for c in candidates(text, check=False)]
    assert found[0] == f"We found that {first}."


def test_a_list_of_questions_is_not_joined_into_a_finding():
    """DECC's Heat Networks evaluation: "framed around the following main research questions,
    including how ... has HNDU helped ...? and what ...?." is neither a finding nor a sentence."""
    long = " ".join(["word"] * 30)
    text = (f"The evaluation is framed around the following main research questions:\n"
            f"• how has the unit helped local authorities {long}?\n"
            f"• what other factors have driven progress {long}?\n\nIt cost £2 million in all.\n")  # fmt: skip
    found = [c.text for c in candidates(text, check=False)]
    assert not any("including" in sentence or "?." in sentence for sentence in found)


def test_a_web_pages_headline_is_not_glued_to_the_paragraph_below_it():
    """Extracted web pages give one paragraph a line: a long headline without a full stop was
    read as the start of the next sentence ("... sentences – inspection finds A thematic
    inspection led by ..."). Wrapped PDF lines still run on."""
    paragraph = ("A thematic inspection led by HM Inspectorate of Probation has found that most "
                 "recalls to prison of those serving IPP sentences were taken in line with the "
                 "policy.")  # fmt: skip
    page = (
        "Recall decision was right in majority of imprisonment for public protection sentences "
        f"– inspection finds\n{paragraph}\nThe inspection also found that better support needs "
        "to be in place, both before IPP prisoners are released and during their time back in "
        "the community.\n"
    )
    found = [c.text for c in candidates(page, check=False)]
    assert paragraph in found
    pdf = ("The inspection found that most of the recalls to prison of those who were\nserving "
           "sentences were taken in line with the policy and that\nbetter support is needed.\n")  # fmt: skip
    assert [c.text for c in candidates(pdf, check=False)] == [" ".join(pdf.split())]
