"""Summaries benchmark: publications per second for 10-page documents, extractive + guard.

The extractive backend runs as `pulse summarize` runs it, with the learned sentence scorer
shipped in the package (wordllama similarities for each candidate sentence). Each document is a corpus page (tests/data/corpus/pages.jsonl) followed by nine
more pages of report text drawn from the other pages, with the furniture of a PDF transcript
(running heads, page numbers, a contents list, a copyright notice): about 4,000 words, the
size of a 10-page report. Each publication is summarised and the summary checked by the guard,
as `pulse summarize` does. Run:

    .venv/bin/python bench/summaries_bench.py [--documents 400] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from multiprocessing import Pool
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus" / "pages.jsonl"
FALLBACK = [{
    "title": "Evaluation of the Family Support Pilot", "publisher": "Department for Education",
    "text": "Key findings\n\nThe evaluation found that 38 per cent of families had fewer contacts "
            "with social care after twelve months. The pilot ran in 14 local authorities and cost "
            "£4.2 million. Two thirds of practitioners said the model helped them build trust.",
}]  # fmt: skip


def load_pages() -> list[dict]:
    if CORPUS.exists():
        return [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line]
    return FALLBACK


def ten_page_document(pages: list[dict], index: int) -> dict:
    rng = random.Random(index)
    first = pages[index % len(pages)]
    parts = [
        "Skip to main content\nCookies on this site\nMenu",
        "Contents\n" + "\n".join(f"{n}. Chapter {n} {n * 3}" for n in range(1, 10)),
        first["text"],
    ]
    for page in range(2, 11):
        parts.append(f"{first['title'][:60]} {page}\nPage {page} of 10")
        for _ in range(3):
            parts.append(rng.choice(pages)["text"])
    parts.append("© Crown copyright\nThis publication is licensed under the Open Government "
                 "Licence v3.0.")  # fmt: skip
    return {"title": first["title"], "publisher": first["publisher"], "text": "\n\n".join(parts)}


def summarise_one(item: dict) -> tuple[int, float]:
    from policypulse.summaries.backends import Options, SummaryRequest
    from policypulse.summaries.extractive import extract
    from policypulse.summaries.guard import check
    from policypulse.summaries.scorer import default_scorer

    started = time.process_time()
    options = Options()
    document = SummaryRequest(item["title"], item["text"], item["publisher"])
    result = extract(document, options, default_scorer())  # as `pulse summarize` does
    source = "\n\n".join([item["publisher"], item["title"], item["text"]])
    check(result.text, source, min_words=options.min_words, max_words=options.max_words)
    return len(result.text.split()), time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    pages = load_pages()
    documents = [ten_page_document(pages, i) for i in range(args.documents)]
    words = sum(len(d["text"].split()) for d in documents) / len(documents)
    print(
        f"{len(documents)} documents, {words:.0f} words each on average, "
        f"{os.cpu_count()} CPUs, {args.workers} worker(s)"
    )
    summarise_one(documents[0])  # import and compile once before timing

    start = time.perf_counter()
    cpu = sum(summarise_one(document)[1] for document in documents[:100])
    single = 100 / (time.perf_counter() - start)
    print(f"1 core:  {single:7.1f} publications/s wall clock, {100 / cpu:7.1f} per CPU second")

    with Pool(args.workers, initializer=summarise_one, initargs=(documents[0],)) as pool:
        start = time.perf_counter()
        results = pool.map(summarise_one, documents, chunksize=8)
        elapsed = time.perf_counter() - start
    cpu = sum(seconds for _, seconds in results)
    words = sum(length for length, _ in results) / len(results)
    print(
        f"{args.workers} cores: {len(documents) / elapsed:7.1f} publications/s wall clock; "
        f"{args.workers * len(documents) / cpu:7.1f} publications/s on {args.workers} "
        f"dedicated cores (from CPU time; summary words: mean {words:.0f})"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average during the run: {load:.1f} (wall-clock figures suffer on a busy machine)")


if __name__ == "__main__":
    main()
