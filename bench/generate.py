#!/usr/bin/python3
"""Writes one benchmark migration set three ways, with identical DDL.

  retort/        <id>_<slug>.cpp files using op.execute (what retortc parses)
  retort_sql/    the same revisions as .sql files (optional, --sql-files)
  alembic/       an Alembic project (alembic.ini, env.py, versions/*.py)
  floor_upgrade.sql, floor_downgrade.sql
                 the physical floor: the same statements as one script, one
                 transaction per revision including the version-table
                 statements Alembic issues, for `psql -f` or `sqlite3`

Every revision creates one table (bigint primary key, varchar(100) NOT NULL,
a timestamp defaulting to the transaction time) and one index; its downgrade
drops both. Shapes: `linear` (one chain) and `branchy` (two parallel branches
off a common revision, merged every 50 revisions).

Usage: generate.py --count 1000 --shape linear --dialect postgresql --out DIR
"""
import argparse
import hashlib
import os
import sys

MERGE_EVERY = 50

# The only statement that differs between dialects: SQLite has neither
# timestamptz semantics nor now(); CURRENT_TIMESTAMP is its equivalent.
TIMESTAMP_COLUMN = {
    "postgresql": "created_at TIMESTAMPTZ DEFAULT now()",
    "sqlite": "created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP",
}


class Revision:
    def __init__(self, index, shape):
        self.index = index
        self.id = hashlib.sha1(f"retort-bench-{shape}-{index}".encode()).hexdigest()[:12]
        self.down = []  # Revision objects
        self.children = []
        self.table = f"bench_{index:05d}"
        self.slug = f"create_{self.table}"
        self.message = f"create {self.table}"

    def upgrade_sql(self, dialect):
        return [
            f"CREATE TABLE {self.table} (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, "
            f"{TIMESTAMP_COLUMN[dialect]})",
            f"CREATE INDEX ix_{self.table}_name ON {self.table} (name)",
        ]

    def downgrade_sql(self):
        return [f"DROP INDEX ix_{self.table}_name", f"DROP TABLE {self.table}"]


def build_graph(count, shape):
    """Revisions in a valid application order (every revision after its parents)."""
    revisions = [Revision(i, shape) for i in range(count)]
    if shape == "linear":
        for prev, rev in zip(revisions, revisions[1:]):
            rev.down = [prev]
    else:
        # Revision 0 is the base; inside each block of 50, revisions alternate
        # between two branches off the previous merge, and the block's last
        # revision merges them (the last revision overall is always a merge,
        # so the set has one head).
        tails = [revisions[0], revisions[0]]
        branch = 0
        for rev in revisions[1:]:
            closes_block = (rev.index + 1) % MERGE_EVERY == 0 or rev.index == count - 1
            if closes_block and tails[0] is not tails[1]:
                rev.down = list(tails)
                tails = [rev, rev]
                branch = 0
            else:
                rev.down = [tails[branch]]
                tails[branch] = rev
                branch = 1 - branch
    for rev in revisions:
        for parent in rev.down:
            parent.children.append(rev)
    return revisions


