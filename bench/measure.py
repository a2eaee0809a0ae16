"""Measuring for bench/run: the processes timed, the servers and sets they
run against, and the measurements of each command group. Writes nothing but
what it is asked to record; bench/report.py turns the records into tables."""
import os
import platform
import resource
import shutil
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
RESULTS = os.path.join(BENCH, "results")
WORK = os.path.join(RESULTS, "tmp")  # git-ignored: generated sets, databases, server
BUILD = os.path.join(ROOT, "build-bench")
ALEMBIC = "/usr/bin/alembic"
PYTHON = "/usr/bin/python3"
PG_BIN = "/usr/lib/postgresql/15/bin"
QUICK_RUNS = 10  # runs of read-only commands that take under a second
# SQLite files live in memory (tmpfs) for the same reason the server runs with
# fsync off: the benchmark measures the tools, not this machine's disk flushes.
SQLITE_DIR = "/dev/shm/retort-bench-sqlite"


class BenchError(Exception):
    pass


class MessageEditor:
    """Rewrites one migration's message on each call, so that its content
    hash (and so the build's view of it) changes; restore() puts it back."""

    def __init__(self, path):
        self.path = path
        with open(path) as f:
            self.original = f.read()
        self.edits = 0

    def __call__(self):
        self.edits += 1
        with open(self.path, "w") as f:
            f.write(self.original.replace('.message = "', f'.message = "edit {self.edits}: ', 1))

    def restore(self):
        with open(self.path, "w") as f:
            f.write(self.original)


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------- processes

class Secrets:
    """Strings that must never reach the terminal or the results (passwords)."""
    values = []

    @classmethod
    def redact(cls, text):
        for value in cls.values:
            text = text.replace(value, "***")
        return text


def describe(cmd):
    return Secrets.redact(" ".join(cmd) if isinstance(cmd, list) else cmd)


def run(cmd, env=None, cwd=None, stdin=None, quiet=True):
    """Runs an untimed step; raises with the command's own output on failure."""
    stdin_file = open(stdin) if stdin else subprocess.DEVNULL
    try:
        proc = subprocess.run(cmd, env=env, cwd=cwd, stdin=stdin_file, text=True,
                              stdout=subprocess.PIPE if quiet else None,
                              stderr=subprocess.STDOUT if quiet else None,
                              shell=isinstance(cmd, str))
    finally:
        if stdin:
            stdin_file.close()
    if proc.returncode != 0:
        output = Secrets.redact((proc.stdout or "")[-4000:])
        raise BenchError(f"step failed (exit {proc.returncode}): {describe(cmd)}\n{output}")
    return proc.stdout


def summarize(samples):
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
    }


