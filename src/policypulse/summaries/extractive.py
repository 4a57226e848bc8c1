"""The offline default: a house-style opening, then the publication's key findings."""

from __future__ import annotations

import re

from policypulse.summaries.backends import Backend, Document, Options, register
from policypulse.summaries.text import split_sentences, word_count

FINDING_CUES = re.compile(
    r"\b(found|finds|shows?|suggests?|recommends?|highlights?|reports?|concludes?|"
    r"increase|decrease|rise|fell|rose|per cent|%|majority|half|third|quarter)\b",
    re.I,
)


def _opening(document: Document) -> str:
    what = "briefing" if document.type == "briefing" else "report"
    by = f" by {document.publisher}" if document.publisher else ""
    return f"This {what}{by} looks at {_topic(document.title)}."


def _topic(title: str) -> str:
    title = title.strip().rstrip(".")
    return (
        title[0].lower() + title[1:] if title[:2].istitle() and not title[:2].isupper() else title
    )


def score_sentence(sentence: str, position: int) -> float:
    score = 1.0 / (1 + position * 0.15)
    score += 0.6 * len(FINDING_CUES.findall(sentence))
    score += 0.5 * bool(re.search(r"\d", sentence))
    words = word_count(sentence)
    if words < 6 or words > 45:
        score -= 1.5
    return score


@register
class Extractive(Backend):
    name = "extractive"

    def summarize(self, document: Document, options: Options) -> str:
        opening = _opening(document)
        sentences = [
            s for s in split_sentences(document.text) if not s.lower().startswith(("contents", "©"))
        ]
        ranked = sorted(
            range(len(sentences)), key=lambda i: score_sentence(sentences[i], i), reverse=True
        )
        chosen, words = [], word_count(opening)
        for index in ranked:
            sentence = sentences[index].lstrip("•-*·● ").strip()
            count = word_count(sentence)
            if words + count > options.max_words:
                continue
            chosen.append(index)
            words += count
            if words >= (options.min_words + options.max_words) // 2:
                break
        body = " ".join(sentences[i].lstrip("•-*·● ").strip() for i in sorted(chosen))
        body = " ".join(s if s.endswith((".", "!", "?")) else s + "." for s in [body] if s)
        return f"{opening} {body}".strip()
