import pytest

from policypulse.summaries.guard import check

SOURCE = (
    "The survey of 1,250 carers found that 38 per cent had cut their hours, up from 31% in 2019. "
    "Spending rose to £4.2 million."
)


@pytest.mark.parametrize(
    "figure",
    ["38%", "38 per cent", "38 percent", "1,250", "1250", "2019", "£4.2 million", "31 per cent"],
)
def test_grounded_figures_pass(figure):
    failures = check(f"It reports {figure} in this survey.", SOURCE)
    assert [f for f in failures if f.rule == "number"] == []


@pytest.mark.parametrize("figure", ["39%", "1,260", "2018", "£4.3 million", "83 per cent"])
def test_ungrounded_figures_fail_with_their_span(figure):
    failures = [
        f for f in check(f"It reports {figure} in this survey.", SOURCE) if f.rule == "number"
    ]
    assert len(failures) == 1
    assert figure.split()[0].lstrip("£") in failures[0].span


def test_length_first_person_and_urls():
    rules = {
        f.rule for f in check("We think see https://x.org now.", SOURCE, min_words=10, max_words=20)
    }
    assert {"length", "first-person", "url"} <= rules


from policypulse.summaries.guard import figures  # noqa: E402

RICH_SOURCE = (
    "Just under three quarters (39 homes) improved. Two-thirds of councils took part. Spending "
    "was £16m in 2016-17, a rise of 4.5 percent. Around 67% agreed, and 1.6 million people "
    "work in care. Six models were piloted in twenty-five areas. Ofsted rated it ‘Requires "
    "improvement’. The Care Quality Commission (CQC) and the National Crime Agency agreed."
)


@pytest.mark.parametrize(
    "spelling",
    [
        "three quarters", "three-quarters", "two thirds", "two-thirds",
        "£16 million", "£16m", "£16,000,000", "2017", "2016/17", "4.5%", "4.5 per cent",
        "1.6m people", "1,600,000 people", "six", "6", "25 areas", "twenty five areas", "39",
    ],
)  # fmt: skip
def test_grounded_spellings(spelling):
    failures = check(f"The report gives {spelling} here.", RICH_SOURCE)
    assert [f for f in failures if f.rule == "number"] == []


@pytest.mark.parametrize(
    "spelling,span",
    [
        ("one third", "one third"), ("a quarter", "a quarter"), ("£17m", "£17m"),
        ("4.6 per cent", "4.6 per cent"), ("2018", "2018"), ("seven", "seven"),
        ("1.7 million", "1.7 million"), ("39%", "39%"), ("twenty-six", "twenty-six"),
    ],
)  # fmt: skip
def test_ungrounded_spellings_name_their_span(spelling, span):
    failures = [f for f in check(f"It gives {spelling} here.", RICH_SOURCE) if f.rule == "number"]
    assert [f.span for f in failures] == [span]


def test_percentages_and_fractions_compare_as_values():
    assert {f.value for f in figures("38 per cent") if f.percent} == {38}
    assert check("About two thirds agreed.", "67% agreed.") == []
    assert [f.rule for f in check("About two thirds agreed.", "60% agreed.")] == ["number"]
    assert [f.rule for f in check("38% agreed.", "38 councils agreed.")] == ["number"]


def test_glued_footnote_markers_in_the_source_do_not_hide_a_figure():
    assert check("64.7 per cent were satisfied.", "64.7 per cent5 of users were satisfied") == []


def test_organisations_and_acronyms_must_be_named_in_the_source():
    failures = check("The CQC and the Department for Education agreed with the NCA.", RICH_SOURCE)
    assert [(f.rule, f.span) for f in failures] == [
        ("organisation", "Department for Education"),
        ("organisation", "NCA"),
    ]
    assert check("The National Crime Agency and the Care Quality Commission agreed.",
                 RICH_SOURCE) == []  # fmt: skip


def test_quotations_must_be_in_the_source_as_quoted():
    assert check("Ofsted rated it ‘requires improvement’.", RICH_SOURCE) == []
    failures = check("Ofsted called it “a national scandal”.", RICH_SOURCE)
    assert [(f.rule, f.span) for f in failures] == [("quotation", "a national scandal")]


def test_first_person_inside_a_quotation_is_the_source_speaking():
    source = "The Chief Inspector said: “We saw real progress in 12 prisons.”"
    assert check("The Chief Inspector said “We saw real progress in 12 prisons.”", source) == []
    assert [f.rule for f in check("Our view is that it is good.", source)] == ["first-person"]


def test_opinion_words_come_from_a_configurable_list():
    text = "This excellent report is a landmark."
    assert {f.span for f in check(text, text) if f.rule == "opinion"} == {"excellent", "landmark"}
    assert check(text, text, opinion_words=("dreadful",)) == []


def test_urls_and_addresses_are_refused():
    spans = [f.span for f in check("See www.example.org or ask a@b.org.", "", opinion_words=())]
    assert spans == ["www.example.org", "a@b.org."] or spans[0] == "www.example.org"
