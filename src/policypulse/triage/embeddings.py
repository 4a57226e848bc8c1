"""Embedding models, chosen by name through one small registry.

The default, `wordllama`, ships its weights inside the wheel, so nothing is downloaded."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

EMBEDDERS: dict[str, Callable[[], Callable[[list[str]], np.ndarray]]] = {}


def register(name: str):
    def decorator(factory):
        EMBEDDERS[name] = factory
        return factory

    return decorator


@register("wordllama")
def _wordllama():
    import os

    import wordllama
    from wordllama import WordLlama

    model = WordLlama.load(
        cache_dir=os.path.dirname(wordllama.__file__), disable_download=True, dim=256
    )

    def embed(texts: list[str]) -> np.ndarray:
        vectors = np.asarray(model.embed(texts, norm=True), dtype=np.float32)
        return vectors

    return embed


@functools.cache
def get_embedder(name: str = "wordllama") -> Callable[[list[str]], np.ndarray]:
    if name not in EMBEDDERS:
        from policypulse.errors import ConfigError

        raise ConfigError(f"unknown embedding model {name!r}; known: {', '.join(EMBEDDERS)}")
    return EMBEDDERS[name]()
