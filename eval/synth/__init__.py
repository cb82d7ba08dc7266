"""The synthetic news corpus generator; the public entry point is :mod:`eval.synthetic`."""
