"""`newsdesk bench`: throughput, latency and memory of Newsdesk, measured in one run.

Sections, each a function returning a plain dict:

* ``encoder``: the embedding model's raw forward passes over the benchmark's chunks (the exact texts and
  length-sorted batches the pipeline embeds), the embedder as the pipeline calls it, and torch fp32 through
  sentence-transformers on the same chunks;
* ``ingest``: the whole ingest pipeline (clean, chunk, embed, write the three stores) on the same articles,
  in a child process so its peak resident memory is its own; pipeline efficiency = pipeline / raw encoder,
  measured in rounds of the two back to back;
* ``textbook``: the textbook llama-index pipeline (``eval.textbook``) on the same articles;
* ``http``: ``/v1/ask`` latency and throughput from an async httpx load generator at several concurrencies,
  against a real ``newsdesk serve`` subprocess over an index of ``ask_chunks`` chunks;
* ``scale``: hybrid retrieval latency and process memory at growing index sizes.

Embedding 100k+ chunks for real would take hours on two cores, so the bigger indexes are the real articles
plus *filler*: synthetic documents whose sentences are drawn from the benchmark articles and whose vectors
are perturbed copies of real chunk vectors. They go through the real write path (catalog, Chroma, tantivy);
the output says which points hold filler. The corpus is ``eval.synthetic``'s deterministic generator.
"""
