"""Sentence splitting and word counting shared by the summariser and the guard."""

import re

_ABBREVIATIONS = (
    r"(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bMs)(?<!\be\.g)(?<!\bi\.e)(?<!\bNo)(?<!\bvs)(?<!\bSt)"
)
_BOUNDARY = re.compile(_ABBREVIATIONS + r"(?<=[.!?])[\"'’”)]?\s+(?=[A-Z0-9“\"‘(£])")


def split_sentences(text: str) -> list[str]:
    sentences = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[•\-*·●]\s)", text):
        block = " ".join(block.split())
        if block:
            sentences.extend(part.strip() for part in _BOUNDARY.split(block) if part.strip())
    return sentences


def word_count(text: str) -> int:
    return len(re.findall(r"\b[\w’'£%.-]+\b", text))
