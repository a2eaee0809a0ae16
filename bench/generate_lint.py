#!/usr/bin/python3
"""Writes the lint benchmark's migration set: one linear chain of N revisions,
a mix of C++ migrations (op calls and op.execute) and .sql files, mostly
safe, some with the risky patterns of docs/lint.md.

  retort/      the revisions (<id>_<slug>.cpp and <id>_<slug>.sql)
  cases.json   revision id -> case id, and the case catalogue: what each case
               is, whether it is risky on PostgreSQL 15 and why

The set is laid out in blocks of 100 revisions. Even offsets create a table
(and an index on it, in the same migration); each odd offset changes a table
created by an earlier revision, so every change below is on an existing
table. Within a block, 18 changes are risky and 32 safe; blocks alternate
between C++ and .sql, so each case appears in both forms.

Usage: generate_lint.py --count 1000 --out DIR
"""
import argparse
import hashlib
import json
import os
import sys

from generate import Output, cpp_string

BLOCK = 100

# Each case: (id, risky on PostgreSQL 15?, what it is, why).
CATALOGUE = [
    ("create-table", False, "CREATE TABLE, and CREATE INDEX on that new table, in one migration",
     "the table is empty and invisible to other sessions until commit; nothing else waits on it"),
    ("index-existing", True, "CREATE INDEX on an existing table, in a transaction",
     "takes SHARE on the table: INSERT/UPDATE/DELETE wait until the index is built"),
    ("index-concurrently", False, "CREATE INDEX CONCURRENTLY outside a transaction",
     "SHARE UPDATE EXCLUSIVE only: reads and writes continue while the index is built"),
    ("concurrently-in-transaction", True, "CREATE INDEX CONCURRENTLY in a transactional migration",
     "PostgreSQL refuses it (\"cannot run inside a transaction block\"): the deploy fails"),
    ("drop-index", True, "DROP INDEX without CONCURRENTLY",
     "takes ACCESS EXCLUSIVE on the index's table: every query on it waits"),
    ("drop-index-concurrently", False, "DROP INDEX CONCURRENTLY outside a transaction",
     "waits for the queries using the index instead of blocking them"),
    ("add-column-nullable", False, "ADD COLUMN, nullable, no default",
     "a catalog change; ACCESS EXCLUSIVE only for an instant"),
    ("add-column-not-null-default", False, "ADD COLUMN NOT NULL with a constant DEFAULT",
     "since PostgreSQL 11 a constant default is stored in the catalog: no rewrite, no scan"),
    ("add-column-now-default", False, "ADD COLUMN with DEFAULT now()",
     "now() is stable, evaluated once: stored in the catalog like a constant, no rewrite"),
    ("add-column-not-null", True, "ADD COLUMN NOT NULL without a default",
     "fails on a table with rows; and inserts from the running release, which omit the column, fail"),
    ("add-column-volatile-default", True, "ADD COLUMN with DEFAULT gen_random_uuid()",
     "a volatile default is evaluated per row: the table is rewritten under ACCESS EXCLUSIVE"),
    ("alter-type-rewrite", True, "ALTER COLUMN TYPE integer -> bigint",
     "rewrites the table and its indexes under ACCESS EXCLUSIVE"),
    ("alter-type-widen-varchar", False, "ALTER COLUMN TYPE varchar(100) -> varchar(200)",
     "raising a varchar limit is binary compatible: catalog only, no rewrite or index rebuild"),
    ("alter-type-varchar-text", False, "ALTER COLUMN TYPE varchar(100) -> text",
     "binary compatible: catalog only, no rewrite or index rebuild"),
    ("set-not-null", True, "ALTER COLUMN SET NOT NULL without a validated CHECK",
     "scans the whole table under ACCESS EXCLUSIVE"),
    ("check-not-null-not-valid", False, "ADD CHECK (col IS NOT NULL) NOT VALID",
     "NOT VALID skips the scan; ACCESS EXCLUSIVE only for an instant"),
    ("validate-constraint", False, "VALIDATE CONSTRAINT in its own migration",
     "scans under SHARE UPDATE EXCLUSIVE: reads and writes continue"),
    ("set-not-null-after-check", False, "SET NOT NULL after an earlier migration validated CHECK (col IS NOT NULL)",
     "since PostgreSQL 12 a validated CHECK proves the column has no NULLs: no scan"),
    ("validate-same-transaction", True, "ADD CHECK ... NOT VALID, then VALIDATE, in one migration",
     "ADD CONSTRAINT's ACCESS EXCLUSIVE is held until commit, so the validating scan runs under it"),
    ("add-foreign-key", True, "ADD FOREIGN KEY without NOT VALID",
     "checks every row while holding SHARE ROW EXCLUSIVE on both tables: writes wait"),
    ("add-foreign-key-not-valid", False, "ADD FOREIGN KEY ... NOT VALID",
     "no scan; the lock is held for an instant (VALIDATE follows in a later migration)"),
    ("add-check", True, "ADD CHECK without NOT VALID",
     "checks every row under ACCESS EXCLUSIVE"),
    ("add-unique", True, "ADD CONSTRAINT ... UNIQUE",
     "builds the unique index under ACCESS EXCLUSIVE"),
    ("drop-column", True, "DROP COLUMN",
     "the running release still reads and writes the column: its queries fail"),
    ("drop-table", True, "DROP TABLE",
     "the running release still uses the table; ACCESS EXCLUSIVE meanwhile"),
    ("rename-column", True, "RENAME COLUMN",
     "the running release still uses the old name: its queries fail"),
    ("rename-table", True, "RENAME TABLE",
     "the running release still uses the old name: its queries fail"),
    ("update-no-where", True, "UPDATE without WHERE",
     "locks every row until commit: the running release's writes to them wait"),
    ("update-batched", False, "UPDATE ... WHERE id BETWEEN (one batch of a backfill)",
     "locks only the batch's rows"),
    ("delete-no-where", True, "DELETE without WHERE",
     "locks every row until commit, and removes data the running release reads"),
    ("insert-rows", False, "INSERT of a few seed rows", "locks only the new rows"),
    ("comment", False, "COMMENT ON TABLE", "a catalog change; the lock is held for an instant"),
    ("vacuum-full", True, "VACUUM FULL outside a transaction",
     "rewrites the table under ACCESS EXCLUSIVE"),
    ("cluster", True, "CLUSTER ... USING", "rewrites the table under ACCESS EXCLUSIVE"),
    ("reindex", True, "REINDEX INDEX without CONCURRENTLY",
     "blocks writes to the table (and reads that would use the index) until rebuilt"),
    ("lock-table", True, "LOCK TABLE ... IN ACCESS EXCLUSIVE MODE",
     "every query on the table queues behind the lock until commit"),
]

