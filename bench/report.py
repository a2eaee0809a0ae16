"""Reporting for bench/run: latest.json to latest.md, the plot, the
targets and bench/README.md's results section. `bench/run --report-only`
redoes all of it from latest.json without measuring."""
import json
import os

from lint_report import lint_markdown, lint_targets
from measure import BENCH, QUICK_RUNS, RESULTS, WORK, log, run



def format_seconds(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1000:.1f} ms"


def cell(result):
    if result is None:
        return "—"
    return f"{format_seconds(result['median'])} ({format_seconds(result['min'])}–{format_seconds(result['max'])})"


def ratio(numerator, denominator):
    if numerator is None or denominator is None:
        return "—"
    return f"{numerator['median'] / denominator['median']:.2f}×"


def find(measurements, **key):
    for m in measurements:
        if all(m.get(k) == v for k, v in key.items()):
            return m
    return None


ONLINE_OPERATIONS = ["upgrade head", "downgrade base", "current", "heads", "history", "upgrade head --sql"]
COMPILER_OPERATIONS = ["retortc clean", "retortc no change", "retortc edit one"]


def evaluate_targets(measurements, footprint):
    targets = []

    def target(name, measured, met):
        targets.append({"target": name, "measured": measured, "met": met})

    up_r = find(measurements, operation="upgrade head", dialect="postgresql", shape="linear", n=1000, tool="retort")
    up_f = find(measurements, operation="upgrade head", dialect="postgresql", shape="linear", n=1000, tool="floor")
    if up_r and up_f:
        value = up_r["median"] / up_f["median"]
        target("`upgrade head`, 1,000 migrations, PostgreSQL: ≤ 1.15× the `psql -f` floor",
               f"{value:.2f}× ({format_seconds(up_r['median'])} vs {format_seconds(up_f['median'])})", value <= 1.15)
    for operation in ("current", "heads", "history"):
        # Every set it was measured on; the target holds when the worst case does.
        cases = []
        for r in (m for m in measurements if m["operation"] == operation and m["tool"] == "retort"):
            a = find(measurements, operation=operation, dialect=r["dialect"], shape=r["shape"], n=r["n"],
                     tool="alembic")
            if a:
                where = (f"{'PostgreSQL' if r['dialect'] == 'postgresql' else 'SQLite'}, {r['n']:,}"
                         + (" branchy" if r["shape"] == "branchy" else ""))
                cases.append((a["median"] / r["median"], where, r, a))
        if cases:
            worst, best = min(cases, key=lambda c: c[0]), max(cases, key=lambda c: c[0])
            measured = (f"{worst[0]:.0f}× at worst ({worst[1]}: {format_seconds(worst[2]['median'])} vs "
                        f"{format_seconds(worst[3]['median'])}), {best[0]:.0f}× at best ({best[1]})")
            libpq = (footprint or {}).get("startup_seconds", {}).get("libpq")
            if operation == "current" and worst[2]["dialect"] == "postgresql" and libpq:
                # No libpq client can beat a program that only connects and reads.
                measured += (f"; a C program that only connects with libpq and reads the version table takes "
                             f"{format_seconds(libpq['median'])}, {worst[3]['median'] / libpq['median']:.0f}× "
                             f"Alembic's time there")
            target(f"`{operation}` as a whole process: ≥ 30× faster than Alembic", measured, worst[0] >= 30)
    sql = find(measurements, operation="upgrade head --sql", dialect="postgresql", shape="linear", n=1000,
               tool="retort")
    if sql:
        target("`upgrade head --sql`, 1,000 migrations: < 50 ms", format_seconds(sql["median"]),
               sql["median"] < 0.050)
    edit = find(measurements, operation="retortc edit one", n=1000, tool="retort")
    if edit:
        target("retortc after editing one of 1,000 migrations: < 0.3 s", format_seconds(edit["median"]),
               edit["median"] < 0.3)
    clean_r = find(measurements, operation="retortc clean", n=1000, tool="retort")
    clean_g = find(measurements, operation="retortc clean", n=1000, tool="g++")
    if clean_r and clean_g:
        value = clean_r["median"] / clean_g["median"]
        target("clean retortc over 1,000 migrations: ≤ 0.5× `g++ -fsyntax-only` of the same files",
               f"{value:.2f}× ({format_seconds(clean_r['median'])} vs {format_seconds(clean_g['median'])})",
               value <= 0.5)
    if footprint:
        counts = {mode: len(statements) for mode, statements in footprint["statements_at_head"].items()}
        target("service startup at head: one round trip after connecting",
               f"`retort::upgrade`: {counts['upgrade']}, `retort::status`: {counts['status']} statements",
               counts["upgrade"] <= 1 and counts["status"] <= 1)
    return targets


