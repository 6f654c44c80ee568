"""The full-text index over `Customer.search_text`, for each database (created by migration 0010).

- MariaDB/MySQL: an InnoDB FULLTEXT index on the column, kept up to date by InnoDB itself.
- SQLite: an FTS5 table reading its text from the customers table (external content: the text is stored once),
  kept in step by triggers on the customers table, so every write reaches it: services, the admin, the demo
  seeder's multi-row INSERTs, and test fixtures alike. Django rebuilds an SQLite table for some schema changes
  (copy, drop, rename), which drops its triggers: `sqlite_search_triggers_ensure` runs after every migrate and
  puts them back, with the FTS table rebuilt from the column.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "customers_customer"
FTS = f"{TABLE}_fts"
MYSQL_INDEX = "customer_search_ft"
# unicode61 splits on anything but letters and digits; "_" joins the parts of an email token ("buyer_acme_test").
_TRIGGERS = {
    "customer_search_ai": f"""
        CREATE TRIGGER IF NOT EXISTS customer_search_ai AFTER INSERT ON {TABLE} BEGIN
            INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "customer_search_ad": f"""
        CREATE TRIGGER IF NOT EXISTS customer_search_ad AFTER DELETE ON {TABLE} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        END""",
    "customer_search_au": f"""
        CREATE TRIGGER IF NOT EXISTS customer_search_au AFTER UPDATE OF search_text ON {TABLE} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}


def search_index_create(connection: BaseDatabaseWrapper) -> None:
    """Build the index from the rows as they are (after the column is filled: faster than indexing row by row)."""
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"ALTER TABLE {TABLE} ADD FULLTEXT INDEX {MYSQL_INDEX} (search_text)")
        elif connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_text, content='{TABLE}', content_rowid='id', "
                "tokenize=\"unicode61 tokenchars '_'\")"
            )
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
            for sql in _TRIGGERS.values():
                cursor.execute(sql)


def search_index_drop(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"ALTER TABLE {TABLE} DROP INDEX {MYSQL_INDEX}")
        elif connection.vendor == "sqlite":
            for name in _TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")


def sqlite_search_triggers_ensure(connection: BaseDatabaseWrapper) -> bool:
    """Put back triggers a table rebuild dropped, and refill the FTS table from the column. True if it had to."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE 'customer%'")
        present = {row[0] for row in cursor.fetchall()}
        if FTS not in present or set(_TRIGGERS) <= present:
            return False
        for sql in _TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    return True


def search_index_after_migrate(sender, using: str = "default", **kwargs) -> None:
    from django.db import connections

    sqlite_search_triggers_ensure(connections[using])
