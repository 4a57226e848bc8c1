import pytest

from policypulse.errors import GoldFileError
from policypulse.gold import read_gold_lines


def test_reads_objects_and_skips_blank_lines(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "text": "t"}\n\n{"id": "b", "text": "u"}\n', "utf-8")
    assert [row["id"] for row in read_gold_lines(path, ("id", "text"))] == ["a", "b"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "text": "t"}\n[1, 2]\n', "line 2: not a JSON object"),
        ('{"id": "a", "text": "t"}\n{"id": \n', "line 2: not JSON"),
        ('{"id": "a", "text": ""}\n', "line 1: missing text"),
        ("\n\n", "no items"),
    ],
)
def test_bad_files_name_the_line(tmp_path, content, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(content, "utf-8")
    with pytest.raises(GoldFileError, match=message):
        read_gold_lines(path, ("id", "text"))