def timed_run(cmd, prepare=None, env=None, cwd=None, stdin=None):
    """One sample: (wall, CPU of the process tree) of `cmd`, after the untimed `prepare`."""
    if prepare:
        prepare()
    stdin_file = open(stdin) if stdin else subprocess.DEVNULL
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdin=stdin_file, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, shell=isinstance(cmd, str))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if stdin:
        stdin_file.close()
    if proc.returncode != 0:
        tail = Secrets.redact(proc.stderr.decode(errors="replace")[-4000:])
        raise BenchError(f"measured command failed (exit {proc.returncode}): {describe(cmd)}\n{tail}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def result_of(samples):
    walls = [wall for wall, _ in samples]
    result = summarize(walls)
    result["cpu_median"] = statistics.median(cpu for _, cpu in samples)
    result["runs"] = walls
    return result


def measure(cmd, runs, prepare=None, env=None, cwd=None, stdin=None, warmup=False):
    """Wall time (and children's CPU time) of `cmd` as a whole process, `runs` times.

    `prepare` runs untimed before each run (e.g. recreate the database)."""
    if warmup:
        if prepare:
            prepare()
        run(cmd, env=env, cwd=cwd, stdin=stdin)
    return result_of([timed_run(cmd, prepare, env, cwd, stdin) for _ in range(runs)])


def measure_interleaved(cases, runs):
    """Like measure() for several tools {tool: dict(cmd=..., prepare=..., env=..., stdin=...)},
    taking their runs in turns (the first tool changing each round), so that the
    machine drifting during the measurement (other work, the server's
    checkpoints and autovacuum) falls on every tool alike instead of on
    whichever ran first. `runs` is a count, or a count per tool."""
    wanted = runs if isinstance(runs, dict) else {tool: runs for tool in cases}
    samples = {tool: [] for tool in cases}
    order = list(cases)
    for round_index in range(max(wanted.values())):
        shift = round_index % len(order)
        for tool in order[shift:] + order[:shift]:
            if len(samples[tool]) < wanted[tool]:
                samples[tool].append(timed_run(**cases[tool]))
    return {tool: result_of(taken) for tool, taken in samples.items()}


# ---------------------------------------------------------------- PostgreSQL

class Postgres:
    """A throwaway PostgreSQL 15 server for this run only."""

    def __init__(self, port):
        self.dir = os.path.join(WORK, "postgres")
        self.port = port
        self.url = None

    def start(self):
        run([os.path.join(ROOT, "scripts", "postgres"), "stop", self.dir])
        self.url = run([os.path.join(ROOT, "scripts", "postgres"), "start", self.dir, str(self.port)]).strip()
        Secrets.values.append(self.url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1])
        # Session ids in the log let the footprint count one process's statements.
        self.psql("postgres", "ALTER SYSTEM SET log_line_prefix = 'db=%d session=%c '", "SELECT pg_reload_conf()")
        time.sleep(0.2)

    def stop(self):
        run([os.path.join(ROOT, "scripts", "postgres"), "stop", self.dir])

    @property
    def log_path(self):
        return os.path.join(self.dir, "server.log")

    def database_url(self, name, driver=""):
        base, _ = self.url.rsplit("/", 1)
        scheme, rest = base.split("://", 1)
        return f"{scheme}{driver}://{rest}/{name}"

    def psql(self, database, *sql):
        cmd = [os.path.join(PG_BIN, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d",
               self.database_url(database)]
        for statement in sql:
            cmd += ["-c", statement]
        return run(cmd)

    def recreate(self, name):
        # The checkpoint flushes what DROP and CREATE DATABASE wrote and
        # restarts checkpoint_timeout, so no checkpoint falls into the next run.
        self.psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}", "CHECKPOINT")


# ---------------------------------------------------------------- sets

class MigrationSet:
    """One generated set: Retort sources, Alembic project and floor scripts."""

    def __init__(self, dialect, shape, count, retort_format):
        self.dialect, self.shape, self.count, self.format = dialect, shape, count, retort_format
        self.name = f"{'pg' if dialect == 'postgresql' else 'sqlite'}_{shape}_{count}"
        self.dir = os.path.join(WORK, "gen", self.name)

    def generate(self):
        cmd = [PYTHON, os.path.join(BENCH, "generate.py"), "--count", str(self.count), "--shape", self.shape,
               "--dialect", self.dialect, "--out", self.dir]
        if self.format == "sql":
            cmd.append("--sql-files")
        run(cmd)
        with open(os.path.join(self.dir, "head")) as f:
            self.head = f.read().strip()

    @property
    def retort_sources(self):
        return os.path.join(self.dir, "retort" if self.format == "cpp" else "retort_sql")

    @property
    def migrate(self):
        return os.path.join(BUILD, "consumer", f"{self.name}-migrate")

    @property
    def alembic_ini(self):
        return os.path.join(self.dir, "alembic", "alembic.ini")

    def floor(self, direction):
        return os.path.join(self.dir, f"floor_{direction}.sql")


# ---------------------------------------------------------------- build

