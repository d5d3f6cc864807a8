"""The blocks of docs/reliability.md that tests/reliability/report.py writes, each a function of
the runs' figures (docs/reliability-figures.json) and nothing else.
"""

from __future__ import annotations

REPORT = "python -m tests.reliability.report"


def _mib(value):
    return f"{value:,.1f} MiB"


def _seconds(value):
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


def _passed(outcome):
    skipped = f", {outcome['skipped']} skipped" if outcome.get("skipped") else ""
    return f"{outcome.get('passed', 0):,} tests passed{skipped}"


def figures(f):
    g, m, s = f["gradchecks"], f["mutations"], f["special_values"]
    h, c, k = f["hostile_formulas"], f["command_lines"], f["killed_writers"]
    a, b, t, mem = f["fuzzed_archives"], f["bombs"], f["load_times"], f["memory"]
    suites, cov = f["suites"], f["coverage"]
    live = m["killed"] + m["survived"]
    torch = suites["torch"]
    rows = [
        ("differentiable primitives gradchecked",
         f"{g['covered']} of {g['differentiable']}, in {g['cases']} cases", "gradchecks"),
        ("derivatives checked against finite differences",
         f"{g['checks']:,} checks (6 modes × {g['cases']} cases), {g['entries']:,} Jacobian "
         "entries", "gradchecks"),
        ("properties (Hypothesis)", f"{_passed(suites['properties'])}, "
         f"{suites['properties']['examples']:,} examples (CI profile)", "suites"),
        ("traces replayed at another point (`cr.jit`)", _passed(suites["replay"]), "suites"),
        ("random programs checked to second order", _passed(suites["programs"]) + "; against "
         "PyTorch: " + (_passed(torch) if torch.get("passed") else "skipped (torch is not "
                        "installed)"), "suites"),
        ("mutation score of the checker",
         f"{m['killed']} of {live} non-equivalent mutants killed "
         f"({100 * m['killed'] / live:.0f}%); {m['equivalent']} equivalent", "mutations"),
        ("special values tried", f"{s['ops']} ops and variants at {s['points']:,} points, "
         f"{s['results']:,} results; {s['points failing']} points failing", "special_values"),
        ("hostile formulas through the parser and evaluation",
         f"{h['inputs']:,}; {h['faults']} other exceptions; slowest answer "
         f"{_seconds(h['slowest'])}, all in {_seconds(h['seconds'])}", "hostile_formulas"),
        ("hostile command lines",
         f"{c['in-process']['runs']} in-process and {c['process']['runs']} real processes: "
         f"{c['in-process']['problems'] + c['process']['problems']} wrong answers; slowest "
         f"{_seconds(c['in-process']['slowest'])} in-process, {_seconds(c['process']['slowest'])}"
         f" as a process (start-up {_seconds(c['start-up'])})", "command_lines"),
        ("writers killed with SIGKILL mid-save",
         f"{k['kills']}; {k['old'] + k['new']} files loaded (old or new state), "
         f"{len(k['errors'])} damaged; {k['temporaries_after_next_save']} temporary files left "
         "after the next save", "killed_writers"),
        ("damaged and hostile checkpoint files", _passed(suites["faults"]) + " (200 truncations, "
         "200 bit flips, 200 torn sectors, 50 foreign tails, 7 pickles: all refused)", "suites"),
        ("fuzzed checkpoint files (Hypothesis)",
         f"{a['files']:,}: {a['other exceptions']} other exceptions than CheckpointError; "
         f"slowest {_seconds(a['slowest file (s)'])}", "fuzzed_archives"),
        ("decompression bombs and special files", f"{len(_timings(b))} cases, all refused; "
         f"peak memory grew by at most {_mib(_largest_growth(b))}", "bombs"),
        ("load time in the number of archive entries", "; ".join(
            f"{name}: {_seconds(seconds)}" for name, seconds in _timings(t).items()), "load_times"),
        ("memory over 10,000 training steps",
         f"+{mem['train']['growth_after_warm_up_mib']:.2f} MiB after warm-up", "memory"),
        ("a 100,000-deep graph", "differentiates in both modes; freed on `del` "
         f"(+{mem['deep']['after_del_mib'] - mem['deep']['baseline_mib']:.1f} of "
         f"{mem['deep']['built_mib'] - mem['deep']['baseline_mib']:.0f} MiB stays)", "memory"),
        ("threads differentiating at once", _threads(f["threads"]), "threads"),
        ("line coverage of the core", f"{cov['core']['percent']:.1f}% of "
         f"{cov['core']['statements']:,} statements", "coverage"),
    ]  # fmt: skip
    lines = ["| what | figure | run |", "|---|---|---|"]
    lines += [f"| {what} | {figure} | `{REPORT} {run}` |" for what, figure, run in rows]
    return "\n".join(lines)


def _threads(found):
    mixed, loop = found["mixed"], found["no_grad"]
    return (f"{mixed['threads']} threads, {mixed['calls']:,} calls of backward, grad, jvp, "
            f"hessian, jit and training steps, a thread switch every µs: {mixed['wrong']} wrong, "
            f"{mixed['errors']} errors; a thread looping `no_grad` changed another's grad mode "
            f"{loop['grad_mode_changed']} times in {loop['backward_calls']:,} backward calls")


def _largest_growth(bombs):
    return max(p["peak_mib"] - p["before_mib"] for p in _timings(bombs).values())


def _timings(found):
    """A run's figures by name, without its stamp of date and machine."""
    return {name: value for name, value in found.items() if name != "measured"}


def op_table(f):
    return f["gradchecks"]["markdown"]


