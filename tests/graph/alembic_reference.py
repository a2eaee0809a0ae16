"""Runs real Alembic on revision graphs and reports what it does.

Reads a JSON request on stdin:
  {"graphs": [{"nodes": [{"id", "down", "labels", "depends_on"}, ...],
               "cases": [{"op": "upgrade"|"downgrade", "current": [...], "target": "..."},
                         {"op": "stamp", "current": [...], "targets": [...], "purge": bool},
                         {"op": "history", "current": [...], "lower": "...", "upper": "..."},
                         {"op": "resolve", "target": "..."},
                         {"op": "current", "current": [...]}]}]}
and writes {"graphs": [{"facts": {...}, "results": [...]}, ...]} on stdout.

Each graph becomes an Alembic project in a fresh directory: one revision
file per node with empty upgrade()/downgrade(), and an env.py that runs on
the connection the harness hands it. Upgrade, downgrade and stamp go through
alembic.command on an in-memory SQLite database whose alembic_version table
starts with the requested rows, so Alembic's own HeadMaintainer writes it;
an on_version_apply callback records the table after every step.

Alembic orders ties by the directory listing of the version files. Retort
uses the order the revisions are given in, so the listing is made to follow
the node order (files are named by position and listed sorted).

Run with /usr/bin/python3 (Debian's python3-alembic), PYTHONHASHSEED=0.
"""

import json
import os
import re
import sys
import tempfile

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.script.base import Script

ENV_PY = """
from alembic import context

config = context.config
context.configure(
    connection=config.attributes["connection"],
    on_version_apply=config.attributes["on_version_apply"],
)
with context.begin_transaction():
    context.run_migrations()
"""

REVISION_PY = """
revision = {id!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = {depends_on!r}


def upgrade():
    pass


def downgrade():
    pass
"""

_list_py_dir = Script._list_py_dir.__func__


def _sorted_listing(cls, scriptdir, path):
    return sorted(_list_py_dir(cls, scriptdir, path))


Script._list_py_dir = classmethod(_sorted_listing)


_INSERT = re.compile(r"INSERT INTO alembic_version \(version_num\) VALUES \('([^']*)'\)")
_DELETE = re.compile(r"DELETE FROM alembic_version WHERE alembic_version.version_num = '([^']*)'")
_UPDATE = re.compile(
    r"UPDATE alembic_version SET version_num='([^']*)' WHERE alembic_version.version_num = '([^']*)'"
)


def version_change(statement):
    """The version-table statement HeadMaintainer issued, as Retort's VersionTableChange."""
    statement = " ".join(statement.split())
    match = _INSERT.search(statement)
    if match:
        return {"kind": "insert", "from": "", "to": match.group(1)}
    match = _DELETE.search(statement)
    if match:
        return {"kind": "remove", "from": match.group(1), "to": ""}
    match = _UPDATE.search(statement)
    if match:
        return {"kind": "update", "from": match.group(2), "to": match.group(1)}
    return None


def scalar_or_tuple(items):
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return tuple(items)


def write_project(directory, nodes):
    versions = os.path.join(directory, "versions")
    os.makedirs(versions)
    with open(os.path.join(directory, "env.py"), "w") as f:
        f.write(ENV_PY)
    for position, node in enumerate(nodes):
        name = "%05d_%s.py" % (position, node["id"])
        with open(os.path.join(versions, name), "w") as f:
            f.write(
                REVISION_PY.format(
                    id=node["id"],
                    down=scalar_or_tuple(node.get("down", [])),
                    labels=scalar_or_tuple(node.get("labels", [])),
                    depends_on=scalar_or_tuple(node.get("depends_on", [])),
                )
            )


_from_config = ScriptDirectory.from_config.__func__


def _loaded_once(cls, config):
    # Every command would reload the same files; reuse the project's map.
    return config.attributes.get("script") or _from_config(cls, config)


ScriptDirectory.from_config = classmethod(_loaded_once)

_env_code = compile(ENV_PY, "env.py", "exec")


def _run_env_compiled(self):
    # The same env.py every time; importing it anew per command was most of
    # the harness's run time.
    exec(_env_code, {"__name__": "env_py"})


ScriptDirectory.run_env = _run_env_compiled