def build_consumer(sets, footprint_set, jobs, lint_set=None):
    """Configures and builds the consumer; with `sets` empty and no footprint
    set, only the lint set (bench/run --only lint)."""
    sets_arg = ";".join(f"{s.name}={s.retort_sources}" for s in sets + ([footprint_set] if footprint_set else []))
    # ccache, when installed, only makes rebuilds of the sets quicker: no
    # measurement times a compiler run through it.
    launcher = ([f"-DCMAKE_{lang}_COMPILER_LAUNCHER=ccache" for lang in ("C", "CXX")]
                if shutil.which("ccache") else [])
    run(["cmake", "-S", os.path.join(BENCH, "consumer"), "-B", os.path.join(BUILD, "consumer"), "-G", "Ninja",
         "-DCMAKE_BUILD_TYPE=Release", "-DRETORT_BUILD_TESTS=OFF", *launcher,
         f"-DBENCH_SETS={sets_arg}", f"-DBENCH_FOOTPRINT_SET={footprint_set.name if footprint_set else ''}",
         f"-DBENCH_LINT_SET={f'{lint_set.name}={lint_set.sources}' if lint_set else ''}"])
    targets = (["retortc"] + (["hello", "service_status", "service_upgrade", "libpq_current"] if footprint_set else [])
               + [f"{s.name}-migrate" for s in sets + ([lint_set] if lint_set else [])])
    log(f"building {len(targets)} targets in {os.path.join(BUILD, 'consumer')} (-j{jobs})")
    run(["cmake", "--build", os.path.join(BUILD, "consumer"), "-j", str(jobs), "--target", *targets])


def retortc_path():
    return os.path.join(BUILD, "consumer", "retort", "compiler", "retortc")


# ---------------------------------------------------------------- online commands

class Tools:
    """Builds the commands each tool runs, per dialect, on its own database."""

    def __init__(self, pg, migration_set):
        self.pg, self.set = pg, migration_set
        self.sqlite_dir = SQLITE_DIR
        os.makedirs(self.sqlite_dir, exist_ok=True)

    def database(self, tool):
        return f"bench_{tool}"

    def sqlite_path(self, tool):
        return os.path.join(self.sqlite_dir, f"{tool}.db")

    def reset(self, tool):
        if self.set.dialect == "postgresql":
            self.pg.recreate(self.database(tool))
        elif os.path.exists(self.sqlite_path(tool)):
            os.remove(self.sqlite_path(tool))

    def retort_env(self):
        if self.set.dialect == "postgresql":
            url = self.pg.database_url(self.database("retort"))
        else:
            url = "sqlite:///" + self.sqlite_path("retort")
        return dict(os.environ, DATABASE_URL=url)

    def alembic_env(self):
        if self.set.dialect == "postgresql":
            url = self.pg.database_url(self.database("alembic"), driver="+psycopg2")
        else:
            url = "sqlite:///" + self.sqlite_path("alembic")
        return dict(os.environ, BENCH_DATABASE_URL=url)

    def retort(self, *args):
        return [self.set.migrate, *args]

    def alembic(self, *args):
        return [ALEMBIC, "-c", self.set.alembic_ini, *args]

    def floor(self, direction):
        """(command, stdin file) applying the floor script."""
        script = self.set.floor(direction)
        if self.set.dialect == "postgresql":
            return [os.path.join(PG_BIN, "psql"), "-X", "-q", "-d", self.pg.database_url(self.database("floor")),
                    "-f", script], None
        return ["sqlite3", "-bail", self.sqlite_path("floor")], script

    def floor_current(self):
        sql = "SELECT version_num FROM alembic_version"
        if self.set.dialect == "postgresql":
            return [os.path.join(PG_BIN, "psql"), "-X", "-At", "-d", self.pg.database_url(self.database("floor")),
                    "-c", sql]
        return ["sqlite3", self.sqlite_path("floor"), sql]


