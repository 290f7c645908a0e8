#!/usr/bin/env python3
"""Writes seeds whose cost is in their shape, at and past the limits.

Random mutation of small inputs does not find what makes loading or
evaluation expensive: long keys nested deep, chains of sets and levels,
nested requirements, many requirements over large selections, many
unknown ids. These seeds hold each such shape at the default `Limits`
(and one step past), so that the fuzzers, with `-max_len` at the input
limit (4 MiB), start from them:

    python3 fuzz/shapes.py DIR    # DIR/<target>/*.yaml, deterministic

`fuzz/run.sh` writes them into fuzz/shapes/ (not tracked: several
megabytes) and copies them into each target's corpus.
"""
import os
import sys

# The defaults of `Limits` (src/limits.rs) the shapes are built around.
MAX_INPUT_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_STRING_BYTES = 16 * 1024
MAX_ITEMS = 10_000
MAX_LEVELS = 100
MAX_ANSWERS = 10_000
MAX_SETS = 1_000
MAX_SET_DEPTH = 32
MAX_REQUIREMENT_DEPTH = 32

# Control characters and marks that must never show raw in a message, as
# YAML escapes in a double-quoted text.
HIDDEN = "\\x01\\x1b[31m\\t\\u0085\\u2028\\u202e\\u200b\\ufeff"


def deep_keys(head, depth, key, numbers, explicit=False):
    """`depth` mappings under `head`, keyed by `key`-byte names (written
    `? key` when `explicit`), a flow list of `numbers` at the bottom."""
    out = [head]
    for d in range(depth):
        pad = "  " * (d + 1)
        name = str(d).rjust(key, "0")
        out.append(f"{pad}? {name}\n{pad}:\n" if explicit else f"{pad}{name}:\n")
    rows = [",".join(["1"] * min(1000, numbers - r)) for r in range(0, numbers, 1000)]
    out.append("  " * (depth + 1) + "[" + ",".join(f"[{r}]" for r in rows) + "]\n")
    return "".join(out)


def item_id(i, length=10):
    return f"item-{i:05}".ljust(length, "x")


def policy(items=1, id_len=10, sets="", levels=None, facts="", title="T"):
    """A policy of `items` items of one kind; `levels` is the text of its
    levels (one level requiring the first item if not given)."""
    out = ["policy: {name: p, version: 1.0.0, title: P}\n",
           "kinds: [{id: benchmark, title: Benchmark}]\n", facts,
           "standards:\n  - id: s\n    title: S\n    items:\n"]
    for i in range(items):
        out.append(f"      - {{id: {item_id(i, id_len)}, kind: benchmark, "
                   f"title: {title}, question: Q}}\n")
    out.append(sets)
    out.append(levels if levels is not None else level("member", 1, "      - met: item-00000\n"))
    return "".join(out)


def level(lid, rank, requires, head=True):
    text = "levels:\n" if head else ""
    return text + f"  - id: {lid}\n    rank: {rank}\n    title: L\n    requires:\n{requires}"


def set_chains(n, chain):
    """`n` sets in chains of `chain`: each selects the next, the last of
    each chain the items of a kind."""
    out = ["sets:\n"]
    for i in range(n):
        last = (i + 1) % chain == 0 or i + 1 == n
        select = "{kind: benchmark}" if last else f"{{set: s{i + 1}}}"
        out.append(f"  - {{id: s{i}, title: S, select: {select}}}\n")
    return "".join(out)


def level_chain(n):
    """`n` levels, each requiring the one below it."""
    out = [level("l0", 1, "      - met: item-00000\n")]
    for i in range(1, n):
        out.append(level(f"l{i}", i + 1, f"      - level: l{i - 1}\n", head=False))
    return "".join(out)


def nested(op, depth):
    r = "{met: item-00000}"
    for _ in range(depth):
        r = f"{{not: {r}}}" if op == "not" else f"{{all: [{r}]}}"
    return f"      - {r}\n"


