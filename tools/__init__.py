"""Tooling around the product, never imported by it: the benchmark suite (`tools.bench`, run
by `make bench`) and the live server + Chromium start-up it shares with the browser tests
(`tools.browser`)."""