def measure_online(pg, migration_set, runs, record, offline_only=False):
    tools = Tools(pg, migration_set)
    s = migration_set
    key = dict(dialect=s.dialect, shape=s.shape, n=s.count, retort_format=s.format)

    def add(operation, tool, result):
        record(dict(key, operation=operation, tool=tool, **result))
        log(f"  {operation:<18} {tool:<8} {result['median'] * 1000:9.1f} ms "
            f"({result['min'] * 1000:.1f}-{result['max'] * 1000:.1f})")

    floor_up, floor_up_stdin = tools.floor("upgrade")
    floor_down, floor_down_stdin = tools.floor("downgrade")

    def at_head(tool):
        tools.reset(tool)
        if tool == "retort":
            run(tools.retort("upgrade", "head"), env=tools.retort_env())
        elif tool == "alembic":
            run(tools.alembic("upgrade", "head"), env=tools.alembic_env())
        else:
            run(floor_up, stdin=floor_up_stdin)

    log(f"{s.name} ({s.format} sources): online commands, {runs} runs each")
    # Python compiles the revision modules to __pycache__ on first use; a
    # deployed Alembic has them already.
    run(tools.alembic("heads"), env=tools.alembic_env())
    if not offline_only:
        upgrades = measure_interleaved({
            "retort": dict(cmd=tools.retort("upgrade", "head"), env=tools.retort_env(),
                           prepare=lambda: tools.reset("retort")),
            "alembic": dict(cmd=tools.alembic("upgrade", "head"), env=tools.alembic_env(),
                            prepare=lambda: tools.reset("alembic")),
            "floor": dict(cmd=floor_up, stdin=floor_up_stdin, prepare=lambda: tools.reset("floor")),
        }, runs)
        for tool, result in upgrades.items():
            add("upgrade head", tool, result)

        downgrades = measure_interleaved({
            "retort": dict(cmd=tools.retort("downgrade", "base"), env=tools.retort_env(),
                           prepare=lambda: at_head("retort")),
            "alembic": dict(cmd=tools.alembic("downgrade", "base"), env=tools.alembic_env(),
                            prepare=lambda: at_head("alembic")),
            "floor": dict(cmd=floor_down, stdin=floor_down_stdin, prepare=lambda: at_head("floor")),
        }, runs)
        for tool, result in downgrades.items():
            add("downgrade base", tool, result)

        for tool in ("retort", "alembic", "floor"):
            at_head(tool)
    else:
        # Too long to apply for every run: stamp the head instead, which is
        # what `current` reads either way.
        tools.reset("retort")
        tools.reset("alembic")
        tools.reset("floor")
        run(tools.retort("stamp", "head"), env=tools.retort_env())
        run(tools.alembic("stamp", "head"), env=tools.alembic_env())
        run(floor_up[:-2] + ["-c", "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
                             "-c", f"INSERT INTO alembic_version VALUES ('{s.head}')"]
            if s.dialect == "postgresql" else
            ["sqlite3", tools.sqlite_path("floor"),
             f"CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY); "
             f"INSERT INTO alembic_version VALUES ('{s.head}')"])

    def read_only(operation, cases):
        """Commands that leave the database as they are, {tool: (cmd, env)}: one
        untimed warm-up run each, then QUICK_RUNS runs of those that take
        under a second (`runs` of the others), interleaved."""
        counts = {}
        for tool, (cmd, env) in cases.items():
            start = time.perf_counter()
            run(cmd, env=env)
            counts[tool] = QUICK_RUNS if time.perf_counter() - start < 1.0 else runs
        results = measure_interleaved({tool: dict(cmd=cmd, env=env) for tool, (cmd, env) in cases.items()}, counts)
        for tool, result in results.items():
            add(operation, tool, result)

    read_only("current", {"retort": (tools.retort("current"), tools.retort_env()),
                          "alembic": (tools.alembic("current"), tools.alembic_env()),
                          "floor": (tools.floor_current(), None)})
    for operation, args in (("heads", ["heads"]), ("history", ["history"]),
                            ("upgrade head --sql", ["upgrade", "head", "--sql"])):
        read_only(operation, {"retort": (tools.retort(*args), tools.retort_env()),
                              "alembic": (tools.alembic(*args), tools.alembic_env())})


# ---------------------------------------------------------------- compiler

