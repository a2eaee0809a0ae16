"""The lint case for bench/run: `<set>-migrate lint` on a generated set of
1,000 revisions (bench/generate_lint.py) against squawk on the same rendered
SQL, the lint step's cost in a build, and the findings of both, case by case.
Records samples and findings; bench/lint_report.py turns them into tables."""
import json
import os
import re
import shutil
import subprocess
import time

from measure import BUILD, BENCH, PYTHON, WORK, BenchError, MessageEditor, log, result_of, run

SQUAWK_VERSION = "2.66.0"  # the npm package squawk-cli; its binary comes in @squawk-cli/<platform>
SQUAWK_PREFIX = os.path.join(WORK, "squawk")
PG_VERSION = "15"

# squawk rules that are not about locks or the running release, with why; a
# case counts as caught by squawk only through its other rules.
SQUAWK_OTHER = {
    "prefer-text-field": "a preference for text over varchar(n) (a later change of the limit would take a lock); "
                         "reported on every CREATE TABLE and ADD COLUMN with a varchar, nothing in the statement itself locks",
    "prefer-bigint-over-int": "a preference for bigint (an int4 key can overflow); no lock",
    "prefer-robust-stmts": "asks for IF NOT EXISTS / IF EXISTS so that a failed migration outside a transaction can be re-run; "
                           "no lock",
    "require-lock-timeout": "the file sets no lock_timeout; Retort's runner sends SET LOCAL lock_timeout (5 s by default, "
                            "--lock-timeout) before each migration's statements, which `upgrade --sql` does not print",
    "require-statement-timeout": "the file sets no statement_timeout; Retort's runner sets it too (off by default, "
                                 "--statement-timeout), not printed by `upgrade --sql`",
}


class LintSet:
    def __init__(self, count):
        self.count = count
        self.name = f"lint_{count}"
        self.dir = os.path.join(WORK, "gen", self.name)
        self.sources = os.path.join(self.dir, "retort")

    def generate(self):
        run([PYTHON, os.path.join(BENCH, "generate_lint.py"), "--count", str(self.count), "--out", self.dir])
        with open(os.path.join(self.dir, "cases.json")) as f:
            self.cases = json.load(f)

    @property
    def migrate(self):
        return os.path.join(BUILD, "consumer", f"{self.name}-migrate")


# ---------------------------------------------------------------- squawk

def squawk_binary():
    """The native binary the npm package installs (its `squawk` command is a
    Node script that starts this binary; timing it would add Node's start)."""
    return os.path.join(SQUAWK_PREFIX, "node_modules", "@squawk-cli", "linux-x64", "bin", "squawk")


def install_squawk():
    """squawk-cli from npm into bench/results/tmp/squawk (git-ignored); no-op when there."""
    binary = squawk_binary()
    if os.path.exists(binary):
        installed = run([binary, "--version"]).split()[-1]
        if installed == SQUAWK_VERSION:
            return binary
    if not shutil.which("npm"):
        raise BenchError("the lint case needs npm (Debian's `npm` package) to install squawk-cli; "
                         "run scripts/install-deps --bench, or skip the case with --skip lint")
    log(f"installing squawk-cli {SQUAWK_VERSION} with npm into {SQUAWK_PREFIX}")
    os.makedirs(SQUAWK_PREFIX, exist_ok=True)
    run(["npm", "install", "--prefix", SQUAWK_PREFIX, "--no-audit", "--no-fund", "--no-save",
         f"squawk-cli@{SQUAWK_VERSION}"])
    if not os.path.exists(binary):
        raise BenchError(f"npm installed squawk-cli but not its linux-x64 binary ({binary})")
    return binary


# ---------------------------------------------------------------- squawk's input

MARKER = re.compile(r"^-- Running upgrade (\S*) -> (\S+)$")


def split_script(script):
    """`upgrade --sql` output -> [(revision, text)]: each revision's statements,
    with the BEGIN/COMMIT around them when it is transactional, and without
    the version-table statements (Retort's bookkeeping, which it does not lint
    either). Statements are separated by blank lines in the script."""
    chunks = [c for c in script.split("\n\n") if c.strip()]
    revisions, pending_begin = [], False
    for chunk in chunks:
        text = chunk.strip()
        marker = MARKER.match(text)
        if marker:
            revisions.append([marker.group(2), ["BEGIN;"] if pending_begin else []])
            pending_begin = False
        elif text == "BEGIN;":
            pending_begin = True
        elif "retort_version" in text:
            continue
        elif revisions:
            revisions[-1][1].append(text)
    return [(rid, "\n\n".join(statements) + "\n") for rid, statements in revisions]