# The 50 changes of a block, in order (offsets 1, 3, 5, ...). Entries
# written (case, first) act on the table that the revision of case `first`
# earlier in the block acted on: the later steps of a safe sequence.
CHANGES = [
    "add-column-nullable", "index-existing", "check-not-null-not-valid", "add-column-not-null",
    "index-concurrently", "alter-type-rewrite", "add-foreign-key-not-valid", "set-not-null",
    ("validate-constraint", "check-not-null-not-valid"), "add-foreign-key", "update-batched",
    "drop-column", "add-column-not-null-default", "rename-column",
    ("set-not-null-after-check", "check-not-null-not-valid"), "rename-table", "alter-type-widen-varchar",
    "update-no-where", ("validate-constraint", "add-foreign-key-not-valid"), "concurrently-in-transaction",
    "add-column-nullable", "add-column-volatile-default", "insert-rows", "add-check",
    "index-concurrently", "add-unique", "add-column-now-default", "drop-table",
    "alter-type-varchar-text", "drop-index", "add-column-nullable", "delete-no-where",
    "update-batched", "validate-same-transaction", "index-concurrently", "maintenance",
    "add-column-not-null-default", "comment", "insert-rows", "add-column-nullable",
    "index-concurrently", "drop-index-concurrently", "update-batched", "add-column-not-null-default",
    "check-not-null-not-valid", "add-foreign-key-not-valid", ("validate-constraint", "check-not-null-not-valid"),
    ("validate-constraint", "add-foreign-key-not-valid"), ("set-not-null-after-check", "check-not-null-not-valid"),
    "add-column-nullable",
]
assert len(CHANGES) == BLOCK // 2
# One slot rotates through the maintenance statements, block by block.
MAINTENANCE = ["vacuum-full", "cluster", "reindex", "lock-table"]


class Step:
    """What one revision does: its upgrade as C++ op calls and as SQL."""

    def __init__(self, case, table, cpp, sql, transactional=True):
        self.case, self.table, self.cpp, self.sql, self.transactional = case, table, cpp, sql, transactional


