"""Every configuration key has a default and help in one place, the schema, and the pulse.toml
`pulse init` writes is generated from it, so the two cannot drift."""

import re
import tomllib

from policypulse.summaries.guard import DEFAULT_OPINION_WORDS
from policypulse.workspace import Config, _sections, default_config, default_toml, parse_config


def test_every_key_appears_in_the_default_file_with_its_help_above_it():
    text = default_toml()
    sections = list(_sections())
    assert len(sections) >= 7
    for section, model in sections:
        header = re.search(rf"^\[{section}\]$", text, re.M)
        assert header, f"[{section}] is missing from the default pulse.toml"
        body = text[header.end() :].split("\n[", 1)[0]
        for key, field in model.model_fields.items():
            assert field.description, f"{section}.{key} has no description in the schema"
            line = re.search(rf"^#?\s*{key}\s*=", body, re.M)
            assert line, f"{section}.{key} is undocumented"
            comment = body[: line.start()].rstrip("\n").rsplit("\n", 1)[-1]
            assert comment.startswith("# "), f"{section}.{key} has no help above it"


def test_default_file_equals_the_schema_defaults_everywhere():
    written = default_config().model_dump(exclude={"sectors", "types"})
    schema = Config().model_dump(exclude={"sectors", "types"})
    assert written == schema
    assert default_config().sector_keys() == ["adult-care", "children", "justice"]


def test_the_generated_file_round_trips_through_a_toml_parser():
    data = tomllib.loads(default_toml())
    assert set(data) >= {name for name, _ in _sections()}
    assert parse_config(default_toml()) == default_config()


def test_one_opinion_word_list():
    assert tuple(Config().summaries.opinion_words) == DEFAULT_OPINION_WORDS
    assert tuple(default_config().summaries.opinion_words) == DEFAULT_OPINION_WORDS
    uncommented = [line for line in default_toml().splitlines() if line.startswith("opinion_words")]
    assert uncommented == []  # the file refers to the built-in list instead of copying it