def render_for_squawk(lint_set):
    """Writes squawk's two inputs: one file per revision (squawk's usual input,
    a migration per file) and the whole script as one file."""
    # stdout only: the INFO lines go to stderr.
    proc = subprocess.run([lint_set.migrate, "upgrade", "head", "--sql", "--dialect", "postgresql"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError(f"upgrade --sql failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    script = proc.stdout
    out = os.path.join(WORK, "squawk-input", lint_set.name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    files = []
    for rid, text in split_script(script):
        index = lint_set.cases["revisions"][rid]["index"]
        path = os.path.join(out, f"{index:05d}_{rid}.sql")
        with open(path, "w") as f:
            f.write(text)
        files.append(path)
    if len(files) != lint_set.count:
        raise BenchError(f"upgrade --sql rendered {len(files)} revisions, expected {lint_set.count}")
    whole = os.path.join(WORK, "squawk-input", f"{lint_set.name}.sql")
    with open(whole, "w") as f:
        f.write(script)
    return files, whole


# ---------------------------------------------------------------- timing

def timed(cmd, ok=(0,), cwd=None):
    """Wall and CPU time of one run of `cmd`; exit statuses in `ok` count as success
    (a linter exits 1 when it finds something)."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = os.times()
    if proc.returncode not in ok:
        raise BenchError(f"measured command failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                         f"{proc.stderr.decode(errors='replace')[-3000:]}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def interleaved(cases, runs):
    """{tool: dict(cmd, ok, prepare)} -> {tool: result}, the tools taking turns
    run by run (the first changing each round), one untimed warm-up each."""
    for case in cases.values():
        if case.get("prepare"):
            case["prepare"]()
        timed(case["cmd"], case.get("ok", (0,)))
    samples = {tool: [] for tool in cases}
    order = list(cases)
    for round_index in range(runs):
        shift = round_index % len(order)
        for tool in order[shift:] + order[:shift]:
            case = cases[tool]
            if case.get("prepare"):
                case["prepare"]()
            samples[tool].append(timed(case["cmd"], case.get("ok", (0,))))
    return {tool: result_of(s) for tool, s in samples.items()}


# squawk knows PostgreSQL only, and the set's build says DIALECTS postgresql:
# the lint judges the PostgreSQL rendering alone, as its build step does.
RETORT_LINT = ["lint", "--dialects", "postgresql"]

# ---------------------------------------------------------------- findings

def retort_findings(lint_set):
    out = subprocess.run([lint_set.migrate, *RETORT_LINT, "--format", "json"], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise BenchError(f"lint --format json failed (exit {out.returncode}): {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def squawk_findings(binary, files):
    out = subprocess.run([binary, "--reporter", "json", "--pg-version", PG_VERSION, *files],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise BenchError(f"squawk failed (exit {out.returncode}): {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def compare(lint_set, retort, squawk, files):
    """Per (case, form): instances, which rules each tool reported how often,
    and in how many revisions (for squawk: through rules not in SQUAWK_OTHER),
    from the tools' own JSON. A finding belongs to the revision it names
    (Retort) or the file it is in (squawk: one file per revision)."""
    revisions = lint_set.cases["revisions"]
    by_file = {os.path.basename(p): os.path.basename(p).split("_", 1)[1][:-4] for p in files}
    rows = {}
    for rid, r in revisions.items():
        row = rows.setdefault((r["case"], r["form"]), {
            "case": r["case"], "form": r["form"], "instances": 0,
            "retort": {}, "retort_revisions": set(), "squawk": {}, "squawk_revisions": set()})
        row["instances"] += 1

    def add(rid, tool, rule):
        r = revisions[rid]
        row = rows[(r["case"], r["form"])]
        row[tool][rule] = row[tool].get(rule, 0) + 1
        if tool == "retort":
            row["retort_revisions"].add(rid)
        elif rule not in SQUAWK_OTHER:
            row["squawk_revisions"].add(rid)

    for finding in retort["findings"] + retort["suppressed"]:
        add(finding["revision"], "retort", finding["rule"])
    unmatched = 0
    for finding in squawk:
        rid = by_file.get(os.path.basename(finding.get("file", "")))
        if rid is None:
            unmatched += 1
            continue
        add(rid, "squawk", finding["rule_name"])
    for row in rows.values():
        row["retort_revisions"] = len(row["retort_revisions"])
        row["squawk_revisions"] = len(row["squawk_revisions"])
    ordered = sorted(rows.values(), key=lambda x: (list(lint_set.cases["cases"]).index(x["case"]), x["form"]))
    return {"rows": ordered, "squawk_unmatched": unmatched,
            "retort_not_linted": retort.get("not_linted", []),
            "totals": {"retort": len(retort["findings"]) + len(retort["suppressed"]), "squawk": len(squawk)}}


# ---------------------------------------------------------------- the case

def measure_lint(lint_set, runs, machine_summary, date):
    """The whole lint case: its timings, the build's and the findings, as report["lint"]."""
    binary = install_squawk()
    version = run([binary, "--version"]).strip()
    files, whole = render_for_squawk(lint_set)
    measurements = []
    load_at_start = os.getloadavg()[0]
    log(f"{lint_set.name}: lint, {runs} runs each ({version}, {len(files)} files)")
    tools = {
        "retort": dict(cmd=[lint_set.migrate, *RETORT_LINT, "--format", "json"], ok=(0, 1)),
        "squawk": dict(cmd=[binary, "--reporter", "json", "--pg-version", PG_VERSION, *files], ok=(0, 1)),
        "squawk (one file)": dict(cmd=[binary, "--reporter", "json", "--pg-version", PG_VERSION, whole],
                                  ok=(0, 1)),
        "retort (text)": dict(cmd=[lint_set.migrate, *RETORT_LINT], ok=(0, 1)),
    }
    for tool, result in interleaved(tools, runs).items():
        measurements.append(dict(operation="lint", tool=tool, n=lint_set.count, **result))
        log(f"  lint {tool:<18} {result['median'] * 1000:8.1f} ms ({result['min'] * 1000:.1f}-"
            f"{result['max'] * 1000:.1f}), cpu {result['cpu_median'] * 1000:.0f} ms")
    for tool, result in measure_lint_build(lint_set, runs).items():
        measurements.append(dict(operation="lint build", tool=tool, n=lint_set.count, **result))
        log(f"  build {tool:<30} {result['median'] * 1000:8.1f} ms ({result['min'] * 1000:.1f}-"
            f"{result['max'] * 1000:.1f})")

    retort = retort_findings(lint_set)
    comparison = compare(lint_set, retort, squawk_findings(binary, files), files)
    comparison.update(squawk_version=version, catalogue=lint_set.cases["cases"],
                      statements_checked=retort.get("statements_checked"),
                      revisions_checked=retort.get("revisions_checked"))
    log(f"  findings: retort {comparison['totals']['retort']}, squawk {comparison['totals']['squawk']}")
    forms = {}
    for r in lint_set.cases["revisions"].values():
        forms[r["form"]] = forms.get(r["form"], 0) + 1
    return {"date": date, "machine": machine_summary, "set": lint_set.name, "n": lint_set.count, "runs": runs,
            "pg_version": PG_VERSION,
            "forms": f"{forms.get('cpp', 0):,} C++ migrations, {forms.get('sql', 0):,} .sql files",
            "load": [load_at_start, os.getloadavg()[0]], "measurements": measurements, "comparison": comparison}


def measure_lint_build(lint_set, runs):
    """The lint step inside the consumer's build (Ninja, `cmake --build`):

    - `lint step only`: the build of `<set>-lint` when only the lint is out of
      date (its stamp removed), against the same build with nothing to do
      (`<set>-migrate`, up to date): what the step adds to any build that runs it;
    - `edit one migration`: one C++ migration edited (its message changes, so
      retortc, the compiler and the linker run), then `<set>-migrate` built
      (no lint) or `<set>-lint` (the same plus the lint step).

    The set holds `non-transactional-in-transaction` errors on purpose, so the
    lint step exits 1 and the build with it fails, as a user's would; its
    stamp is then never written, which is what `lint step only` needs anyway."""
    consumer = os.path.join(BUILD, "consumer")
    stamp = os.path.join(consumer, f"{lint_set.name}.retort", "lint.stamp")

    def build(target):
        return ["cmake", "--build", consumer, "--target", target]

    def remove_stamp():
        if os.path.exists(stamp):
            os.remove(stamp)

    cpp = sorted(f for f in os.listdir(lint_set.sources) if f.endswith(".cpp") and "_create_table" not in f)
    edit_one = MessageEditor(os.path.join(lint_set.sources, cpp[len(cpp) // 2]))

    run(build(f"{lint_set.name}-migrate"))
    remove_stamp()
    check = subprocess.run(build(f"{lint_set.name}-lint"), capture_output=True, text=True)
    if check.returncode not in (0, 1) or "retort-lint:" not in check.stdout + check.stderr:
        raise BenchError(f"building {lint_set.name}-lint did not run the lint:\n{(check.stdout + check.stderr)[-3000:]}")
    try:
        results = interleaved({
            "no-op build (floor)": dict(cmd=build(f"{lint_set.name}-migrate")),
            "lint step only": dict(cmd=build(f"{lint_set.name}-lint"), ok=(0, 1), prepare=remove_stamp),
        }, runs)
        results.update(interleaved({
            "edit one migration, no lint": dict(cmd=build(f"{lint_set.name}-migrate"), prepare=edit_one),
            "edit one migration, with lint": dict(cmd=build(f"{lint_set.name}-lint"), ok=(0, 1),
                                                  prepare=edit_one),
        }, runs))
    finally:
        edit_one.restore()
    run(build(f"{lint_set.name}-migrate"))
    return results

