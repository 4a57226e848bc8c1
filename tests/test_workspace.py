import pytest

from policypulse.errors import ConfigError, WorkspaceError
from policypulse.workspace import create_workspace, default_config, find_workspace, parse_config


def test_defaults_have_the_three_reference_sectors():
    config = default_config()
    assert config.sector_keys() == ["adult-care", "children", "justice"]
    assert [t.key for t in config.types] == ["report", "briefing"]
    assert config.harvest.allow_private_networks is False
    assert config.harvest.requests_per_second_per_host == 1.0


def test_malformed_toml_points_at_the_line():
    with pytest.raises(ConfigError, match=r"line 3"):
        parse_config('[organisation]\nname = "x"\nbroken = = 1\n')


def test_invalid_value_points_at_its_line():
    with pytest.raises(ConfigError, match=r"line 3.*requests_per_second_per_host"):
        parse_config(
            "[harvest]\nallow_private_networks = true\nrequests_per_second_per_host = -1\n"
        )


def test_unknown_key_is_refused():
    with pytest.raises(ConfigError, match="colour"):
        parse_config("[organisation]\ncolour = 'red'\n")


def test_unknown_sector_key_is_a_clear_error():
    with pytest.raises(ConfigError, match="unknown sector key 'prisons'"):
        default_config().sector("prisons")


def test_workspace_lookup_order(tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    create_workspace(first)
    create_workspace(second)
    monkeypatch.setenv("PULSE_WORKSPACE", str(second))
    assert find_workspace(first) == first.resolve()
    assert find_workspace(None) == second.resolve()
    monkeypatch.delenv("PULSE_WORKSPACE")
    monkeypatch.chdir(first)
    assert find_workspace(None) == first.resolve()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceError, match="no PolicyPulse workspace"):
        find_workspace(None)


def test_init_never_overwrites(tmp_path):
    create_workspace(tmp_path)
    (tmp_path / "pulse.toml").write_text((tmp_path / "pulse.toml").read_text() + "\n# mine\n")
    with pytest.raises(WorkspaceError, match="already exists"):
        create_workspace(tmp_path)
    assert "# mine" in (tmp_path / "pulse.toml").read_text()


def test_effective_config_masks_every_password():
    from policypulse.workspace import effective_config, mask_secrets

    assert mask_secrets("smtp://user:s3cret@mail.example.org:587") == (
        "smtp://user:****@mail.example.org:587"
    )
    assert mask_secrets("smtp://127.0.0.1:8025") == "smtp://127.0.0.1:8025"
    shown = effective_config(
        default_config(),
        {
            "PULSE_SMTP_URL": "smtp://me:hunter2@mail.example.org",
            "DATABASE_URL": "postgres://db:pw@h/x",
        },
    )
    assert shown["mail"]["smtp_url"] == "smtp://me:****@mail.example.org"
    assert shown["database"] == "postgres://db:****@h/x"
    assert "hunter2" not in str(shown) and ":pw@" not in str(shown)