def measure_compiler(migration_set, runs, record, jobs):
    s = migration_set
    out = os.path.join(WORK, "retortc", s.name)
    cache = os.path.join(out, "retortc-cache")
    compile_cmd = [retortc_path(), "compile", "--name", "bench", "--directory", s.retort_sources,
                   "--output-dir", out, "--cache", cache, "-I", os.path.join(ROOT, "runtime", "include")]
    files = sorted(f for f in os.listdir(s.retort_sources) if f.endswith(".cpp"))
    # The floor: the compiler front end alone over the same files, with the
    # same number of processes as cores (as a build would run them).
    chunk = (len(files) + jobs - 1) // jobs
    gxx = ("printf '%s\\n' *.cpp | xargs -P {jobs} -n {chunk} "
           "g++ -fsyntax-only -std=c++20 -I {include}").format(
        jobs=jobs, chunk=chunk, include=os.path.join(ROOT, "runtime", "include"))
    key = dict(dialect=s.dialect, shape=s.shape, n=s.count, retort_format=s.format)

    def add(operation, tool, result):
        record(dict(key, operation=operation, tool=tool, **result))
        log(f"  {operation:<22} {tool:<8} {result['median'] * 1000:9.1f} ms "
            f"({result['min'] * 1000:.1f}-{result['max'] * 1000:.1f}), cpu {result['cpu_median'] * 1000:.0f} ms")

    def clean():
        shutil.rmtree(out, ignore_errors=True)

    log(f"{s.name}: compiler, {runs} runs each")
    add("retortc clean", "retort", measure(compile_cmd, runs, prepare=clean))
    add("retortc clean", "g++", measure(gxx, runs, cwd=s.retort_sources))

    # Incremental: the cache is warm; each run edits one migration's message
    # so that its content hash changes.
    edited = os.path.join(s.retort_sources, files[len(files) // 2])
    edit_one = MessageEditor(edited)

    try:
        clean()
        run(compile_cmd)
        add("retortc no change", "retort", measure(compile_cmd, runs))
        add("retortc edit one", "retort", measure(compile_cmd, runs, prepare=edit_one))
        add("retortc edit one", "g++", measure(["g++", "-fsyntax-only", "-std=c++20", "-I",
                                                os.path.join(ROOT, "runtime", "include"), edited], runs))
    finally:
        edit_one.restore()


# ---------------------------------------------------------------- footprint

def binary_size(path):
    stripped = os.path.join(WORK, os.path.basename(path) + ".stripped")
    run(["strip", "-s", "-o", stripped, path])
    return os.path.getsize(path), os.path.getsize(stripped)


def shared_libraries(path):
    output = run(["ldd", path])
    return sorted(line.split()[0] for line in output.splitlines() if "=>" in line)


def statements_logged(pg, database, action):
    """The statements the server logs for `database` while `action` runs."""
    with open(pg.log_path, "rb") as f:
        f.seek(0, os.SEEK_END)
        start = f.tell()
    action()
    time.sleep(0.3)  # the server writes the log asynchronously to our read
    with open(pg.log_path, "rb") as f:
        f.seek(start)
        lines = f.read().decode(errors="replace").splitlines()
    prefix = f"db={database} "
    statements = []
    continuing = False  # the entry being read is one of ours
    for line in lines:
        if line.startswith("\t"):
            # A statement of several lines (Retort's batches) continues on tab-indented lines.
            if continuing:
                statements[-1] += " " + line.strip()
            continue
        continuing = (line.startswith(prefix) and "LOG:" in line
                      and ("statement:" in line or "execute" in line))
        if continuing:
            statements.append(line.split("LOG:", 1)[1].strip())
    return statements


def statements_per_upgrade(pg, migration_set):
    """Statements the server receives for `upgrade head` of the whole set, per tool:
    with the same DDL, the difference is each tool's own bookkeeping."""
    tools = Tools(pg, migration_set)
    counts = {}
    floor_cmd, floor_stdin = tools.floor("upgrade")
    commands = {
        "retort": lambda: run(tools.retort("upgrade", "head"), env=tools.retort_env()),
        "alembic": lambda: run(tools.alembic("upgrade", "head"), env=tools.alembic_env()),
        "floor": lambda: run(floor_cmd, stdin=floor_stdin),
    }
    for tool, action in commands.items():
        database = tools.database(tool)
        tools.reset(tool)
        pg.psql("postgres", f"ALTER DATABASE {database} SET log_statement = 'all'")
        statements = statements_logged(pg, database, action)
        pg.psql("postgres", f"ALTER DATABASE {database} RESET log_statement")
        counts[tool] = {"total": len(statements), "per_migration": len(statements) / migration_set.count}
        if tool == "retort":
            # The statements between the second and third COMMIT: one migration's worth.
            commits = [i for i, text in enumerate(statements) if text.rstrip("; ").endswith("COMMIT")]
            if len(commits) >= 3:
                counts[tool]["one_migration"] = statements[commits[1] + 1:commits[2] + 1]
    return {"set": migration_set.name, "n": migration_set.count, "statements": counts}


def measure_footprint(pg, footprint_set, runs, record):
    consumer = os.path.join(BUILD, "consumer")
    hello, status, upgrade, libpq = (os.path.join(consumer, n)
                                     for n in ("hello", "service_status", "service_upgrade", "libpq_current"))
    sizes = {name: binary_size(path) for name, path in (("hello", hello), ("service_status", status),
                                                        ("service_upgrade", upgrade))}
    libraries = {name: shared_libraries(path) for name, path in (("hello", hello), ("service_status", status))}
    added_libraries = sorted(set(libraries["service_status"]) - set(libraries["hello"]))

    database = "bench_footprint"
    pg.recreate(database)
    url = pg.database_url(database)
    run([upgrade, url])  # now at head
    pg.psql("postgres", f"ALTER DATABASE {database} SET log_statement = 'all'")
    round_trips = {
        "status": statements_logged(pg, database, lambda: run([status, url])),
        "upgrade": statements_logged(pg, database, lambda: run([upgrade, url])),
    }
    timings = {
        "hello": measure([hello], max(runs, 10), warmup=True),
        "status": measure([status, url], max(runs, 10), warmup=True),
        "upgrade": measure([upgrade, url], max(runs, 10), warmup=True),
        "psql": measure([os.path.join(PG_BIN, "psql"), "-X", "-At", "-d", url, "-c",
                         "SELECT version_num FROM retort_version"], max(runs, 10), warmup=True),
        "libpq": measure([libpq, url], max(runs, 10), warmup=True),
    }
    pg.psql("postgres", f"ALTER DATABASE {database} RESET log_statement")
    footprint = {
        "set": footprint_set.name,
        "size_bytes": {name: {"unstripped": a, "stripped": b} for name, (a, b) in sizes.items()},
        "added_shared_libraries": added_libraries,
        "statements_at_head": round_trips,
        "startup_seconds": timings,
    }
    record(footprint)
    log(f"  footprint: hello {sizes['hello'][1]} B, +status {sizes['service_status'][1]} B, "
        f"+upgrade {sizes['service_upgrade'][1]} B (stripped); statements at head: "
        f"status {len(round_trips['status'])}, upgrade {len(round_trips['upgrade'])}")


def machine():
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "unknown"

    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor())
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    info = {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "kernel": platform.release(),
        "os": first_line(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "postgresql": first_line([os.path.join(PG_BIN, "postgres"), "--version"]),
        "sqlite": first_line(["sqlite3", "--version"]).split(" ")[0],
        "alembic": first_line([ALEMBIC, "--version"]),
        "gxx": first_line(["g++", "--version"]),
        "load_average_at_start": os.getloadavg(),
    }
    info["summary"] = (f"{info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB, {info['os']}; "
                       f"{info['postgresql']} (fsync off, same server for every tool), SQLite {info['sqlite']}, "
                       f"{info['alembic']}, {info['gxx']}")
    return info