class Output:
    """Writes files only when their content changes and removes stale ones,
    so that regenerating a set leaves a build of it up to date."""

    def __init__(self, root):
        self.root = root
        self.written = set()

    def write(self, relative_path, text):
        path = os.path.join(self.root, relative_path)
        self.written.add(path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.exists(path):
            with open(path) as f:
                if f.read() == text:
                    return
        with open(path, "w") as f:
            f.write(text)

    def remove_stale(self):
        # Python's __pycache__ stays: it is what a deployed Alembic has too.
        for directory, subdirectories, names in os.walk(self.root, topdown=False):
            if os.path.basename(directory) == "__pycache__":
                continue
            for name in names:
                path = os.path.join(directory, name)
                if path not in self.written:
                    os.remove(path)
            if not os.listdir(directory):
                os.rmdir(directory)


def sql_literal(text):
    return "'" + text.replace("'", "''") + "'"


def cpp_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_retort_cpp(revisions, dialect, out):
    for rev in revisions:
        if not rev.down:
            down = "retort::base"
        elif len(rev.down) == 1:
            down = cpp_string(rev.down[0].id)
        else:
            down = "{" + ", ".join(cpp_string(d.id) for d in rev.down) + "}"
        lines = [
            "#include <retort/migration.hpp>",
            "",
            "constexpr retort::Revision revision{",
            f"    .id = {cpp_string(rev.id)},",
            f"    .down_revision = {down},",
            f"    .message = {cpp_string(rev.message)},",
            "};",
            "",
            "void upgrade(retort::Op& op) {",
            *[f"  op.execute({cpp_string(s)});" for s in rev.upgrade_sql(dialect)],
            "}",
            "",
            "void downgrade(retort::Op& op) {",
            *[f"  op.execute({cpp_string(s)});" for s in rev.downgrade_sql()],
            "}",
            "",
        ]
        out.write(f"retort/{rev.id}_{rev.slug}.cpp", "\n".join(lines))


def write_retort_sql(revisions, dialect, out):
    for rev in revisions:
        lines = [
            f"-- Revision ID: {rev.id}",
            f"-- Revises: {', '.join(d.id for d in rev.down) if rev.down else 'base'}",
            f"-- Message: {rev.message}",
            "",
            "-- retort:upgrade",
            *[s + ";" for s in rev.upgrade_sql(dialect)],
            "",
            "-- retort:downgrade",
            *[s + ";" for s in rev.downgrade_sql()],
            "",
        ]
        out.write(f"retort_sql/{rev.id}_{rev.slug}.sql", "\n".join(lines))


ALEMBIC_INI = """\
[alembic]
script_location = %(here)s
# The URL comes from BENCH_DATABASE_URL (see env.py).
sqlalchemy.url =

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
"""

# Alembic's stock env.py, with one transaction per migration so that Alembic,
# Retort and the floor commit exactly the same units of work.
ALEMBIC_ENV = """\
import os

from alembic import context
from sqlalchemy import create_engine, pool

url = os.environ.get("BENCH_DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")


def run_migrations_offline():
    context.configure(url=url, literal_binds=True, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
"""


def write_alembic(revisions, dialect, out):
    out.write("alembic/alembic.ini", ALEMBIC_INI)
    out.write("alembic/env.py", ALEMBIC_ENV)
    for rev in revisions:
        if not rev.down:
            down = "None"
        elif len(rev.down) == 1:
            down = repr(rev.down[0].id)
        else:
            down = "(" + ", ".join(repr(d.id) for d in rev.down) + ")"
        lines = [
            f'"""{rev.message}',
            "",
            f"Revision ID: {rev.id}",
            f"Revises: {', '.join(d.id for d in rev.down)}",
            '"""',
            "from alembic import op",
            "",
            f"revision = {rev.id!r}",
            f"down_revision = {down}",
            "branch_labels = None",
            "depends_on = None",
            "",
            "",
            "def upgrade():",
            *[f"    op.execute({s!r})" for s in rev.upgrade_sql(dialect)],
            "",
            "",
            "def downgrade():",
            *[f"    op.execute({s!r})" for s in rev.downgrade_sql()],
            "",
        ]
        out.write(f"alembic/versions/{rev.id}_{rev.slug}.py", "\n".join(lines))


VERSION_TABLE = "alembic_version"


def version_statements(removed, added):
    """What Alembic writes to the version table when heads `removed` become `added`."""
    # A merge deletes all but one parent and updates the last; an unmerge
    # updates one row and inserts the others.
    statements = []
    while len(removed) > max(len(added), 1):
        statements.append(f"DELETE FROM {VERSION_TABLE} WHERE {VERSION_TABLE}.version_num = "
                          f"{sql_literal(removed.pop(0))}")
    if removed and added:
        statements.append(
            f"UPDATE {VERSION_TABLE} SET version_num={sql_literal(added.pop(0))} "
            f"WHERE {VERSION_TABLE}.version_num = {sql_literal(removed.pop(0))}")
    for old in removed:
        statements.append(f"DELETE FROM {VERSION_TABLE} WHERE {VERSION_TABLE}.version_num = {sql_literal(old)}")
    for new in added:
        statements.append(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES ({sql_literal(new)})")
    return statements


def write_floor(revisions, dialect, out):
    prologue = ["\\set ON_ERROR_STOP 1"] if dialect == "postgresql" else [".bail on"]
    create_version_table = (
        f"CREATE TABLE {VERSION_TABLE} (version_num VARCHAR(32) NOT NULL, "
        f"CONSTRAINT {VERSION_TABLE}_pkc PRIMARY KEY (version_num));")

    # Upgrade in generation order; a parent leaves the version table only when
    # no other child of it has been applied yet (the state Alembic keeps).
    # Like Alembic, the version table is created in the first transaction.
    up = list(prologue)
    applied = set()
    for rev in revisions:
        removed = [d.id for d in rev.down if not any(c.index in applied for c in d.children)]
        up += ["BEGIN;", *([create_version_table] if not applied else []),
               *[s + ";" for s in rev.upgrade_sql(dialect)],
               *[s + ";" for s in version_statements(removed, [rev.id])], "COMMIT;"]
        applied.add(rev.index)

    # Downgrade in reverse order: the revisions still applied are exactly the
    # lower indexes, so a parent becomes a head again when none of its
    # children with a lower index than the one being reverted remains.
    down = list(prologue)
    for rev in reversed(revisions):
        added = [d.id for d in rev.down if not any(c.index < rev.index for c in d.children)]
        down += ["BEGIN;", *[s + ";" for s in rev.downgrade_sql()],
                 *[s + ";" for s in version_statements([rev.id], added)], "COMMIT;"]
    down.append(f"DROP TABLE {VERSION_TABLE};")

    out.write("floor_upgrade.sql", "\n".join(up) + "\n")
    out.write("floor_downgrade.sql", "\n".join(down) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, required=True, help="number of revisions (>= 1)")
    parser.add_argument("--shape", choices=["linear", "branchy"], default="linear")
    parser.add_argument("--dialect", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--sql-files", action="store_true", help="also write the set as Retort .sql files")
    parser.add_argument("--out", required=True,
                        help="output directory; files that do not change keep their time stamps, others are removed")
    args = parser.parse_args()
    if args.count < 1:
        sys.exit(f"generate.py: --count must be at least 1, got {args.count}")

    revisions = build_graph(args.count, args.shape)
    out = Output(args.out)
    write_retort_cpp(revisions, args.dialect, out)
    if args.sql_files:
        write_retort_sql(revisions, args.dialect, out)
    write_alembic(revisions, args.dialect, out)
    write_floor(revisions, args.dialect, out)
    out.write("head", revisions[-1].id + "\n")
    out.remove_stale()


if __name__ == "__main__":
    main()
