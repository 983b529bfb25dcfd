"""`anjian bench` on a checkout where var/ does not exist yet: it creates what SQLite cannot."""

import sqlite3

from bench.command import prepare_database, remove_sqlite


def test_a_missing_directory_of_a_sqlite_data_set_is_created_and_named(tmp_path):
    path = tmp_path / "fresh-checkout" / "var" / "bench-small.sqlite3"
    url = f"sqlite:///{path}"
    assert prepare_database(url) == str(path.resolve())
    # SQLite answers "unable to open database file" when the directory is missing.
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    assert path.exists()
    remove_sqlite(url)
    assert not path.exists() and path.parent.is_dir()


def test_another_database_is_left_to_its_server():
    url = "postgres://bench@localhost/anjian_bench_small"
    assert prepare_database(url) == url
