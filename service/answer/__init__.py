"""Stage 3, answer: the answer records, the extractive answerer, and the generative one (prompt, language
model backends, verification)."""
