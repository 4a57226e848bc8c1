"""Test data for the summaries tests that run a real `pulse` process.

python -m tests.summaries.helpers WORKSPACE TEXT   # an editor's summary in a pulse init workspace
"""

from __future__ import annotations

import sys
from pathlib import Path


def seed_editor_summary(root: Path, text: str) -> None:
    """One relevant publication whose summary an editor wrote (the workspace's few-shot example)."""
    from policypulse import runtime

    runtime.start(root.resolve())
    from policypulse.catalogue.models import Publication
    from policypulse.summaries.models import Summary
    from policypulse.triage.models import TriageLabel

    publication = Publication.objects.create(
        url="https://example.org/edited", canonical_url="https://example.org/edited",
        title="Kinship care: an evaluation", publisher="Department for Education",
        text="The evaluation found that 38 per cent of kinship carers had no support.",
    )  # fmt: skip
    TriageLabel.objects.create(publication=publication, relevant=True, type="report")
    Summary.objects.create(publication=publication, text=text, backend="editor",
                           edited_by_editor=True)  # fmt: skip


if __name__ == "__main__":
    seed_editor_summary(Path(sys.argv[1]), sys.argv[2])
