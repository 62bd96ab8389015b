"""``newsarchive export``: each dataset in each format read back (CSV with the csv module, JSON Lines
with json, Parquet with pyarrow) equals the database's rows; filters, BOM, Chinese unescaped."""

import csv
import io
import json
import sqlite3

import pyarrow.parquet as pq
import pytest

from newsarchive.export_queries import DATASETS
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    data = tmp_path_factory.mktemp("export") / "data"
    result = run_cli("demo", "--data", str(data), "--days", "2", "--articles", "40")
    assert result.returncode == 0, result.stdout + result.stderr
    return data


def _expected(data, dataset, since=None, run=None):
    """The rows as the dataset's own query gives them, values as text the way CSV carries them."""
    sql, params = DATASETS[dataset].query(since, run)
    return sqlite3.connect(data / "archive.db").execute(sql, params).fetchall()


def _read(path, fmt):
    if fmt == "csv":
        raw = path.read_bytes()
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
        return rows[0], [tuple(r) for r in rows[1:]]
    if fmt == "jsonl":
        objects = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        return list(objects[0]) if objects else [], [tuple(o.values()) for o in objects]
    table = pq.read_table(path)
    return table.column_names, [tuple(r.values()) for r in table.to_pylist()]


def _as_csv(value):
    return "" if value is None else str(value)


@pytest.mark.parametrize("dataset", list(DATASETS))
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_every_row_read_back_equals_the_database(data, tmp_path, dataset, fmt):
    out = tmp_path / f"{dataset}.{fmt}"
    result = run_cli("export", dataset, "--data", str(data), "--format", fmt, "--output", str(out))
    assert result.returncode == 0, result.stderr
    expected = _expected(data, dataset)
    assert expected, dataset
    names, rows = _read(out, fmt)
    assert names == [name for name, _ in DATASETS[dataset].columns]
    if fmt == "csv":
        expected = [tuple(map(_as_csv, row)) for row in expected]
    assert rows == expected
    assert f"wrote {len(expected)} {dataset} rows" in result.stderr


def test_qa_rows_name_the_person_and_the_capture(data, tmp_path):
    out = tmp_path / "qa.jsonl"
    assert run_cli("export", "qa", "--data", str(data), "--format", "jsonl", "--output", str(out)).returncode == 0
    text = out.read_text("utf-8")
    assert "\\u" not in text and "陈定贵" in text                 # Chinese as written, not escaped
    seed = [json.loads(line) for line in text.splitlines() if "陈定贵" in line]
    assert [r["seq"] for r in seed] == list(range(1, len(seed) + 1)) and len(seed) >= 4
    assert all(r["person"] == "陈定贵" and r["position"] and r["title"].endswith("汽开区") for r in seed)
    assert all(r["date"] == seed[0]["date"] and len(r["date"]) == 10 for r in seed)
    db = sqlite3.connect(data / "archive.db")
    warc_file, offset = db.execute("SELECT c.warc_file, c.warc_offset FROM interviews n JOIN captures c "
                                   "ON c.id = n.capture_id WHERE n.article = ?", [seed[0]["article"]]).fetchone()
    assert (seed[0]["warc_file"], seed[0]["warc_offset"]) == (warc_file, offset)
    assert (data / "warc" / warc_file).exists()


def test_csv_bom_and_standard_output(data):
    plain = run_cli("export", "articles", "--data", str(data))
    assert plain.returncode == 0 and plain.stdout.startswith("canonical_url,kind,title")
    with_bom = run_cli("export", "articles", "--data", str(data), "--bom", "--output", "/dev/stdout")
    assert with_bom.stdout.startswith("\ufeffcanonical_url")


def test_since_and_run_filter(data, tmp_path):
    db = sqlite3.connect(data / "archive.db")
    day2 = db.execute("SELECT substr(started_at, 1, 10) FROM runs WHERE id = 2").fetchone()[0]
    result = run_cli("export", "rankings", "--data", str(data), "--run", "2", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and {r["run_id"] for r in rows} == {2}
    changed = {r[0] for r in db.execute("SELECT article FROM article_versions WHERE run_id = 2")}
    result = run_cli("export", "articles", "--data", str(data), "--run", "2", "--format", "jsonl")
    assert {json.loads(line)["canonical_url"] for line in result.stdout.splitlines()} == changed
    result = run_cli("export", "captures", "--data", str(data), "--since", day2, "--format", "jsonl")
    assert all(json.loads(line)["fetched_at"] >= day2 for line in result.stdout.splitlines())
    assert len(result.stdout.splitlines()) == len(_expected(data, "captures", since=day2))


def test_parquet_needs_a_file_and_a_missing_archive_is_one_line(tmp_path):
    result = run_cli("export", "qa", "--data", str(tmp_path), "--format", "parquet")
    assert result.returncode == 2 and "no archive" in result.stderr
