"""``newsarchive export``: a dataset of the archive as CSV, JSON Lines or Parquet, every row.

datasette's own exports suit a look, not a corpus: its SQL CSV stops at 1,000 rows without a word,
its JSON escapes Chinese as ``\\u`` sequences and its CSV has no BOM, so spreadsheet programs
read it as a legacy code page (issue 17). This reads the database directly, read-only (a crawl may
be writing: WAL readers see the last commit), a batch at a time, so memory stays flat:

- CSV: UTF-8; ``--bom`` puts a byte-order mark first, which Excel needs to read it as UTF-8;
- JSON Lines: one object a line, Chinese as written (``ensure_ascii=False``);
- Parquet through pyarrow, with the columns' types (text, 64-bit integers), in row groups.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from pathlib import Path

import click

from .errors import CONTEXT
from .export_queries import DATASETS, Dataset

BATCH = 5000
FORMATS = ("csv", "jsonl", "parquet")


def export_rows(conn: sqlite3.Connection, dataset: Dataset, since: str | None, run: int | None):
    """The dataset's rows, as tuples in column order, a batch at a time."""
    sql, params = dataset.query(since, run)
    cursor = conn.execute(sql, params)
    while batch := cursor.fetchmany(BATCH):
        yield batch


def write_csv(batches, dataset: Dataset, out, bom: bool) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig" if bom else "utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow([name for name, _ in dataset.columns])
    count = 0
    for batch in batches:
        writer.writerows(batch)
        count += len(batch)
    text.flush()
    text.detach()
    return count


def write_jsonl(batches, dataset: Dataset, out) -> int:
    names = [name for name, _ in dataset.columns]
    count = 0
    for batch in batches:
        out.write("".join(json.dumps(dict(zip(names, row)), ensure_ascii=False) + "\n" for row in batch)
                  .encode("utf-8"))
        count += len(batch)
    return count


def write_parquet(batches, dataset: Dataset, path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, pa.int64() if kind is int else pa.string()) for name, kind in dataset.columns])
    count = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        for batch in batches:
            columns = list(zip(*batch))
            writer.write_table(pa.Table.from_arrays(
                [pa.array(column, type=field.type) for column, field in zip(columns, schema)], schema=schema))
            count += len(batch)
        if not count:
            writer.write_table(schema.empty_table())
    return count


@click.command(context_settings=CONTEXT)
@click.argument("dataset", type=click.Choice(list(DATASETS)))
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", default="csv", show_default=True, type=click.Choice(FORMATS))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output; Parquet needs a file).")
@click.option("--since", metavar="DATE", help="Only rows archived on or after DATE (UTC, YYYY-MM-DD).")
@click.option("--run", "run_id", type=int, help="Only what run ID archived or changed.")
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte-order mark, for spreadsheet programs.")
def export(dataset: str, data: Path, fmt: str, output: Path | None, since: str | None, run_id: int | None,
           bom: bool) -> None:
    """Export a dataset (articles, interviews, qa, rankings, captures) as CSV, JSON Lines or Parquet.

    Every row, in UTF-8, each with the WARC file and offset of its capture. The qa dataset is
    one row per question and answer, with the person, their position, the title and date.

    \b
    Examples:
      newsarchive export qa --data data --format csv --bom --output qa.csv
      newsarchive export articles --data data --format parquet --output articles.parquet
      newsarchive export rankings --data data --format jsonl --since 2022-10-09
    """
    from archive.datadir import check_database

    db = data / "archive.db"
    if not db.exists():
        raise click.UsageError(f"no archive at {db}; run a crawl or `newsarchive demo` first")
    if fmt == "parquet" and output is None:
        raise click.UsageError("Parquet is binary: give --output FILE")
    check_database(db, write=False)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    batches = export_rows(conn, DATASETS[dataset], since, run_id)
    try:
        if fmt == "parquet":
            count = write_parquet(batches, DATASETS[dataset], output)
        else:
            with (open(output, "wb") if output else _stdout()) as out:
                count = (write_csv(batches, DATASETS[dataset], out, bom) if fmt == "csv"
                         else write_jsonl(batches, DATASETS[dataset], out))
    finally:
        conn.close()
    if output:
        click.echo(f"wrote {count} {dataset} rows to {output}", err=True)


class _stdout:
    """sys.stdout's bytes, flushed but not closed at the end of a with block."""

    def __enter__(self):
        return sys.stdout.buffer

    def __exit__(self, *exc):
        sys.stdout.buffer.flush()