def markdown(report):
    m = report["measurements"]
    lines = [f"Measured {report['date']} on {report['machine']['summary']}.", ""]
    load = [report["machine"].get(k) for k in ("load_average_at_start", "load_average_at_end")]
    if all(load):
        lines += [f"Load average (1 min) at the start and the end of the run: {load[0][0]:.2f} and "
                  f"{load[1][0]:.2f}; anything above 0 is other work sharing the cores, which shows up as "
                  "a wide min–max.", ""]
    lines += ["Each cell: median (min–max) of whole-process wall time; "
              f"{report['runs']} runs for upgrade, downgrade and the 1,000-migration compiler rows, "
              f"{QUICK_RUNS} for read-only commands under a second (3 for the 10,000-migration set, 1 for its "
              "compiler rows). The floor is `psql -f` / `sqlite3` running the same statements in the same "
              "transactions.", ""]
    for dialect, title in (("postgresql", "PostgreSQL 15"), ("sqlite", "SQLite")):
        rows = [x for x in m if x["dialect"] == dialect and x["operation"] in ONLINE_OPERATIONS]
        if not rows:
            continue
        lines += [f"### Commands, {title}", "",
                  "| command | migrations | Retort | Alembic 1.8 | floor | Retort ÷ floor | Alembic ÷ Retort |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for shape in ("linear", "branchy"):
            for n in sorted({x["n"] for x in rows if x["shape"] == shape}):
                for operation in ONLINE_OPERATIONS:
                    key = dict(dialect=dialect, shape=shape, n=n, operation=operation)
                    r, a, f = (find(m, tool=t, **key) for t in ("retort", "alembic", "floor"))
                    if not (r or a or f):
                        continue
                    label = f"{n:,}" + (" branchy" if shape == "branchy" else "")
                    if r and r.get("retort_format") == "sql":
                        label += " (.sql)"
                    lines.append(f"| `{operation}` | {label} | {cell(r)} | {cell(a)} | {cell(f)} | "
                                 f"{ratio(r, f)} | {ratio(a, r)} |")
        lines.append("")
    rows = [x for x in m if x["operation"] in COMPILER_OPERATIONS]
    if rows:
        lines += ["### Compiler", "",
                  "| measurement | migrations | retortc | retortc CPU | `g++ -fsyntax-only` | g++ CPU | retortc ÷ g++ |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for n in sorted({x["n"] for x in rows}):
            for operation in COMPILER_OPERATIONS:
                r = find(m, operation=operation, n=n, tool="retort")
                g = find(m, operation=operation, n=n, tool="g++")
                if not r:
                    continue
                cpu = lambda x: format_seconds(x["cpu_median"]) if x else "—"
                lines.append(f"| {operation} | {n:,} | {cell(r)} | {cpu(r)} | {cell(g)} | {cpu(g)} | {ratio(r, g)} |")
        lines.append("")
    fp = report.get("footprint")
    if fp:
        size = fp["size_bytes"]
        t = fp["startup_seconds"]
        lines += ["### Footprint", "",
                  "| program | size (stripped) | added by Retort | startup at head |",
                  "| --- | --- | --- | --- |",
                  f"| hello world | {size['hello']['stripped']:,} B | — | {cell(t['hello'])} |",
                  f"| + `retort::status` | {size['service_status']['stripped']:,} B | "
                  f"{size['service_status']['stripped'] - size['hello']['stripped']:,} B | {cell(t['status'])} |",
                  f"| + `retort::upgrade` | {size['service_upgrade']['stripped']:,} B | "
                  f"{size['service_upgrade']['stripped'] - size['hello']['stripped']:,} B | {cell(t['upgrade'])} |",
                  f"| `psql -c 'SELECT version_num …'` (floor) | — | — | {cell(t['psql'])} |",
                  f"| libpq alone: connect, the same `SELECT`, exit (`consumer/libpq_current.c`) | — | — | "
                  f"{cell(t.get('libpq'))} |", "",
                  f"Shared libraries the service needs beyond hello world: "
                  f"{', '.join('`' + x + '`' for x in fp['added_shared_libraries']) or 'none'}.", "",
                  "Statements the server logged (`log_statement = all`) for one startup at head, after connecting:", ""]
        for mode, statements in fp["statements_at_head"].items():
            lines.append(f"- `retort::{mode}`: {len(statements)}")
            for statement in statements:
                lines.append(f"  - `{statement[:160]}`")
        lines.append("")
    spu = report.get("statements_per_upgrade")
    if spu:
        counts = spu["statements"]
        lines += [f"Statements the server receives for `upgrade head` of {spu['n']:,} migrations (PostgreSQL, "
                  "every connection of the run): " + ", ".join(
                      f"{tool} {c['total']:,} ({c['per_migration']:.2f} per migration)" for tool, c in counts.items())
                  + ". Retort's statements for one migration:", ""]
        for statement in counts.get("retort", {}).get("one_migration", []):
            lines.append(f"- `{statement[:300]}`")
        lines.append("")
    if report.get("lint"):
        lines += lint_markdown(report["lint"], cell, format_seconds, report.get("date"))
    lines += ["### Targets", "", "| target | measured | met |", "| --- | --- | --- |"]
    for t in report["targets"]:
        lines.append(f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |")
    lines.append("")
    return "\n".join(lines)


def plot(report, path):
    """upgrade head: time against N for each tool, PostgreSQL and SQLite."""
    m = report["measurements"]
    data_path = os.path.join(WORK, "upgrade_vs_n.dat")
    series = []
    with open(data_path, "w") as f:
        for dialect in ("postgresql", "sqlite"):
            for tool, label in (("retort", "Retort"), ("alembic", "Alembic 1.8"), ("floor", "floor")):
                points = sorted((x["n"], x["median"], x["min"], x["max"]) for x in m
                                if x["operation"] == "upgrade head" and x["dialect"] == dialect
                                and x["shape"] == "linear" and x["tool"] == tool)
                if not points:
                    continue
                f.write(f"# {dialect} {tool}\n")
                for point in points:
                    f.write(" ".join(str(v) for v in point) + "\n")
                f.write("\n\n")
                series.append((len(series), f"{label}, {'PostgreSQL' if dialect == 'postgresql' else 'SQLite'}",
                               tool, dialect))
    if not series:
        return
    colors = {"retort": "#1f77b4", "alembic": "#d62728", "floor": "#2ca02c"}
    plots = [f"'{data_path}' index {i} using 1:2:3:4 with yerrorlines lw 2 pt 7 "
             f"lc rgb '{colors[tool]}' dt {1 if dialect == 'postgresql' else 2} title '{title}'"
             for i, title, tool, dialect in series]
    script = "\n".join([
        "set terminal pngcairo size 900,600 font 'sans,11'",
        f"set output '{path}'",
        "set title 'upgrade head from an empty database (linear chain)'",
        "set xlabel 'migrations'", "set ylabel 'seconds (median, min–max)'",
        "set logscale xy", "set grid", "set key top left",
        f"set xrange [50:{2 * max(x['n'] for x in m if x['operation'] == 'upgrade head')}]",
        "plot " + ", \\\n     ".join(plots),
    ])
    script_path = os.path.join(WORK, "upgrade_vs_n.gp")
    with open(script_path, "w") as f:
        f.write(script + "\n")
    run(["gnuplot", script_path])


def update_readme(table):
    """Replaces the results section of bench/README.md with the latest table."""
    path = os.path.join(BENCH, "README.md")
    begin, end = "<!-- results:begin -->", "<!-- results:end -->"
    with open(path) as f:
        text = f.read()
    if begin not in text or end not in text:
        log(f"{path} has no {begin} ... {end} section; the table is only in bench/results/latest.md")
        return
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    section = f"{begin}\n## Latest results\n\n![upgrade head against N](results/upgrade_vs_n.png)\n\n{table}\n{end}"
    with open(path, "w") as f:
        f.write(head + section + tail)


def write_report(report):
    report["targets"] = evaluate_targets(report["measurements"], report["footprint"])
    if report.get("lint"):
        report["targets"] += lint_targets(report["lint"])
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "latest.json"), "w") as f:
        json.dump(report, f, indent=2)
    table = markdown(report)
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write(table)
    os.makedirs(WORK, exist_ok=True)
    plot(report, os.path.join(RESULTS, "upgrade_vs_n.png"))
    update_readme(table)
    print(table)
