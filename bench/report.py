"""bench/RESULTS.md from the cells' reports: the targets first, then one table per workload
with medians, spreads, ratios to the limit and each cell's check against the limit."""

import statistics

from bench.workloads import LIMIT, OURS, PEERS, SYSTEMS, WORKLOADS


def figures(workload, result):
    """(median, min, max) of the cell's figure in the workload's unit; None when it has none."""
    if not result or result.get("status") != "ok":
        return None
    if workload.kind == "memory":
        values = result["rss"]
    elif workload.kind == "ratio":
        # Forward and value_and_grad take turns within each repeat: pair them up.
        times = result["times"]
        values = [vg / fwd for fwd, vg in zip(times["forward"], times["value_and_grad"])]
    else:
        (values,) = result["times"].values()
    return statistics.median(values), min(values), max(values)


def median(workload, result):
    found = figures(workload, result)
    return found[0] if found else None


def limit_ratio(workload, result, limit):
    """The cell's figure ÷ the limit's: where the cell timed the limit's call in turns with its
    own (bench/worker.py), the median of the repeats' ratios, which a machine whose speed
    drifts between cells does not move; else its median ÷ the limit cell's."""
    ours = median(workload, result)
    paired = (result or {}).get("limit_times")
    if ours is not None and paired:
        (times,) = result["times"].values()
        return statistics.median(own / theirs for own, theirs in zip(times, paired))
    return ours / limit if ours and limit else None


def best_peer(workload, cell):
    ranked = [(median(workload, cell.get(key)), key) for key in PEERS]
    ranked = [(value, key) for value, key in ranked if value is not None]
    return min(ranked) if ranked else (None, None)


def number(value):
    if value is None:
        return "–"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:#.3g}"


def ratio(numerator, denominator):
    return number(numerator / denominator) if numerator and denominator else "–"


def label(key, result):
    version = (result or {}).get("version", "")
    return f"{SYSTEMS[key].label} {version}".strip()


def check_text(key, result):
    if key == LIMIT:
        return "reference"
    found = result.get("check")
    if not found:
        return "–"
    worst = found["max_abs"]
    worst = "–" if worst is None else "0" if worst == 0 else f"{worst:.1e}"
    return f"{worst} ✓" if found["agree"] else f"{worst} ✗"


def summary(results):
    lines = [
        "## Targets",
        "",
        "| workload | unit | limit | best peer | chainrule | ÷ limit | ÷ best peer "
        "| chainrule (jit) | ÷ limit | ÷ best peer | target | met: eager / jit |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for key, cell in results.items():
        workload = WORKLOADS[key]
        limit = median(workload, cell.get(LIMIT))
        peer_value, peer = best_peer(workload, cell)
        peer_text = f"{SYSTEMS[peer].label} {number(peer_value)}" if peer else "–"
        columns = [f"{key} {workload.name}", workload.unit, number(limit), peer_text]
        verdicts = []
        for system in OURS:
            ours = median(workload, cell.get(system))
            to_limit = limit_ratio(workload, cell.get(system), limit)
            columns += [number(ours), number(to_limit), ratio(ours, peer_value)]
            verdicts.append(verdict(workload, ours, to_limit, limit, cell))
        columns += [workload.target.text(workload.unit), " / ".join(verdicts)]
        lines.append("| " + " | ".join(columns) + " |")
    lines += [
        "",
        "Ratios above 1: chainrule is slower (or, for W7, larger). “chainrule (jit)” is the same "
        "computation under `cr.jit`: traced once before timing, then replayed as NumPy calls. "
        "W1's target is micrograd's figure in this run; W4's are absolute, set on the machine "
        "the issue was measured on; the others are multiples of this run's limit. “÷ limit” of "
        "a cell that timed the limit's call in turns with its own (where both are one timed "
        "call without a reset: W2, W3, W5, and W1 and W6 but for eager chainrule, which "
        "clears its gradients before each call) is the median of those paired repeats' "
        "ratios; of the others, its median ÷ the limit cell's.",
    ]
    return "\n".join(lines)


def verdict(workload, ours, to_limit, limit, cell):
    target = workload.target
    if target.relative and target.peer is None:  # a multiple of the limit: the ratio decides
        if to_limit is None:
            return "not measured"
        return "yes" if to_limit <= target.most else f"no: {to_limit / target.most:.2f}× the bound"
    peer = median(workload, cell.get(target.peer)) if target.peer is not None else None
    bound = target.bound(limit, peer)
    if ours is None or bound is None:
        return "not measured"
    return "yes" if ours <= bound else f"no: {ours / bound:.2f}× the bound"


def section(key, cell):
    workload = WORKLOADS[key]
    heading = f"## {key} — {workload.title}"
    if workload.kind == "ratio":
        columns = ["forward (ms)", "value_and_grad (ms)", "vg ÷ fwd: median", "min", "max"]
    elif workload.kind == "memory":
        columns = ["peak RSS (MiB): median", "min", "max"]
    else:
        columns = [f"median ({workload.unit})", "min", "max"]
    columns += ["÷ limit", "chainrule ÷ system", "check: max abs Δ vs limit"]
    lines = [heading, "", "| system | " + " | ".join(columns) + " |"]
    lines.append("|---|" + "---:|" * len(columns))
    limit, ours = median(workload, cell.get(LIMIT)), median(workload, cell.get("chainrule"))
    notes = []
    for system, result in cell.items():
        lines.append(row(workload, system, result, limit, ours, len(columns)))
        if result.get("note"):
            notes.append(f"- {SYSTEMS[system].label}: {result['note']}")
    return "\n".join([*lines, *([""] + notes if notes else [])])


def row(workload, system, result, limit, ours, width):
    found = figures(workload, result)
    if found is None:
        detail = f": {result['detail']}" if result.get("detail") else ""
        return f"| {label(system, result)} | {result['status']}{detail} |" + " |" * (width - 1)
    value, low, high = found
    cells = [number(value), number(low), number(high)]
    if workload.kind == "ratio":
        times = result["times"]
        cells = [number(statistics.median(times[name])) for name in times] + cells
    cells += [number(limit_ratio(workload, result, limit)), ratio(ours, value),
              check_text(system, result)]
    return f"| {label(system, result)} | " + " | ".join(cells) + " |"


def render(results, header):
    """The whole page: ``header`` (Markdown lines about the run), targets, then each workload."""
    parts = ["# Benchmark results", "", *header, "", summary(results)]
    parts += ["", "---", ""]
    parts += ["\n\n".join(section(key, cell) for key, cell in results.items())]
    return "\n".join(parts) + "\n"


__all__ = ["render", "figures", "summary", "section"]
