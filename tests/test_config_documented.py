"""Every configuration key has a default and is documented in the pulse.toml `pulse init` writes."""

import re

from pydantic import BaseModel

from policypulse.workspace import Config, default_toml


def _sections():
    for name, field in Config.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield name, annotation


def test_every_key_appears_in_the_default_file_with_a_comment_nearby():
    text = default_toml()
    for section, model in _sections():
        header = re.search(rf"^\[{section}\]$", text, re.M)
        assert header, f"[{section}] is missing from default_pulse.toml"
        body = text[header.end() :].split("\n[", 1)[0]
        for key in model.model_fields:
            assert re.search(rf"^#?\s*{key}\s*=", body, re.M), f"{section}.{key} is undocumented"
        assert "#" in body, f"[{section}] has no comments"


def test_default_file_is_valid_and_equals_the_schema_defaults_where_it_sets_nothing():
    from policypulse.workspace import parse_config

    config = parse_config(default_toml())
    assert config.sector_keys() == ["adult-care", "children", "justice"]
