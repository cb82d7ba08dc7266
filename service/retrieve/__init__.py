"""Stage 1, retrieve: follow-ups rewritten as standalone queries, then dense, keyword and hybrid retrieval."""