class Project:
    def __init__(self, directory):
        self.config = Config()
        self.config.set_main_option("script_location", directory)
        self.script = ScriptDirectory.from_config(self.config)
        self.config.attributes["script"] = self.script
        # One in-memory database for all cases; each case rebuilds the table.
        self.engine = sa.create_engine("sqlite://")
        self.statements = []

        @sa.event.listens_for(self.engine, "before_cursor_execute")
        def record(conn, cursor, statement, parameters, context, executemany):
            change = version_change(statement)
            if change:
                self.statements.append(change)

    def run(self, current, action):
        """Runs one command on a version table holding `current`."""
        steps = []
        self.statements = []

        def on_version_apply(ctx, step, heads, run_args):
            steps.append(
                {
                    "revision": step.up_revision_id,
                    "upgrade": bool(step.is_upgrade),
                    "stamp": bool(step.is_stamp),
                    "heads_after": sorted(heads),
                    "changes": self.statements,
                }
            )
            self.statements = []

        with self.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            if current:
                connection.exec_driver_sql(
                    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"
                )
                for row in current:
                    connection.exec_driver_sql(
                        "INSERT INTO alembic_version VALUES (?)", (row,)
                    )
            # The order in which Alembic will read the rows (no ORDER BY).
            self.read_order = [
                row[0]
                for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            ] if current else []
            self.statements = []
            self.config.attributes["connection"] = connection
            self.config.attributes["on_version_apply"] = on_version_apply
            action()
            final = sorted(
                row[0]
                for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            )
        return steps, final

    def case(self, case):
        op = case["op"]
        current = case.get("current", [])
        if op == "upgrade":
            steps, final = self.run(current, lambda: command.upgrade(self.config, case["target"]))
            return {"steps": steps, "final": final, "read_order": self.read_order}
        if op == "downgrade":
            steps, final = self.run(current, lambda: command.downgrade(self.config, case["target"]))
            return {"steps": steps, "final": final, "read_order": self.read_order}
        if op == "stamp":
            purge = case.get("purge", False)
            _, final = self.run(
                current, lambda: command.stamp(self.config, case["targets"], purge=purge)
            )
            return {"final": final, "read_order": self.read_order}
        if op == "history":
            # command.history's endpoints: "current" is the version table,
            # an empty one meaning base (lower) or heads (upper).
            lower = case.get("lower") or None
            upper = case.get("upper") or None
            if lower == "current":
                lower = tuple(current)
            if upper == "current":
                upper = tuple(current)
            revs = self.script.walk_revisions(base=lower or "base", head=upper or "heads")
            return {"revisions": [r.revision for r in revs]}
        if op == "resolve":
            return {"revisions": [r.revision for r in self.script.get_revisions(case["target"])]}
        if op == "current":
            revs = self.script.get_all_current(tuple(current))
            return {"revisions": sorted(r.revision for r in revs)}
        raise ValueError("unknown op %r" % op)

    def facts(self):
        rmap = self.script.revision_map
        labels = {}
        for rev in self.script.walk_revisions():
            labels[rev.revision] = sorted(rev.branch_labels)
        return {
            "heads": list(rmap.heads),
            "real_heads": list(rmap._real_heads),
            "bases": list(rmap.bases),
            "labels": labels,
            "branch_points": [r.revision for r in self.script.walk_revisions() if r.is_branch_point],
            "history": [r.revision for r in self.script.walk_revisions()],
        }


def run_graph(graph):
    with tempfile.TemporaryDirectory(prefix="retort-alembic-") as directory:
        write_project(directory, graph["nodes"])
        try:
            project = Project(directory)
            facts = project.facts()
        except Exception as error:  # the graph itself is refused
            return {"refused": "%s: %s" % (type(error).__name__, error)}
        results = []
        for case in graph["cases"]:
            project.read_order = None
            try:
                result = project.case(case)
                result["ok"] = True
            except Exception as error:
                result = {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}
                if project.read_order is not None:
                    result["read_order"] = project.read_order
            results.append(result)
        return {"facts": facts, "results": results}


def main():
    request = json.load(sys.stdin)
    json.dump({"graphs": [run_graph(graph) for graph in request["graphs"]]}, sys.stdout)


if __name__ == "__main__":
    main()
