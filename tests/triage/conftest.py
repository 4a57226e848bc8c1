"""Triage fixtures: the embedder and the bundled default model, loaded once per session."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from policypulse.triage.evaluate import GoldItem


@pytest.fixture(scope="session")
def embed():
    from policypulse.triage.embeddings import get_embedder

    return get_embedder("wordllama")


@pytest.fixture(scope="session")
def default_model():
    from policypulse.triage.services import default_model_for
    from policypulse.workspace import default_config

    return default_model_for(default_config())


@pytest.fixture(scope="session")
def demo_gold() -> list[GoldItem]:
    """The demo's fictional publications with their intended labels: never trained on."""
    corpus = json.loads(resources.files("policypulse.demo").joinpath("corpus.json").read_text())
    names = {p["key"]: p["name"] for p in corpus["publishers"]}
    items = []
    for p in corpus["publications"]:
        sections = " ".join(
            " ".join(s.get("paragraphs", []) + s.get("bullets", [])) for s in p["sections"]
        )
        items.append(
            GoldItem(p["slug"], p["title"], names[p["publisher"]],
                     f"{p['description']} {sections}", p["sector"], p["type"])
        )  # fmt: skip
    return items
