#!/usr/bin/env python3
"""make bench's figures from its samples.

  bench-report.py DIR            DIR/samples.tsv -> DIR/summary.tsv,
                                 DIR/table.md and the gnuplot data files
  bench-report.py DIR --contrast the memory contrast, one line (make demo)

samples.tsv: PART METRIC N VALUE UNIT, one sample a line.  A figure is
named PART.METRIC (the parts measure some things alike, on other kernels)
and is the median of its samples, with their min and max.
"""
import collections
import os
import statistics
import sys

MODES = (("plain", "unencrypted disk"),
         ("key", "LUKS2, key handed over"),
         ("pass", "LUKS2, passphrase (Argon2id, 1 GiB)"))
# The memory searches: their part, and the system they ran on
SYSTEMS = (("mem", "lab initramfs"),
           ("d13", "Debian 13, kdump-tools"))
# The plot's bar labels: short
SHORT = {"plain": "unencrypted", "key": "handed-over key", "pass": "passphrase",
         "mem": "lab", "d13": "Debian 13"}

# A volume key rotated with a capture kernel loaded (scripts/bench-mainline.sh)
CHANGES = ((("mainline.change.reload.mainline", "16"), "mainline: reload"),
           (("mainline.change.update.ours", "16"), "ours: keyctl update"),
           (("mainline.change.update.ours.syscall", "16"), "ours: the syscall"))


def load(path):
    samples = collections.defaultdict(list)
    units = {}
    with open(path) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 5:
                continue
            part, metric, n, value, unit = fields
            metric = f"{part}.{metric}"
            samples[(metric, n)].append(float(value))
            units[metric] = unit
    return samples, units


def n_key(n):
    return (0, int(n)) if n.isdigit() else (1, n)


def summarize(samples):
    return {k: (statistics.median(v), min(v), max(v), len(v))
            for k, v in samples.items()}


def fmt(x):
    return f"{x:.0f}" if abs(x) >= 100 or x == int(x) else f"{x:.3g}"


def cell(stats, unit):
    med, lo, hi, runs = stats
    if lo == hi:
        return f"{fmt(med)} {unit} (all {runs} samples)"
    return f"{fmt(med)} {unit} ({fmt(lo)}–{fmt(hi)}, {runs} samples)"


def memory_line(summary, part="mem"):
    """The contrast of one system's search, or None."""
    mem = {m: summary.get((f"{part}.crashkernel.{m}", "-")) for m, _ in MODES}
    if not mem["key"] or not mem["pass"]:
        return None
    key, pw = mem["key"][0], mem["pass"][0]
    line = (f"Smallest crashkernel= that writes the dump to a LUKS2 disk: "
            f"{fmt(key)}M with the handed-over key")
    if mem["plain"]:
        line += f" (unencrypted disk: {fmt(mem['plain'][0])}M)"
    return line + (f", {fmt(pw)}M with the passphrase (Argon2id, 1 GiB): "
                   f"{pw / key:.1f}x, {fmt(pw - key)}M more taken from the running system")


def memory_table(summary):
    """A row per dump target, a column per system searched."""
    systems = [(p, name) for p, name in SYSTEMS
               if any((f"{p}.crashkernel.{m}", "-") in summary for m, _ in MODES)]
    if not systems:
        return []
    rows = ["| dump target | " + " | ".join(n for _, n in systems) + " |",
            "| --- |" + " --- |" * len(systems)]
    for m, label in MODES:
        cells = [summary.get((f"{p}.crashkernel.{m}", "-")) for p, _ in systems]
        rows.append(f"| {label} | " + " | ".join(
            cell(c, "MiB") if c else "–" for c in cells) + " |")
    rows.append("")
    for p, name in systems:
        line = memory_line(summary, p)
        if line:
            rows.append(f"{name}: {line}.")
            rows.append("")
    return rows


def table(summary, units, machine):
    out = ["# make bench", "", f"Machine: {machine}", "",
           "Each figure: the median of its samples (min–max, number of samples); "
           "a search gives one sample a run, a boot of the other parts one or more.", ""]
    rows = memory_table(summary)
    if rows:
        out += ["## Memory: smallest crashkernel= (8M steps) at which the capture "
                "kernel writes the dump", "", *rows]
    out += ["## Every figure", "", "| metric | n | median | min | max | unit | samples |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for metric, n in sorted(summary, key=lambda k: (k[0], n_key(k[1]))):
        med, lo, hi, runs = summary[(metric, n)]
        out.append(f"| {metric} | {n} | {fmt(med)} | {fmt(lo)} | {fmt(hi)} "
                   f"| {units[metric]} | {runs} |")
    return "\n".join(out) + "\n"


def write_plot_data(summary, d):
    """One file per metric: N MEDIAN MIN MAX, for gnuplot."""
    os.makedirs(d, exist_ok=True)
    for metric in {m for m, _ in summary}:
        rows = sorted((k for k in summary if k[0] == metric and k[1].isdigit()),
                      key=lambda k: int(k[1]))
        if rows:
            with open(os.path.join(d, metric + ".dat"), "w") as f:
                for k in rows:
                    med, lo, hi, _ = summary[k]
                    f.write(f"{k[1]} {med} {lo} {hi}\n")
    bars(os.path.join(d, "memory.dat"), summary,
         [((f"{p}.crashkernel.{m}", "-"), f"{SHORT[p]}: {SHORT[m]}")
          for p, _ in SYSTEMS for m, _ in MODES])
    bars(os.path.join(d, "change.dat"), summary, CHANGES)


def bars(path, summary, wanted):
    """INDEX "LABEL" MEDIAN MIN MAX for the figures of wanted there are."""
    rows = [(label, summary[k]) for k, label in wanted if k in summary]
    if rows:
        with open(path, "w") as f:
            for i, (label, s) in enumerate(rows):
                f.write(f'{i} "{label}" {s[0]} {s[1]} {s[2]}\n')


def main():
    d = sys.argv[1]
    samples, units = load(os.path.join(d, "samples.tsv"))
    summary = summarize(samples)
    if sys.argv[2:] == ["--contrast"]:
        line = memory_line(summary)
        if not line:
            sys.exit("no memory figures in " + d)
        print(line)
        return
    machine = open(os.path.join(d, "machine.txt")).read().strip()
    with open(os.path.join(d, "summary.tsv"), "w") as f:
        for (metric, n), (med, lo, hi, runs) in sorted(summary.items()):
            f.write(f"{metric}\t{n}\t{med}\t{lo}\t{hi}\t{units[metric]}\t{runs}\n")
    with open(os.path.join(d, "table.md"), "w") as f:
        f.write(table(summary, units, machine))
    write_plot_data(summary, os.path.join(d, "data"))


if __name__ == "__main__":
    main()