def policies():
    yield "deep-keys-1k", deep_keys("x:\n", 60, 1024, 40_000) + policy()
    yield "deep-keys-16k", deep_keys("x:\n", 60, MAX_STRING_BYTES, 1_000, explicit=True)
    for depth in (MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH):
        yield f"deep-{depth}", deep_keys("x:\n", depth, 8, 10_000)
    for n, chain in ((MAX_SET_DEPTH, MAX_SET_DEPTH), (MAX_SET_DEPTH + 1, MAX_SET_DEPTH + 1),
                     (MAX_SETS, MAX_SET_DEPTH), (MAX_SETS + 1, MAX_SET_DEPTH),
                     (3_000, 3_000)):
        reqs = "      - all_met: {set: s0}\n      - met_at_least: {count: 1, of: {set: s0}}\n"
        yield f"sets-{n}-by-{chain}", policy(100, sets=set_chains(n, chain),
                                             levels=level("member", 1, reqs))
    for n in (MAX_LEVELS, MAX_LEVELS + 1):
        yield f"levels-{n}", policy(levels=level_chain(n))
    # `all: [...]` nests two YAML levels a step: `max_depth` stops it first.
    for op, depths in (("not", (MAX_REQUIREMENT_DEPTH - 1, MAX_REQUIREMENT_DEPTH, MAX_DEPTH)),
                       ("all", (MAX_DEPTH // 2 - 4, MAX_DEPTH // 2 - 3, MAX_DEPTH // 2))):
        for depth in depths:
            yield f"{op}-{depth}", policy(levels=level("member", 1, nested(op, depth)))
    # Many requirements over large selections, some long titles among them.
    reqs = "      - all_met: {kind: benchmark}\n" * 1_000
    yield "all-met-2000x1000", policy(2_000, levels=level("member", 1, reqs))
    yield "all-met-10000x1000", policy(MAX_ITEMS, levels=level("member", 1, reqs))
    yield "all-met-long-titles", policy(900, levels=level("member", 1, reqs[:35 * 200]),
                                        title="t" * 4_000)
    # Unknown references for did-you-mean, against long item ids.
    refs = "".join(f"      - met: {item_id(i, 60).replace('item-', 'itme-')}\n"
                   for i in range(800))
    yield "unknown-refs-800x8000", policy(8_000, 60, levels=level("member", 1, refs))
    yield "unknown-refs-5000x100", policy(100, 60, levels=level(
        "member", 1, "".join(f"      - met: unknown-{i}\n" for i in range(5_000))))
    # Hidden characters in every kind of text a policy holds.
    yield "hidden", policy(3, title=f'"{HIDDEN}"', facts=(
        f'facts:\n  - id: f\n    title: "{HIDDEN}"\n    question: "{HIDDEN}"\n'
        "    type: boolean\n"),
        levels=level("member", 1, f'      - label: "{HIDDEN}"\n        met: item-00000\n'))


def answers(n, make):
    return "assessment: {program: P}\nanswers:\n" + "".join(f"  {make(i)}: met\n" for i in range(n))


def assessments():
    yield "deep-keys-1k", deep_keys("assessment: {program: P}\nanswers:\n", 60, 1024, 40_000)
    yield "deep-keys-16k", deep_keys("assessment: {program: P}\nanswers:\n", 60,
                                     MAX_STRING_BYTES, 1_000, explicit=True)
    for depth in (MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH):
        yield f"deep-{depth}", deep_keys("assessment: {program: P}\nanswers:\n", depth, 8, 10_000)
    # Unknown ids: long ones, and near misses of the embedded policy's.
    yield "unknown-answers-long", answers(MAX_ANSWERS, lambda i: item_id(i, 60).replace("item", "unknown"))
    yield "unknown-answers-near", answers(MAX_ANSWERS, lambda i: f"B.{i % 9}.{i // 9 % 9}.{i}")
    yield "unknown-answers-past", answers(MAX_ANSWERS + 1, lambda i: f"x{i}")
    yield "unknown-facts", "assessment: {program: P}\nfacts:\n" + "".join(
        f"  formal_progam_{i}: true\n" for i in range(MAX_ANSWERS))
    yield "hidden", (f'assessment: {{program: "{HIDDEN}", policy: mmp-qbm}}\n'
                     f'facts:\n  self_assessment: "{HIDDEN}"\n'
                     f'answers:\n  "B.1.1{HIDDEN}": met\n  B.1.2: "{HIDDEN}"\n')


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fuzz/shapes.py DIR")
    targets = {"policy_load": policies, "assessment_load": assessments, "evaluate": assessments}
    for target, make in targets.items():
        folder = os.path.join(sys.argv[1], target)
        os.makedirs(folder, exist_ok=True)
        for name, text in make():
            data = text.encode()
            assert len(data) <= MAX_INPUT_BYTES, f"{name}: {len(data)} bytes"
            with open(os.path.join(folder, f"shape-{name}.yaml"), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
