"""The evaluation report editors read: report.md, report.html, metrics.json and two plots.

Tables put every system side by side; the per-question tables list failures first, each with the question,
the answer, the cited snippets and the gold answer. Rows stream from the outcomes file, so the report of a
large run is written without loading it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RETRIEVAL_COLUMNS = ("hit@1", "hit@5", "mrr", "ndcg@10")
ANSWER_COLUMNS = (
    "answer_accuracy",
    "answer_accuracy_cited",
    "overall_accuracy",
    "token_f1",
    "citation_precision",
    "citation_validity",
    "refusal_precision",
    "refusal_recall",
    "direct_answer_accuracy",
)


def fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def iter_outcomes(path: Path, system: str, failures: bool) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            outcome = json.loads(line)
            if outcome["system"] == system and (not outcome["correct"]) == failures:
                yield outcome


def plot_hit_curve(metrics: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4))
    for name, curve in metrics["hit_curve"].items():
        axes.plot(range(1, len(curve) + 1), curve, marker="o", label=name)
    axes.set_xlabel("k (chunks)")
    axes.set_ylabel("hit@k (a gold document in the top k)")
    axes.set_ylim(0, 1.02)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_latency(outcomes: Path, systems: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[str, list[float]] = {}
    with outcomes.open(encoding="utf-8") as lines:
        for line in lines:
            outcome = json.loads(line)
            if outcome["system"] in systems:
                for stage, ms in outcome["timings_ms"].items():
                    series.setdefault(f"{outcome['system']}: {stage}", []).append(ms)
    if not series:
        return
    figure, axes = plt.subplots(figsize=(7, 0.45 * len(series) + 1.5))
    labels = sorted(series)
    axes.boxplot([series[label] for label in labels], vert=False, showfliers=True)
    axes.set_yticks(range(1, len(labels) + 1), labels, fontsize=8)
    axes.set_xlabel("milliseconds per question")
    axes.grid(alpha=0.3, axis="x")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _table_md(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in row) + " |" for row in rows
    ]
    return "\n".join(lines)


def _table_html(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _latency_cell(latency: dict[str, dict[str, float]], stage: str) -> str:
    if stage not in latency:
        return "n/a"
    return f"{latency[stage]['p50']:.0f} / {latency[stage]['p95']:.0f}"


def summary_tables(metrics: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    systems = metrics["systems"]
    retrieval_rows = [[name, *(fmt(s[c]) for c in RETRIEVAL_COLUMNS)] for name, s in systems.items()]
    retrieval_rows += [
        [name, *(fmt(s[c]) for c in RETRIEVAL_COLUMNS)] for name, s in metrics["retrieval"].items()
    ]
    answer_rows = [[name, *(fmt(s[c]) for c in ANSWER_COLUMNS)] for name, s in systems.items()]
    stages = sorted({stage for s in systems.values() for stage in s["latency_ms"]})
    latency_rows = [
        [name, *(_latency_cell(s["latency_ms"], stage) for stage in stages)] for name, s in systems.items()
    ]
    tables = [
        ("Retrieval (answerable questions)", ["system", *RETRIEVAL_COLUMNS], retrieval_rows),
        ("Answers", ["system", *ANSWER_COLUMNS], answer_rows),
        ("Latency p50 / p95 (ms)", ["system", *stages], latency_rows),
    ]
    splits = sorted({split for s in systems.values() for split in s.get("by_split", {})})
    if splits:
        split_rows = [
            [f"{name} ({split})", *_split_cells(s["by_split"].get(split))]
            for name, s in systems.items()
            for split in splits
        ]
        header = ["system (split)", "answerable right and cited", "unanswerable refused"]
        tables.append(("Dev and test halves", header, split_rows))
    kinds = sorted({kind for s in systems.values() for kind in s.get("by_kind", {})})
    if kinds:
        kind_rows = [
            [name, *(_kind_cell(s.get("by_kind", {}).get(kind)) for kind in kinds)]
            for name, s in systems.items()
        ]
        title = "Right (answered and cited, or refused) by kind of question"
        tables.append((title, ["system", *kinds], kind_rows))
    return tables


def _split_cells(tally: dict[str, Any] | None) -> list[str]:
    if not tally:
        return ["—", "—"]
    return [
        f"{tally['answerable_right']}/{tally['answerable']} ({fmt(tally['answer_accuracy_cited'])})",
        f"{tally['unanswerable_refused']}/{tally['unanswerable']} ({fmt(tally['refusal_recall'])})",
    ]


def _kind_cell(tally: dict[str, Any] | None) -> str:
    return f"{tally['right']}/{tally['total']}" if tally else "—"


def outcome_row(outcome: dict[str, Any]) -> list[str]:
    snippets = " ‖ ".join(
        f"[{c['n']}] {c['doc_id']}: {' '.join(c['snippet'].split())[:300]}" for c in outcome["citations"]
    )
    gold = "(unanswerable)" if outcome["unanswerable"] else " / ".join(outcome["gold_answers"])
    return [
        outcome["id"],
        "✔" if outcome["correct"] else f"✘ {outcome.get('failure') or ''}",
        outcome["question"],
        " ".join(outcome["answer"].split())[:600],
        snippets or "—",
        gold,
    ]


OUTCOME_HEADER = ["id", "outcome", "question", "answer", "cited snippets", "gold answer"]


def write_report(
    metrics: dict[str, Any], outcomes: Path, out_dir: Path, notes: list[str] | None = None
) -> dict[str, Path]:
    """Write metrics.json, the plots, report.md and report.html; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "metrics": out_dir / "metrics.json",
        "markdown": out_dir / "report.md",
        "html": out_dir / "report.html",
        "hit_curve": out_dir / "hit_at_k.png",
        "latency": out_dir / "latency.png",
    }
    paths["metrics"].write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    plot_hit_curve(metrics, paths["hit_curve"])
    systems = list(metrics["systems"])
    plot_latency(outcomes, systems, paths["latency"])
    tables = summary_tables(metrics)
    intro = [
        f"Dataset: `{metrics['dataset']}` — {metrics.get('questions', '?')} questions; "
        f"corpus: `{metrics.get('corpus', '?')}`; run {metrics.get('created', '')} "
        f"in {metrics.get('seconds', 0):.0f} s.",
        *(notes or []),
    ]

    with paths["markdown"].open("w", encoding="utf-8") as md:
        md.write("# Newsdesk evaluation\n\n" + "\n\n".join(intro) + "\n\n")
        for title, header, rows in tables:
            md.write(f"## {title}\n\n{_table_md(header, rows)}\n\n")
        md.write("![hit@k](hit_at_k.png)\n\n![latency](latency.png)\n\n")
        for system in systems:
            md.write(f"## Questions: {system} (failures first)\n\n")
            md.write(_table_md(OUTCOME_HEADER, []) + "\n")
            for failures in (True, False):
                for outcome in iter_outcomes(outcomes, system, failures):
                    cells = [c.replace("|", "\\|") for c in outcome_row(outcome)]
                    md.write("| " + " | ".join(cells) + " |\n")
            md.write("\n")

    with paths["html"].open("w", encoding="utf-8") as page:
        page.write(
            "<!doctype html><html><head><meta charset='utf-8'><title>Newsdesk evaluation</title><style>"
            "body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;"
            "margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:13px}"
            "th{background:#f3f3f3}tr.fail{background:#fff1f0}img{max-width:700px;margin-right:1em}"
            "</style></head><body><h1>Newsdesk evaluation</h1>"
        )
        page.write("".join(f"<p>{html.escape(line)}</p>" for line in intro))
        for title, header, rows in tables:
            page.write(f"<h2>{html.escape(title)}</h2>{_table_html(header, rows)}")
        page.write("<p><img src='hit_at_k.png' alt='hit@k'><img src='latency.png' alt='latency'></p>")
        for system in systems:
            page.write(f"<h2>Questions: {html.escape(system)} (failures first)</h2><table><thead><tr>")
            page.write("".join(f"<th>{html.escape(h)}</th>" for h in OUTCOME_HEADER) + "</tr></thead><tbody>")
            for failures in (True, False):
                for outcome in iter_outcomes(outcomes, system, failures):
                    cls = " class='fail'" if failures else ""
                    cells = "".join(f"<td>{html.escape(c)}</td>" for c in outcome_row(outcome))
                    page.write(f"<tr{cls}>{cells}</tr>")
            page.write("</tbody></table>")
        page.write("</body></html>\n")
    return paths
