"""Peak memory of the worst uploads the default limits accept, and of the ones they refuse (slow suite).

Each case runs in its own process (tests/ingest_memory_worker.py), so its peak RSS is its own: the models,
a question, and two uploads of a document just under one of the limits (no spaces, one line, Chinese, many
headings, many tiny sentences) or over one (a 20 MB line, 100,000 headings). Asserted: accepted ones are
accepted and answer questions, refused ones get a 422 naming the limit, the peak stays under 1.5 GiB, and
a second upload of the same size reuses the first's memory instead of adding to it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

WORKER = Path(__file__).with_name("ingest_memory_worker.py")
PEAK_BOUND_MIB = 1536
REPEAT_GROWTH_BOUND_MIB = 100
ACCEPTED = ["no-spaces", "one-line", "cjk", "headings", "tiny-sentences"]
REFUSED = ["20mb-line", "100k-headings"]


def measure(case: str, data_dir: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(WORKER.parent.parent)}
    env = {key: value for key, value in env.items() if not key.startswith("NEWSDESK_")}
    done = subprocess.run(
        [sys.executable, str(WORKER), case, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=1500,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(figures))  # the figures, with -s
    return figures


@pytest.mark.parametrize("case", ACCEPTED + REFUSED)
def test_the_worst_uploads_stay_under_the_memory_bound(case: str, tmp_path: Path) -> None:
    figures = measure(case, tmp_path / "data")
    if case in ACCEPTED:
        assert figures["status"] == [201, 201], figures
        assert figures["ask"] == 200 and figures["search"] == 200, figures
        assert figures["search_bytes"] < 10 * 2 * 2_000 + 10_000, figures  # ten hits of capped chunks
    else:
        assert figures["status"] == [422, 422] and "limit (NEWSDESK_MAX_" in figures["message"], figures
    assert figures["peak_rss_mib"] < PEAK_BOUND_MIB, figures
    growth = figures["rss_after_second_mib"] - figures["rss_after_first_mib"]
    assert growth < REPEAT_GROWTH_BOUND_MIB, figures
