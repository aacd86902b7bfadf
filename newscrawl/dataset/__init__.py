"""Run files to a dataset: ``python -m newscrawl.dataset build|verify|stats``.

Turns the JSON Lines of any number of crawl runs into typed, partitioned Parquet
with one row per article, every version kept, exact and near duplicates moved
aside and each row's language checked (docs/datasets.md). Needs the ``dataset``
extra (pyarrow, DuckDB, rensa, pycld2); the crawler never imports this package.
"""
