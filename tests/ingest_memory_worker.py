"""The process test_ingest_memory.py measures: one worst-case upload, twice, through the real API.

Usage: ``python tests/ingest_memory_worker.py CASE DATA_DIR``. It starts an engine with the default settings,
answers a question (so the query path's memory is there before), uploads the case's file to
``/v1/documents/upload`` twice (two ids: the second shows whether memory is reused or keeps growing), asks
and searches over it, and prints one JSON object: the status, seconds, chunk count and RSS figures in MiB.
Peak RSS is ``VmHWM``: this process's own, from its start (the models included).
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from service.api import create_app
from service.engine import Newsdesk
from service.settings import Settings

MIB = 2**20


def worst_cases(settings: Settings) -> dict[str, Callable[[], tuple[str, str]]]:
    """Each case's file name and text: just under one of the default limits, or over one."""
    chars, chunks = settings.max_document_chars, settings.max_chunks_per_document
    return {
        # 2,000-character chunks of one unknown word piece each: the character cap alone cuts them.
        "no-spaces": lambda: ("no-spaces.txt", "No spaces\n\n" + "x" * (chars - 1_000)),
        # One line, one sentence, ~100,000 words: cut into pieces of 180 word pieces.
        "one-line": lambda: ("one-line.txt", "One line\n\n" + " ".join(["word"] * ((chars - 1_000) // 5))),
        # No spaces and a word piece a character: cut between characters, just under the chunk limit.
        "cjk": lambda: ("cjk.txt", "中文\n\n" + "中文句子没有空格" * (chunks * 180 * 98 // 100 // 8)),
        # A paragraph per heading, just under the character limit.
        "headings": lambda: ("headings.md", "".join(f"# Heading number {i}\n\n" for i in range(chars // 22))),
        # Tiny sentences, just under the chunk limit.
        "tiny-sentences": lambda: ("tiny.txt", "Tiny\n\n" + "Go now. " * (chunks * 44)),
        # Over the limits: a 20 MB single line, 100,000 headings.
        "20mb-line": lambda: ("line.txt", "Big\n\n" + "word " * 4_000_000),
        "100k-headings": lambda: ("many.md", "".join(f"# Heading {i:06d} text\n" for i in range(100_000))),
    }


def peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


def main(case: str, data_dir: str) -> None:
    from fastapi.testclient import TestClient

    settings = Settings(data_dir=Path(data_dir), ingest_sample_if_empty=False)
    name, text = worst_cases(settings)[case]()
    data = text.encode()
    del text
    engine = Newsdesk(settings)
    engine.warm_up()
    with TestClient(create_app(settings, newsdesk=engine)) as client:
        client.post("/v1/ask", json={"question": "What happened?"})
        before = rss()
        started = time.perf_counter()
        first = client.post("/v1/documents/upload", files={"file": (name, data)}, data={"doc_id": "first"})
        seconds = time.perf_counter() - started
        after_first = rss()
        second = client.post("/v1/documents/upload", files={"file": (name, data)}, data={"doc_id": "second"})
        after_second = rss()
        ask = client.post("/v1/ask", json={"question": "What does heading number 12 say?"})
        search = client.post("/v1/search", json={"query": "heading number 12", "top_k": 10})
    print(
        json.dumps(
            {
                "case": case,
                "file_bytes": len(data),
                "status": [first.status_code, second.status_code],
                "message": first.json().get("message", ""),
                "chunks": first.json().get("chunk_count", 0),
                "seconds": round(seconds, 1),
                "rss_before_mib": round(before / MIB),
                "rss_after_first_mib": round(after_first / MIB),
                "rss_after_second_mib": round(after_second / MIB),
                "peak_rss_mib": round(peak_rss() / MIB),
                "ask": ask.status_code,
                "search": search.status_code,
                "search_bytes": len(search.content),
            }
        )
    )
    engine.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