def execute(sql):
    return f"op.execute({cpp_string(sql)});"


def create_table(t):
    sql = [f"CREATE TABLE {t} (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(100), "
           f"amount INTEGER, owner_id BIGINT, note VARCHAR(50), created_at TIMESTAMPTZ DEFAULT now())",
           f"CREATE INDEX ix_{t}_name ON {t} (name)"]
    cpp = [f'op.create_table("{t}", Column("id", BigInteger).primary_key().autoincrement(false),',
           '                Column("name", String(100)).nullable(false), Column("email", String(100)),',
           '                Column("amount", Integer), Column("owner_id", BigInteger), Column("note", String(50)),',
           '                Column("created_at", DateTime(with_timezone)).server_default(sql("now()")));',
           f'op.create_index("ix_{t}_name", "{t}", {{"name"}});']
    return Step("create-table", t, cpp, sql)


def change(case, t, first_table, parent):
    """The Step of `case` on table `t`; `parent` is the table foreign keys point to."""
    ck, fk = f"ck_{t}_email_nn", f"fk_{t}_owner"
    if case == "add-column-nullable":
        return Step(case, t, [f'op.add_column("{t}", Column("extra", Text));'],
                    [f"ALTER TABLE {t} ADD COLUMN extra TEXT"])
    if case == "index-existing":
        return Step(case, t, [f'op.create_index("ix_{t}_email", "{t}", {{"email"}});'],
                    [f"CREATE INDEX ix_{t}_email ON {t} (email)"])
    if case == "index-concurrently":
        return Step(case, t, ["op.autocommit_block([&] {",
                              f'  op.create_index("ix_{t}_email", "{t}", {{"email"}}, {{.concurrently = true}});',
                              "});"],
                    [f"CREATE INDEX CONCURRENTLY ix_{t}_email ON {t} (email)"], transactional=False)
    if case == "concurrently-in-transaction":
        return Step(case, t, [f'op.create_index("ix_{t}_email", "{t}", {{"email"}}, {{.concurrently = true}});'],
                    [f"CREATE INDEX CONCURRENTLY ix_{t}_email ON {t} (email)"])
    if case == "drop-index":
        return Step(case, t, [f'op.drop_index("ix_{t}_name");'], [f"DROP INDEX ix_{t}_name"])
    if case == "drop-index-concurrently":
        return Step(case, t, ["op.autocommit_block([&] {",
                              f'  op.drop_index("ix_{t}_name", {{.concurrently = true}});', "});"],
                    [f"DROP INDEX CONCURRENTLY ix_{t}_name"], transactional=False)
    if case == "add-column-not-null-default":
        return Step(case, t, [f'op.add_column("{t}", Column("status", String(20)).nullable(false)'
                              '.server_default("new"));'],
                    [f"ALTER TABLE {t} ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'new'"])
    if case == "add-column-now-default":
        return Step(case, t, [f'op.add_column("{t}", Column("seen_at", DateTime(with_timezone))'
                              '.server_default(sql("now()")));'],
                    [f"ALTER TABLE {t} ADD COLUMN seen_at TIMESTAMPTZ DEFAULT now()"])
    if case == "add-column-not-null":
        return Step(case, t, [f'op.add_column("{t}", Column("score", Integer).nullable(false));'],
                    [f"ALTER TABLE {t} ADD COLUMN score INTEGER NOT NULL"])
    if case == "add-column-volatile-default":
        return Step(case, t, [f'op.add_column("{t}", Column("token", UUID).server_default(sql("gen_random_uuid()")));'],
                    [f"ALTER TABLE {t} ADD COLUMN token UUID DEFAULT gen_random_uuid()"])
    if case == "alter-type-rewrite":
        return Step(case, t, [f'op.alter_column("{t}", "amount", {{.type = BigInteger, .existing_type = Integer}});'],
                    [f"ALTER TABLE {t} ALTER COLUMN amount TYPE BIGINT"])
    if case == "alter-type-widen-varchar":
        return Step(case, t, [f'op.alter_column("{t}", "email", {{.type = String(200), .existing_type = String(100)}});'],
                    [f"ALTER TABLE {t} ALTER COLUMN email TYPE VARCHAR(200)"])
    if case == "alter-type-varchar-text":
        return Step(case, t, [f'op.alter_column("{t}", "note", {{.type = Text, .existing_type = String(50)}});'],
                    [f"ALTER TABLE {t} ALTER COLUMN note TYPE TEXT"])
    if case == "set-not-null":
        return Step(case, t, [f'op.alter_column("{t}", "email", {{.nullable = false}});'],
                    [f"ALTER TABLE {t} ALTER COLUMN email SET NOT NULL"])
    if case == "check-not-null-not-valid":
        sql = f"ALTER TABLE {t} ADD CONSTRAINT {ck} CHECK (email IS NOT NULL) NOT VALID"
        return Step(case, t, [execute(sql)], [sql])
    if case == "validate-constraint":
        # After check-not-null-not-valid or add-foreign-key-not-valid on `t`.
        name = ck if first_table[1] == "check-not-null-not-valid" else fk
        return Step(case, t, [f'op.validate_constraint("{name}", "{t}");'],
                    [f"ALTER TABLE {t} VALIDATE CONSTRAINT {name}"])
    if case == "set-not-null-after-check":
        return Step(case, t, [f'op.alter_column("{t}", "email", {{.nullable = false}});',
                              f'op.drop_constraint("{ck}", "{t}");'],
                    [f"ALTER TABLE {t} ALTER COLUMN email SET NOT NULL", f"ALTER TABLE {t} DROP CONSTRAINT {ck}"])
    if case == "validate-same-transaction":
        add = f"ALTER TABLE {t} ADD CONSTRAINT ck_{t}_amount CHECK (amount >= 0) NOT VALID"
        return Step(case, t, [execute(add), f'op.validate_constraint("ck_{t}_amount", "{t}");'],
                    [add, f"ALTER TABLE {t} VALIDATE CONSTRAINT ck_{t}_amount"])
    if case == "add-foreign-key":
        return Step(case, t, [f'op.create_foreign_key("{fk}", "{t}", "{parent}", {{"owner_id"}}, {{"id"}});'],
                    [f"ALTER TABLE {t} ADD CONSTRAINT {fk} FOREIGN KEY (owner_id) REFERENCES {parent} (id)"])
    if case == "add-foreign-key-not-valid":
        return Step(case, t, [f'op.create_foreign_key("{fk}", "{t}", "{parent}", {{"owner_id"}}, {{"id"}}, '
                              '{.not_valid = true});'],
                    [f"ALTER TABLE {t} ADD CONSTRAINT {fk} FOREIGN KEY (owner_id) REFERENCES {parent} (id) NOT VALID"])
    if case == "add-check":
        return Step(case, t, [f'op.create_check_constraint("ck_{t}_amount", "{t}", "amount >= 0");'],
                    [f"ALTER TABLE {t} ADD CONSTRAINT ck_{t}_amount CHECK (amount >= 0)"])
    if case == "add-unique":
        return Step(case, t, [f'op.create_unique_constraint("uq_{t}_email", "{t}", {{"email"}});'],
                    [f"ALTER TABLE {t} ADD CONSTRAINT uq_{t}_email UNIQUE (email)"])
    if case == "drop-column":
        return Step(case, t, [f'op.drop_column("{t}", "note");'], [f"ALTER TABLE {t} DROP COLUMN note"])
    if case == "drop-table":
        return Step(case, t, [f'op.drop_table("{t}");'], [f"DROP TABLE {t}"])
    if case == "rename-column":
        return Step(case, t, [f'op.alter_column("{t}", "name", {{.new_column_name = "full_name"}});'],
                    [f"ALTER TABLE {t} RENAME COLUMN name TO full_name"])
    if case == "rename-table":
        return Step(case, t, [f'op.rename_table("{t}", "{t}_old");'], [f"ALTER TABLE {t} RENAME TO {t}_old"])
    if case == "update-no-where":
        sql = f"UPDATE {t} SET amount = 0"
        return Step(case, t, [execute(sql)], [sql])
    if case == "update-batched":
        sql = f"UPDATE {t} SET amount = 0 WHERE id BETWEEN 1 AND 10000 AND amount IS NULL"
        return Step(case, t, [execute(sql)], [sql])
    if case == "delete-no-where":
        sql = f"DELETE FROM {t}"
        return Step(case, t, [execute(sql)], [sql])
    if case == "insert-rows":
        sql = f"INSERT INTO {t} (id, name) VALUES (1, 'first'), (2, 'second')"
        return Step(case, t, [f'op.bulk_insert("{t}", {{"id", "name"}}, {{{{1, "first"}}, {{2, "second"}}}});'],
                    [sql])
    if case == "comment":
        sql = f"COMMENT ON TABLE {t} IS 'benchmark table'"
        return Step(case, t, [f'op.create_table_comment("{t}", "benchmark table");'], [sql])
    if case == "vacuum-full":
        sql = f"VACUUM FULL {t}"
        return Step(case, t, ["op.autocommit_block([&] {", "  " + execute(sql), "});"], [sql], transactional=False)
    if case == "cluster":
        sql = f"CLUSTER {t} USING ix_{t}_name"
        return Step(case, t, [execute(sql)], [sql])
    if case == "reindex":
        sql = f"REINDEX INDEX ix_{t}_name"
        return Step(case, t, [execute(sql)], [sql])
    if case == "lock-table":
        sql = f"LOCK TABLE {t} IN ACCESS EXCLUSIVE MODE"
        return Step(case, t, [execute(sql)], [sql])
    raise ValueError(case)


