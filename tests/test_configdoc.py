"""The configuration reference is generated from the schema, and the committed page is current."""

from pathlib import Path

from pydantic import BaseModel, Field

from policypulse import configdoc
from policypulse.workspace import Config

PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_committed_reference_is_the_generated_one():
    assert PAGE.read_text("utf-8") == configdoc.render(), (
        "docs/configuration.md is out of date with the schema: run "
        "`python -m policypulse.configdoc docs/configuration.md` and commit it"
    )


def test_every_section_and_key_of_the_schema_is_in_the_reference():
    page = configdoc.render()
    sections = 0
    for section, field in Config.model_fields.items():
        found = configdoc._section_model(field)
        assert found, f"{section} is not a table or an array of tables"
        model, many = found
        heading = f"## `[[{section}]]`" if many else f"## `[{section}]`"
        assert heading in page
        body = page.split(heading, 1)[1].split("\n## ", 1)[0]
        for key in model.model_fields:
            assert f"- **`{key}`** (" in body, f"{section}.{key} is missing"
        sections += 1
    assert sections >= 10


TOML = """\
[alpha]
# Said about one.
one = 1
two = 2
# Said about three,
# on two lines.
# three = 3

# The betas, repeated.
[[beta]]
name = "x"  # not a comment above anything
"""


class Alpha(BaseModel):
    one: int = Field(default=1, gt=0)
    two: int = Field(default=2, ge=1, le=9)
    three: float | None = None


class Beta(BaseModel):
    name: str = Field(pattern=r"^[a-z]+$")
    kind: str = Field(default="feed", description="what kind it is")


class Small(BaseModel):
    alpha: Alpha = Alpha()
    beta: list[Beta] = []


def test_a_comment_belongs_to_the_key_right_below_it_only():
    comments = configdoc.toml_comments(TOML)
    assert comments.keys[("alpha", "one")] == "Said about one."
    assert comments.keys[("alpha", "two")] == ""  # no misattributed help
    assert comments.keys[("alpha", "three")] == "Said about three, on two lines."
    assert comments.intros == {"beta": "The betas, repeated."}


def test_render_shows_type_default_limits_and_help_with_the_description_first():
    page = configdoc.render(Small, TOML)
    assert "## `[alpha]`" in page and "## `[[beta]]`" in page
    assert "- **`one`** (`integer`; default `1`; > 0): Said about one." in page
    assert "- **`two`** (`integer`; default `2`; 1 to 9)\n" in page
    assert "- **`three`** (`number (optional)`; default `unset`): Said about three" in page
    assert "- **`name`** (`string`; required; matches `^[a-z]+$`)" in page
    assert '- **`kind`** (`string`; default `"feed"`): What kind it is' in page
    assert "those of the default `pulse.toml`: `x`." in page  # the file's own [[beta]]
    assert "none by default" in configdoc.render(Small, TOML.split("# The betas")[0])


def test_a_new_key_changes_the_page_so_the_committed_copy_goes_stale():
    class Wider(Small):
        gamma: Alpha = Alpha()

    assert configdoc.render(Wider, TOML) != configdoc.render(Small, TOML)
    assert "## `[gamma]`" in configdoc.render(Wider, TOML)


def test_values_are_written_as_in_toml():
    assert configdoc.toml_value(True) == "true"
    assert configdoc.toml_value('a "b"') == '"a \\"b\\""'
    assert configdoc.toml_value(["x", 2]) == '["x", 2]'
    assert configdoc.toml_value(None) == "unset"


def test_main_writes_the_page(tmp_path):
    out = tmp_path / "configuration.md"
    assert configdoc.main([str(out)]) == 0
    assert out.read_text("utf-8") == configdoc.render()
