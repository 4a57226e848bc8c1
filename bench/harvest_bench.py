"""Harvest benchmark: the whole pipeline against raw extraction, memory, extraction quality.

    .venv/bin/python bench/harvest_bench.py            # everything (a few minutes)
    .venv/bin/python bench/harvest_bench.py --quick    # smaller numbers, for a smoke test
    .venv/bin/python bench/harvest_bench.py --only throughput --rounds 7

1. Throughput: 500 HTML pages (the extraction benchmark's real pages, repeated) and 50
   multi-page PDFs (about 24 pages) served from 127.0.0.1, harvested end to end (HTTP,
   robots.txt, extraction, fingerprints, de-duplication, SQLite) against `trafilatura.extract`
   + pypdfium2 text extraction of the same bytes. The CPU ratio is the figure (aim: <= 1.2).
   Method, for a machine shared with other work: ROUNDS rounds (`--rounds`, default 5), each
   with a raw run and a harvest, every run in a fresh process that warms up first (imports,
   a few extractions, the extraction workers started) and then measures; the runs of a round
   are back to back, in alternating order, and the ratios are taken within the round.
   The median ratio is reported with the range. A third run per round splits the same raw
   extraction over one process per core, as the harvest splits it: whatever running on every
   core at once costs on this machine (caches, memory bandwidth, the host) shows as its ratio
   to raw on one core (about 1.0 here), and the harvest against it is the harvest's own
   overhead. A fourth run per round is the harvest's own extraction in one process (its quick
   pass with the full run on thin pages, metadata, fingerprints: what the workers do), so the
   harvest against it is everything beyond extraction (HTTP, storage, the pool, every core at
   once). CPU is user + system time from /proc of the
   measuring process and all its descendants (the extraction workers and their forkserver;
   reaped children included), never the loopback server's; the harvest's is split into the
   harvest process and its workers. A run on a busy machine still moves the ratio by a tenth
   or so: say `uptime` beside the figures.
   Then wall time on 1 and 2 cores (child processes pinned with sched_setaffinity): raw
   extraction on one core against the harvest on one and on two (aim: the harvest on two
   cores takes less wall time than raw extraction on one).
2. Peak memory (ru_maxrss of a fresh process) harvesting 500 then 2,000 documents.
3. Extraction quality on an extraction benchmark folder (`--extraction DIR`, holding
   `pages/*.html` and `gold.jsonl`; the 179-page set is kept outside the repository): the harvester over HTTP against
   `trafilatura.extract` on the same bytes, scored as that benchmark's README says.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus" / "pages.jsonl"
# The extraction benchmark (pages/*.html + gold.jsonl) lives outside the repository; pass
# `--extraction DIR` (children inherit it through the environment).
EXTRACTION = Path(os.environ.get("PULSE_EXTRACTION_BENCH", "extraction-benchmark"))
FEED_SIZE = 100
PDF_CACHE = Path(tempfile.gettempdir()) / "policypulse-bench-pdfs"


# --- documents and the loopback server ------------------------------------------------------


def html_pages() -> list[bytes]:
    return [path.read_bytes() for path in sorted((EXTRACTION / "pages").glob("*.html"))]


def pdf_documents(count: int) -> list[bytes]:
    """`count` distinct multi-page PDFs of corpus sentences drawn at random (seeded), made once."""
    import random

    PDF_CACHE.mkdir(exist_ok=True)
    texts = [json.loads(line)["text"] for line in CORPUS.open()]
    sentences = [s.strip() + "." for text in texts for s in text.split(". ") if len(s.split()) > 4]
    made = []
    for number in range(count):
        path = PDF_CACHE / f"report-v2-{number}.pdf"
        if not path.exists():
            from weasyprint import HTML

            chosen = random.Random(number).sample(sentences, min(len(sentences), 240))
            chapters = "".join(
                f"<h2 style='break-before: page'>Chapter {page + 1}</h2>"
                + "".join(f"<p>{s}</p>" for s in chosen[page * 20 : page * 20 + 20])
                for page in range(12)
            )
            path.write_bytes(HTML(string=f"<h1>Report {number}</h1>{chapters}").write_pdf())
        made.append(path.read_bytes())
    return made


class Site:
    """Serves /h/<n>.html, /d/<n>.pdf and feeds listing them, on 127.0.0.1."""

    def __init__(self, pages: list[bytes], pdfs: list[bytes], html_count: int, pdf_count: int):
        self.routes: dict[str, tuple[str, bytes]] = {}
        for n in range(html_count):
            self.routes[f"/h/{n}.html"] = ("text/html", pages[n % len(pages)])
        for n in range(pdf_count):
            self.routes[f"/d/{n}.pdf"] = ("application/pdf", pdfs[n % len(pdfs)])
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                kind, body = routes.get(self.path, ("text/plain", b""))
                self.send_response(200 if self.path in routes else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        # The server runs in its own process, so the figures measure the harvester alone.
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{httpd.server_address[1]}"
        # Sources of a realistic size: one feed per 100 documents.
        self.feeds = []
        for prefix, count, ext in (("/h/", html_count, "html"), ("/d/", pdf_count, "pdf")):
            for start in range(0, count, FEED_SIZE):
                name = f"{ext}-{start // FEED_SIZE}"
                body = self.feed(prefix, range(start, min(count, start + FEED_SIZE)), ext)
                self.routes[f"/{name}.xml"] = ("application/rss+xml", body)
                self.feeds.append(name)
        self.process = multiprocessing.get_context("fork").Process(
            target=httpd.serve_forever, daemon=True
        )
        self.process.start()
        httpd.server_close()  # the child holds the listening socket

    def feed(self, prefix: str, numbers: range, ext: str) -> bytes:
        items = "".join(
            f"<item><title>Document {n}</title><link>{self.base}{prefix}{n}.{ext}</link></item>"
            for n in numbers
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()

    def close(self):
        self.process.terminate()
        self.process.join()


# --- the pipeline and the raw baseline --------------------------------------------------------


def start_workspace(folder: Path, base: str, feeds: list[str]):
    from policypulse import runtime
    from policypulse.workspace import create_workspace, default_toml

    # The real pages link to report PDFs on hosts this machine cannot reach: following them
    # would time DNS failures, not extraction (raw extraction reads none of them either).
    toml = (
        default_toml()
        .replace("allow_private_networks = false", "allow_private_networks = true")
        .replace("requests_per_second_per_host = 1.0", "requests_per_second_per_host = 100000.0")
        .replace("follow_pdfs = true", "follow_pdfs = false")
    )
    toml += "".join(
        f'\n[[sources]]\nname = "{name}"\nurl = "{base}/{name}.xml"\nkind = "feed"\n'
        for name in feeds
    )
    workspace = create_workspace(folder, toml_text=toml)
    runtime.start(workspace.root.resolve())
    return workspace.config


def _cpu_seconds(pid: int) -> tuple[float, int]:
    """(utime + stime + the reaped children's, parent pid) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(value) for value in fields[11:15]) / ticks, int(fields[1])


def tree_cpu(exclude: tuple[int, ...] = ()) -> float:
    """CPU seconds of this process and every descendant (the extraction workers and their
    forkserver), except `exclude` (the loopback server)."""
    parents: dict[int, int] = {}
    seconds: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                seconds[int(entry.name)], parents[int(entry.name)] = _cpu_seconds(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    mine = {os.getpid()}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in mine and pid not in mine and pid not in exclude:
                mine.add(pid)
                changed = True
    return sum(seconds.get(pid, 0.0) for pid in mine)


def warm_extractors(config) -> None:
    from policypulse.harvest.pool import extractor_for

    extractor_for(config.harvest.extraction_processes).warm()


def run_pipeline(config, exclude: tuple[int, ...] = ()) -> tuple[float, list, float]:
    """(wall seconds, reports, CPU seconds of this process tree but `exclude`)."""
    from policypulse.harvest.services import harvest

    started, cpu = time.perf_counter(), tree_cpu(exclude)
    reports = harvest(config)
    return time.perf_counter() - started, reports, tree_cpu(exclude) - cpu


def run_raw(pages: list[bytes], pdfs: list[bytes], own: bool = False) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of raw extraction of the same bytes: `trafilatura.extract`
    and pypdfium2's text, or with `own` the harvest's own extraction in this process (text,
    metadata and fingerprints: what its workers do), which its overhead is measured against."""
    import pypdfium2 as pdfium
    import trafilatura

    from policypulse.harvest.pool import _html_fingerprinted, _pdf_fingerprinted

    started, cpu = time.perf_counter(), time.process_time()
    for number, body in enumerate(pages):
        if own:
            _html_fingerprinted(body, f"https://example.org/h/{number}.html", "text/html", None)
        else:
            trafilatura.extract(body)
    for body in pdfs:
        if own:
            _pdf_fingerprinted(body)
            continue
        document = pdfium.PdfDocument(body)
        for page in document:
            text_page = page.get_textpage()
            text_page.get_text_bounded()
            text_page.close()
            page.close()
        document.close()
    return time.perf_counter() - started, time.process_time() - cpu


def _raw_share(pages: list[bytes], pdfs: list[bytes]) -> float:
    """In a worker of `run_raw_parallel`: warm up, then raw extraction of its share; the
    share's CPU seconds."""
    run_raw(pages[:10], pdfs[:1])
    return run_raw(pages, pdfs)[1]


def run_raw_parallel(served: list[bytes], pdfs: list[bytes], workers: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the workers) of raw extraction split over `workers`
    processes, as the harvest splits it: the same extraction, paying whatever running on
    every core at once costs on this machine (shared caches, memory bandwidth, a busy host)."""
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for future in [pool.submit(os.getpid) for _ in range(workers * 2)]:
            future.result()  # the workers started before the clock
        started = time.perf_counter()
        shares = range(workers)  # each worker is sent its own documents only
        cpu = sum(pool.map(_raw_share, [served[k::workers] for k in shares],
                           [pdfs[k::workers] for k in shares]))  # fmt: skip
        return time.perf_counter() - started, cpu


def feed_names(html_count: int, pdf_count: int) -> list[str]:
    return [f"{ext}-{start // FEED_SIZE}" for ext, count in (("html", html_count),
            ("pdf", pdf_count)) for start in range(0, count, FEED_SIZE)]  # fmt: skip


def measure_child(what: str, cores: int, html_count: int, pdf_count: int, base: str) -> None:
    """In a fresh process (pinned to `cores` CPUs unless 0): warm up, then raw extraction or
    the harvest of the site at `base`; prints the figures as JSON."""
    if cores:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:cores]))
    pages, pdfs = html_pages(), pdf_documents(pdf_count)
    if what in ("raw", "raw-parallel", "raw-own"):
        served = [pages[n % len(pages)] for n in range(html_count)]
        run_raw(served[:20], pdfs[:2], own=what == "raw-own")
        if what in ("raw", "raw-own"):
            wall, cpu = run_raw(served, pdfs, own=what == "raw-own")
        else:
            wall, cpu = run_raw_parallel(served, pdfs, len(os.sched_getaffinity(0)))
        print(json.dumps({"wall": wall, "cpu": cpu}))
        return
    with tempfile.TemporaryDirectory() as folder:
        config = start_workspace(Path(folder) / "ws", base, feed_names(html_count, pdf_count))
        run_raw(pages[:20], pdfs[:2])
        warm_extractors(config)
        import policypulse.harvest.services  # noqa: F401 - imported before the clock starts

        own = time.process_time()
        wall, reports, cpu = run_pipeline(config)
        own = time.process_time() - own
    print(json.dumps({"wall": wall, "cpu": cpu, "harvest_process": own,
                      "new": sum(r.new for r in reports),
                      "duplicates": sum(r.duplicates for r in reports),
                      "errors": sum(len(r.errors) for r in reports)}))  # fmt: skip


def run_child(what: str, cores: int, html_count: int, pdf_count: int, base: str) -> dict:
    child = subprocess.run(
        [sys.executable, __file__, "--measure-child", what, str(cores), str(html_count),
         str(pdf_count), base],
        capture_output=True, text=True, check=True, env={**os.environ, "PULSE_DEBUG": "0"},
    )  # fmt: skip
    return json.loads(child.stdout.strip().splitlines()[-1])


def throughput(html_count: int, pdf_count: int, rounds: int) -> None:
    import statistics

    pages, pdfs = html_pages(), pdf_documents(pdf_count)
    site = Site(pages, pdfs, html_count, pdf_count)
    results = []
    try:
        for number in range(rounds):
            order = ("raw", "pipeline", "raw-parallel", "raw-own")
            order = order if number % 2 == 0 else order[::-1]
            results.append({what: run_child(what, 0, html_count, pdf_count, site.base)
                            for what in order})  # fmt: skip
    finally:
        site.close()
    documents = html_count + pdf_count
    print(f"\n1. Throughput: {html_count} HTML pages + {pdf_count} multi-page PDFs (about 24 "
          f"pages each), loopback; {rounds} rounds of raw and harvest, each run in a fresh "
          f"process, alternating order; load {os.getloadavg()[0]:.2f} at the end")  # fmt: skip
    for number, result in enumerate(results, 1):
        raw, pipeline, parallel = result["raw"], result["pipeline"], result["raw-parallel"]
        print(f"   round {number}: harvest {pipeline['wall']:6.2f} s wall, {pipeline['cpu']:6.2f} s "
              f"CPU (harvest process {pipeline['harvest_process']:5.2f}, extraction workers "
              f"{pipeline['cpu'] - pipeline['harvest_process']:5.2f}); raw {raw['wall']:6.2f} s "
              f"wall, {raw['cpu']:6.2f} s CPU; raw on every core {parallel['cpu']:6.2f} s CPU; "
              f"the harvest's extraction in one process {result['raw-own']['cpu']:6.2f} s CPU; "
              f"ratio {pipeline['cpu'] / raw['cpu']:.2f}x CPU ({pipeline['cpu'] / parallel['cpu']:.2f}x "
              f"against raw on every core), {pipeline['wall'] / raw['wall']:.2f}x wall")  # fmt: skip
    last = results[-1]["pipeline"]
    print(f"   each harvest: {last['new']} new publications, {last['duplicates']} recognised as "
          f"duplicates, {last['errors']} errors; {documents} documents")  # fmt: skip
    cpu = sorted(r["pipeline"]["cpu"] / r["raw"]["cpu"] for r in results)
    wall = sorted(r["pipeline"]["wall"] / r["raw"]["wall"] for r in results)
    parallel = sorted(r["pipeline"]["cpu"] / r["raw-parallel"]["cpu"] for r in results)
    penalty = sorted(r["raw-parallel"]["cpu"] / r["raw"]["cpu"] for r in results)
    own = sorted(r["raw-own"]["cpu"] / r["raw"]["cpu"] for r in results)
    beyond = sorted(r["pipeline"]["cpu"] / r["raw-own"]["cpu"] for r in results)
    print(f"   ratio harvest / raw, median of {rounds} rounds: {statistics.median(cpu):.2f}x CPU "
          f"(range {cpu[0]:.2f}-{cpu[-1]:.2f}; aim <= 1.2x), {statistics.median(wall):.2f}x wall "
          f"(range {wall[0]:.2f}-{wall[-1]:.2f})")  # fmt: skip
    print(f"   the same raw extraction on every core at once costs {statistics.median(penalty):.2f}x "
          f"its CPU on one (range {penalty[0]:.2f}-{penalty[-1]:.2f}); the harvest against it: "
          f"{statistics.median(parallel):.2f}x CPU (range {parallel[0]:.2f}-{parallel[-1]:.2f})")  # fmt: skip
    print(f"   the harvest's own extraction in one process (quick pass, full run on thin pages; "
          f"metadata; fingerprints) costs {statistics.median(own):.2f}x raw (range {own[0]:.2f}-"
          f"{own[-1]:.2f}); the harvest against it, i.e. everything beyond extraction (HTTP, "
          f"storage, the pool, every core at once): {statistics.median(beyond):.2f}x CPU (range "
          f"{beyond[0]:.2f}-{beyond[-1]:.2f})")  # fmt: skip


def cores(html_count: int, pdf_count: int) -> None:
    available = len(os.sched_getaffinity(0))
    pages, pdfs = html_pages(), pdf_documents(pdf_count)
    site = Site(pages, pdfs, html_count, pdf_count)
    print(f"\n4. Wall time by cores ({html_count} HTML + {pdf_count} PDFs; {available} cores "
          f"here, shared with whatever else runs)")  # fmt: skip
    results = {}
    try:
        for what, count in (("raw", 1), ("pipeline", 1), ("pipeline", 2)):
            if count > available:
                print(f"   {what} on {count} cores: skipped, only {available} available")
                continue
            results[what, count] = run_child(what, count, html_count, pdf_count, site.base)
            figures = results[what, count]
            print(f"   {what:8s} on {count} core{'s' if count > 1 else ' '}: "
                  f"{figures['wall']:6.2f} s wall, {figures['cpu']:6.2f} s CPU")  # fmt: skip
    finally:
        site.close()
    if ("raw", 1) in results and ("pipeline", 2) in results:
        ratio = results["pipeline", 2]["wall"] / results["raw", 1]["wall"]
        print(f"   harvest on 2 cores / raw on 1: {ratio:.2f}x wall (aim < 1.0x)")


def memory_child(html_count: int, pdf_count: int) -> None:
    """Run in a fresh process: harvest, then print peak RSS in MB as JSON."""
    pages, pdfs = html_pages(), pdf_documents(min(pdf_count, 50))
    site = Site(pages, pdfs, html_count, pdf_count)
    try:
        with tempfile.TemporaryDirectory() as folder:
            config = start_workspace(Path(folder) / "ws", site.base, site.feeds)
            seconds, reports, _ = run_pipeline(config)
    finally:
        site.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak, "seconds": seconds,
                      "processed": sum(r.new + r.duplicates for r in reports)}))  # fmt: skip


def memory(sizes: list[tuple[int, int]]) -> None:
    print("\n2. Peak memory (ru_maxrss of a fresh process; includes the loopback server)")
    for html_count, pdf_count in sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(html_count), str(pdf_count)],
            capture_output=True, text=True, check=True, env={**os.environ, "PULSE_DEBUG": "0"},
        )  # fmt: skip
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"   {html_count + pdf_count:5d} documents ({html_count} HTML + {pdf_count} PDF): "
              f"peak {result['peak_mb']:.0f} MB, {result['processed']} processed in "
              f"{result['seconds']:.1f} s")  # fmt: skip


# --- extraction quality -----------------------------------------------------------------------


def score(texts: list[str], gold: list[dict]) -> dict:
    tp = fn = fp = tn = 0
    for text, item in zip(texts, gold, strict=True):
        text = text or ""
        for snippet in item["with"]:
            if snippet in text:
                tp += 1
            else:
                fn += 1
        for snippet in item["without"]:
            if snippet in text:
                fp += 1
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "accuracy": (tp + tn) / (tp + tn + fp + fn)}  # fmt: skip


def quality() -> None:
    import trafilatura

    gold = [json.loads(line) for line in (EXTRACTION / "gold.jsonl").open(encoding="utf-8")]
    bodies = [(EXTRACTION / item["file"]).read_bytes() for item in gold]
    site = Site(bodies, [], len(bodies), 0)
    try:
        with tempfile.TemporaryDirectory() as folder:
            config = start_workspace(Path(folder) / "ws", site.base, site.feeds)
            seconds, reports, _ = run_pipeline(config)
            from policypulse.catalogue.models import Publication

            by_url = dict(Publication.objects.values_list("url", "text"))
            # A page recognised as a duplicate of another keeps that publication's text.
            from policypulse.catalogue.models import PublicationAlias
            from policypulse.catalogue.urls import canonical_url

            aliases = {a.canonical_url: a.publication.text
                       for a in PublicationAlias.objects.select_related("publication")}  # fmt: skip
            harvested = []
            for n in range(len(bodies)):
                url = f"{site.base}/h/{n}.html"
                harvested.append(by_url.get(url) or aliases.get(canonical_url(url), ""))
    finally:
        site.close()
    direct = [trafilatura.extract(body) or "" for body in bodies]
    errors = sum(len(r.errors) for r in reports)
    print(f"\n3. Extraction quality: {len(gold)} real pages with gold snippets "
          f"(harvested over HTTP in {seconds:.1f} s, {errors} errors)")  # fmt: skip
    for name, texts in (("harvester over HTTP", harvested), ("trafilatura.extract", direct)):
        figures = score(texts, gold)
        print(f"   {name:22s} " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--memory-child", nargs=2, type=int, metavar=("HTML", "PDF"))
    parser.add_argument("--only", choices=["throughput", "cores", "memory", "quality"])
    parser.add_argument(
        "--measure-child", nargs=5, metavar=("WHAT", "CORES", "HTML", "PDF", "BASE")
    )
    parser.add_argument("--rounds", type=int, default=5, help="throughput rounds (median)")
    parser.add_argument("--extraction", type=Path, help="the extraction benchmark folder")
    args = parser.parse_args()
    if args.extraction:
        global EXTRACTION
        EXTRACTION = args.extraction.resolve()
        os.environ["PULSE_EXTRACTION_BENCH"] = str(EXTRACTION)
    if not (EXTRACTION / "gold.jsonl").exists():
        parser.error(f"no extraction benchmark at {EXTRACTION}: pass --extraction DIR")
    if args.memory_child:
        memory_child(*args.memory_child)
        return
    if args.measure_child:
        what, count, html_count, pdf_count, base = args.measure_child
        measure_child(what, int(count), int(html_count), int(pdf_count), base)
        return
    if args.only is None:
        # Each section in its own process: Django is configured once per process.
        for section in ("throughput", "cores", "memory", "quality"):
            extra = (["--quick"] if args.quick else []) + ["--rounds", str(args.rounds)]
            subprocess.run([sys.executable, __file__, "--only", section, *extra], check=True)
    elif args.only == "throughput":
        throughput(*((100, 10) if args.quick else (500, 50)), args.rounds)
    elif args.only == "cores":
        cores(*((100, 10) if args.quick else (500, 50)))
    elif args.only == "memory":
        memory([(100, 10), (400, 40)] if args.quick else [(500, 50), (2000, 200)])
    else:
        quality()


if __name__ == "__main__":
    main()
