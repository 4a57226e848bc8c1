import pytest

from policypulse.errors import SourceError
from policypulse.rules import compile_rules, filter_entries
from policypulse.sources.adapters import DiscoveredEntry


def entries():
    return [
        DiscoveredEntry(url="https://x.example/p/report-on-prisons", title="Report on prisons"),
        DiscoveredEntry(url="https://x.example/jobs/1", title="Job vacancy: analyst"),
        DiscoveredEntry(url="https://x.example/news/press-release-5", title="New chair"),
    ]


def test_block_matches_title_or_url_case_insensitively():
    kept, dropped = filter_entries(entries(), compile_rules(block=["job vacancy", "press-release"]))
    assert [e.title for e in kept] == ["Report on prisons"] and dropped == 2


def test_keep_keeps_only_matches_and_block_still_wins():
    rules = compile_rules(keep=["prison", "/jobs/"], block=["VACANCY"])
    kept, dropped = filter_entries(entries(), rules)
    assert [e.title for e in kept] == ["Report on prisons"] and dropped == 2


def test_no_rules_keep_everything():
    assert filter_entries(entries(), compile_rules())[1] == 0


@pytest.mark.parametrize(("keep", "block", "message"), [
    (["(unclosed"], [], "invalid keep pattern"), ([], ["[a-"], "invalid block pattern"),
    ([" "], [], "empty keep pattern"), ([], ["x" * 301], "longer than"),
])  # fmt: skip
def test_bad_patterns_are_clear_errors(keep, block, message):
    with pytest.raises(SourceError, match=message):
        compile_rules(keep, block)
