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