def plan(count):
    """The Step of each revision, in order."""
    steps = []
    for index in range(count):
        block, offset = divmod(index, BLOCK)
        if offset % 2 == 0:
            steps.append(create_table(f"t{index:05d}"))
            continue
        entry = CHANGES[offset // 2]
        case, first = (entry, None) if isinstance(entry, str) else entry
        if case == "maintenance":
            case = MAINTENANCE[block % len(MAINTENANCE)]
        table = f"t{index - 1:05d}"
        if first:  # the table that the block's earlier step of case `first` changed
            earlier = [s for s in steps[block * BLOCK:] if s.case == first]
            table = earlier[-1].table if earlier else table
        # Foreign keys point to the block's first table.
        steps.append(change(case, table, (table, first), f"t{block * BLOCK:05d}"))
    return steps


def revision_id(index):
    return hashlib.sha1(f"retort-bench-lint-{index}".encode()).hexdigest()[:12]


def write_cpp(out, rid, down, step, message):
    lines = ["#include <retort/migration.hpp>", "using namespace retort;", "",
             "constexpr Revision revision{", f"    .id = {cpp_string(rid)},",
             f"    .down_revision = {cpp_string(down) if down else 'retort::base'},",
             f"    .message = {cpp_string(message)},"]
    if not step.transactional:
        lines.append("    .transactional = false,")
    lines += ["};", "", "void upgrade(Op& op) {", *["  " + line for line in step.cpp], "}", "",
              "void downgrade(Op&) {}", ""]
    out.write(f"retort/{rid}_{step.case.replace('-', '_')}.cpp", "\n".join(lines))


def write_sql(out, rid, down, step, message):
    lines = [f"-- Revision ID: {rid}", f"-- Revises: {down or 'base'}", f"-- Message: {message}"]
    if not step.transactional:
        lines.append("-- Transactional: false")
    lines += ["", "-- retort:upgrade", *[s + ";" for s in step.sql], ""]
    out.write(f"retort/{rid}_{step.case.replace('-', '_')}.sql", "\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, required=True, help="number of revisions (>= 1)")
    parser.add_argument("--out", required=True, help="output directory (unchanged files keep their time stamps)")
    args = parser.parse_args()
    if args.count < 1:
        sys.exit(f"generate_lint.py: --count must be at least 1, got {args.count}")
    out = Output(args.out)
    revisions = {}
    down = None
    for index, step in enumerate(plan(args.count)):
        rid = revision_id(index)
        message = f"{step.case} on {step.table}"
        # Blocks alternate between C++ and .sql; the first block is C++.
        form = "cpp" if (index // BLOCK) % 2 == 0 else "sql"
        (write_cpp if form == "cpp" else write_sql)(out, rid, down, step, message)
        revisions[rid] = {"index": index, "case": step.case, "form": form, "table": step.table,
                          "transactional": step.transactional}
        down = rid
    catalogue = {case: {"risky": risky, "what": what, "why": why} for case, risky, what, why in CATALOGUE}
    assert all(r["case"] in catalogue for r in revisions.values())
    out.write("cases.json", json.dumps({"cases": catalogue, "revisions": revisions}, indent=1) + "\n")
    out.write("head", down + "\n")
    out.remove_stale()


if __name__ == "__main__":
    main()
