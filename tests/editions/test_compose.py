from policypulse.editions.compose import Entry, compose

SECTORS = [("adult-care", "Adult"), ("children", "Children"), ("justice", "Justice")]
TYPES = [("report", "Reports"), ("briefing", "Briefings")]


def entry(key, sector, kind, publisher="P", title="T"):
    return Entry(key, sector, kind, title, publisher, "https://x.example", "S")


def test_sectors_in_order_reports_before_briefings_and_empty_left_out():
    sections = compose(
        [
            entry(1, "justice", "briefing"),
            entry(2, "justice", "report"),
            entry(3, "adult-care", "report"),
        ],
        SECTORS,
        TYPES,
    )
    assert [s.key for s in sections] == ["adult-care", "justice"]
    assert [sub.type for sub in sections[1].subsections] == ["report", "briefing"]
    assert [sub.type for sub in sections[0].subsections] == ["report"]


def test_unknown_sectors_and_out_are_not_shown():
    assert (
        compose([entry(1, "out", "report"), entry(2, "transport", "report")], SECTORS, TYPES) == []
    )


def test_heading_is_publisher_dot_title():
    assert entry(1, "justice", "report", "Centre", "A study").heading == "Centre. A study"