def mutations(f):
    m = f["mutations"]
    live = m["killed"] + m["survived"]
    by = ", ".join(f"{n} by a {error}" for error, n in sorted(m["killed_by"].items()))
    verdict = "No mutant survives" if not m["survived"] else f"{m['survived']} survive"
    return (
        f"Every primitive of `chainrule.primitive.REGISTRY` that the op table covers: "
        f"{m['primitives']} primitives, {m['inputs']} differentiable inputs.\n\n"
        f"{m['table']}\n\n{verdict}: {m['killed']} of {live} non-equivalent mutants are killed "
        f"({by}). The {m['equivalent']} equivalent ones, by kind (why nothing can see them "
        f"is below):\n\n"
        + "\n".join(
            f"- {kind}: {', '.join(names)}" for kind, names in m.get("equivalents", {}).items()
        )
    )


def special_values(f):
    s = f["special_values"]
    return (
        f"**{s['ops']} ops and variants, {s['points']:,} points, {s['results']:,} results** "
        f"({s['finite-expected results']:,} of them finite-expected; {s['points failing']} "
        "points failing now)"
    )


def hostile(f):
    h = f["hostile_formulas"]
    lines = ["| category | inputs |", "|---|---:|"]
    lines += [f"| {category} | {count:,} |" for category, count in h["categories"].items()]
    lines.append(f"| **all** | **{h['inputs']:,}** |")
    return "\n".join(lines) + (
        f"\n\nEach input is parsed and, when accepted, evaluated at a point and differentiated "
        f"with `chainrule.grad`: {h['faults']} raised anything but `ExpressionError`; the "
        f"slowest took {_seconds(h['slowest'])}, all {h['inputs']:,} in {_seconds(h['seconds'])} "
        f"({_measured(h)})."
    )


def kills(f):
    k = f["killed_writers"]
    return "\n".join([
        "| | |", "|---|---|",
        f"| kills | {k['kills']} |",
        f"| file loaded and equal to the last completed save's state | {k['old']} |",
        f"| file loaded and equal to the save in flight (killed after its rename) | {k['new']} |",
        f"| file damaged, missing or neither state | **{len(k['errors'])}** |",
        f"| kills before the child completed any save | "
        f"{k['kills_before_first_save_completed']} |",
        f"| temporary files left behind | {k['temporaries_after_kills']} after the kills, "
        f"{k['temporaries_after_next_save']} after the next save |",
    ])  # fmt: skip


def checkpoint_files(f):
    a, b, t = f["fuzzed_archives"], f["bombs"], f["load_times"]
    lines = [
        f"{a['files']:,} fuzzed files ({', '.join(f'{n:,} {k}' for k, n in a['by kind'].items())}"
        f"), each given to four readers ({_measured(a)}):",
        "",
        "| reader | answered with what it read | refused with its own error | anything else |",
        "|---|---:|---:|---:|",
    ]
    for reader in ("read", "load", "resume", "command line"):
        read, refused = a["outcomes"][f"{reader}: read"], a["outcomes"][f"{reader}: refused"]
        lines.append(f"| {reader} | {read:,} | {refused:,} | **0** |")
    lines += [
        "", f"The slowest file took {_seconds(a['slowest file (s)'])}; the largest traced peak "
        f"was {a['largest traced peak (MiB)']} MiB. Hostile files, each read in a fresh process "
        f"({_measured(b)}):", "",
        "| file | size | answer | peak memory growth | time |", "|---|---:|---|---:|---:|",
    ]  # fmt: skip
    for case, probe in _timings(b).items():
        size = f"{probe['size']:,} bytes" if probe["size"] else "—"
        lines.append(
            f"| {case} | {size} | {_answer(probe)} | "
            f"{_mib(probe['peak_mib'] - probe['before_mib'])} | {_seconds(probe['seconds'])} |"
        )
    lines += ["", f"Load time ({_measured(t)}):", "", "| archive | time |", "|---|---:|"]
    lines += [f"| {name} | {_seconds(seconds)} |" for name, seconds in _timings(t).items()]
    return "\n".join(lines)


def _answer(probe):
    message = probe["message"]
    message = message if len(message) <= 120 else message[:119] + "…"
    kind = "exit status 2" if probe["outcome"] == "SystemExit" else probe["outcome"]
    return f"{kind}: {message}" if message else probe["outcome"]


def memory(f):
    train, deep = f["memory"]["train"], f["memory"]["deep"]
    return (
        f"- **{train['steps']:,} training steps** of an MLP 8-32-4 (tanh, cross-entropy, Adam, "
        f"a new batch each step): resident memory grew by "
        f"{train['growth_after_warm_up_mib']:.3f} MiB after the 1,000-step warm-up, to "
        f"{train['rss_mib'][-1][1]:.1f} MiB; the bound in the test is 2 MiB.\n"
        f"- **A {deep['depth']:,}-deep graph**: `backward()` in "
        f"{_seconds(deep['backward_seconds'])} and `jvp` in "
        f"{_seconds(deep['forward_seconds'])}; the graph took "
        f"{deep['built_mib'] - deep['baseline_mib']:.0f} MiB; after `del` "
        f"{deep['after_del_mib'] - deep['baseline_mib']:.1f} MiB stay resident (the test bound: "
        f"8 MiB), the head node freed without `gc.collect()`: "
        f"{'yes' if deep['head_freed_without_gc_collect'] else 'no'}. ({_measured(f['memory'])})"
    )


def _measured(found):
    stamp = found.get("measured") or {}
    return f"measured {stamp.get('date', '?')} on {stamp.get('machine', '?')}"


BLOCKS = {
    "figures": figures,
    "op-table": op_table,
    "mutations": mutations,
    "special-values": special_values,
    "hostile": hostile,
    "kills": kills,
    "checkpoint-files": checkpoint_files,
    "memory": memory,
}
