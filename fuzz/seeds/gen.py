#!/usr/bin/env python3
"""Writes the fuzzers' hand-made seeds into fuzz/seeds/<target>/.

The fuzzers' late edges, round after round, were in YAML's writer: which
style and which hints it chooses for a text depends on the classes of its
characters (spaces, each of YAML's five line breaks, indicators, non-ASCII,
non-printable) at its start, its end and side by side, on which of them
it escapes, and on whether the text would read back as a null, a boolean
or a number. Random mutation finds
those combinations one at a time, over hours; these seeds hold every short
combination at once, in texts a policy and an assessment accept, so that a
round starts where those hours would end.

    python3 fuzz/seeds/gen.py    # deterministic: rerun after changing it

`fuzz/run.sh` copies the seeds into each target's corpus; the merge after a
round keeps, in tests/fixtures/fuzz/, those that still add coverage.

The YAML reader also has late edges of its own: serde compiles its null
check, its type errors and its handling of a mapping or sequence where a
scalar is wanted once for every type a field can have, so a fuzzer has to
put a null, a number, a list, ... in every field to reach them all. The
second mode writes those inputs: the shipped policies, the test fixtures'
policies and the sample assessments, with the value of each key (once per
key name and file) replaced by each of VALUES, a file each, and by an
alias to an earlier value:

    python3 fuzz/seeds/gen.py --variants DIR    # DIR/<target>/*.yaml

They are some 11,500 files (127 MB), too many to keep in the repository:
`fuzz/run.sh` writes them into fuzz/variants/ (not tracked) before each
round, and the merge keeps those that add coverage.
"""
import glob
import itertools
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# The character classes libyaml's emitter tells apart.
CLASSES = [" ", "\t", "\n", "\r", "\u0085", "\u2028", "\u2029", "\ufeff", "a",
           "#", ":", "-", "'", '"', "\u00e9", "\u0001", "\U0001F600", "?", ",",
           "["]
# Those that matter most at a text's ends, for combinations of three.
ENDS = [" ", "\n", "\u2028", "\u2029", "\u0085", "a", "\r", "#"]
# Every character the writer escapes in a double-quoted text (by name, as
# `\x`, `\u` or `\U`), and the ends of the ranges it prints as they are.
ESCAPED = ([chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA1)]
           + [chr(c) for c in (0xBF, 0x100, 0x7FF, 0x800, 0xD7FF, 0xE000,
                                0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000,
                                0x10FFFF, 0x2028, 0x2029)])
# Printable characters a one-line text (a title) may hold.
PRINTABLE = [" ", "a", "#", ":", "-", "'", '"', "\u00e9", "\U0001F600", "?",
             ",", "[", "{", "&", "*", "!", "|", ">", "%", "@", "`", "\\"]
# Texts that read back as something else unless quoted, and indicators.
LOOKALIKES = [
    "null", "Null", "NULL", "~", "true", "True", "FALSE", "yes", "No", "on",
    "Off", "y", "n", "0", "-0", "+1", "1_000", "0x1F", "0o17", "0b101", "0xG",
    ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "1e3", "-1.5e-3", "1.", "-.5",
    "007", "2026-11-24", "2026-11-24T12:00:00Z", "12:30", "1:2:3", "---",
    "...", "- a", "a: b", "a #b", "#a", "&a", "*a", "!a", "!!str a", "%YAML",
    "@a", "`a", "{a}", "[a]", "a,b", "? a", ":a", "a:", "-", "--- a", "... a",
    "18446744073709551616", "-9223372036854775809", "1e400", "0x", "0o", "+",
    ".", "._", "1__0", " a", "a ", "'", '"', "\\",
]
WORDS = "mentors meet youth weekly " * 8
LONG = [
    WORDS, WORDS.strip(), "a" * 200, "a" * 79 + " b", "a" * 80 + " b",
    "a" * 81 + " b", WORDS[:79] + "\n" + WORDS, WORDS + "\n\n" + WORDS,
    "a \nb", "a\n b", "a\n\n b", " a\nb", "a  \n  b", "a\n", "a\n\n", "\na",
    "a\tb\n", WORDS.replace(" ", "\n"), WORDS.replace(" ", "  "),
]


def texts():
    out = ["".join(p) for n in (1, 2) for p in itertools.product(CLASSES, repeat=n)]
    out += ["".join(p) for p in itertools.product(ENDS, repeat=3)]
    out += ["a" + "".join(p) + "a" for p in itertools.product(ENDS, repeat=2)]
    out += ["ab\n" + "".join(p) for p in itertools.product(ENDS, repeat=2)]
    # Multi-line texts (written as block scalars) by how they start and end.
    out += [s + "a\nb" + "".join(p) for s in ENDS for p in itertools.product(ENDS, repeat=2)]
    out += list(ESCAPED) + ["a" + c + "a" for c in ESCAPED]
    return out + LOOKALIKES + LONG


def one_line_texts():
    out = ["".join(p) for n in (1, 2) for p in itertools.product(PRINTABLE, repeat=n)]
    out += [x + " " + y for x, y in itertools.product(PRINTABLE, repeat=2)]
    out += LOOKALIKES + [WORDS, "a" * 200, "a" * 80 + " b"]
    return [t for t in out if t.strip()]  # a blank title is refused


def quoted(text):
    """The text as a YAML double-quoted scalar, escaping all but printable ASCII."""
    out = ""
    for ch in text:
        o = ord(ch)
        if ch in '"\\':
            out += "\\" + ch
        elif 0x20 <= o < 0x7F:
            out += ch
        elif o <= 0xFF:
            out += "\\x%02x" % o
        elif o <= 0xFFFF:
            out += "\\u%04x" % o
        else:
            out += "\\U%08x" % o
    return '"' + out + '"'


def put(d, name, body):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(body)


def write(target, name, body):
    put(os.path.join(HERE, target), name, body)


def assessments():
    head = ("assessment:\n  program: Seed\n  policy: mmp-qbm\n  version: ^2\n"
            "  as_of: 2026-11-01\nfacts:\n")
    all_texts, per = texts(), 150
    for k in range(0, len(all_texts), per):
        facts = "".join(f"  t_{i}: {quoted(t)}\n" for i, t in enumerate(all_texts[k:k + per]))
        write("assessment_load", f"texts-{k // per:02}.yaml", head + facts)


def policies():
    """The shipped policy with its one-line texts (titles) or its free texts
    (questions, descriptions) replaced, a file for each fill."""
    with open(os.path.join(ROOT, "standards", "mmp-qbm-2.0.0.yaml"), encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)

    def fill(keys, items, stem):
        pat = re.compile(r"^(\s*(?:-\s+)?(?:%s): )(.*)$" % "|".join(keys))
        slots = [i for i, line in enumerate(lines)
                 if (m := pat.match(line.rstrip("\n"))) and not m.group(2).startswith((">", "|"))]
        for n, k in enumerate(range(0, len(items), len(slots))):
            out = list(lines)
            for i, text in zip(slots, items[k:k + len(slots)]):
                out[i] = pat.match(out[i].rstrip("\n")).group(1) + quoted(text) + "\n"
            write("policy_load", f"{stem}-{n:02}.yaml", "".join(out))

    fill(["title"], one_line_texts(), "titles")
    fill(["question", "description"], texts(), "texts")


# What each key's value is replaced by: words that read back as a null or
# nearly do, alone and tagged as a null (serde_yaml checks tagged values
# apart from untagged ones), a value of each other type, nothing, values
# with YAML's other tags that fit the tag or do not, an anchor and an alias
# to no anchor.
NULLS = ["null", "Null", "NULL", "~", "nulx", "Nulx", "NULx", "nul", "~x", "xull"]
VALUES = NULLS + ["!!null " + word for word in NULLS] + [
    "!!null x", "true", "1", "-1", "1.5", ".nan", "18446744073709551616", "a",
    "''", '""', "!x a", "[]", "[a]", "{}", "{a: b}", "", "!!bool true",
    "!!bool x", "!!int 1", "!!int x", "!!float 1.5", "!!float x", "!!str 1",
    "&a 1", "*a"]
# A block key and its value: "  key: value", "  - key: value", "key:".
BLOCK_KEY = re.compile(r"^(\s*(?:-\s+)*)([A-Za-z_]\w*):(?:\s+(.*?))?\s*$")
# A key in a flow mapping with a plain one-line value: "{key: value, ...}".
FLOW_KEY = re.compile(r"(?<=[{,])\s*([A-Za-z_]\w*):\s+([^\s,{}\[\]#][^,{}\[\]#]*?)(?=\s*[,}])")


def belongs(line, col):
    """Whether a line belongs to the block value of a key at column `col`:
    a blank line or a comment, a line indented further, or a sequence item
    beside the key."""
    indent = len(line) - len(line.lstrip())
    return (not line.strip() or line.lstrip().startswith("#") or indent > col
            or indent == col and line.lstrip().startswith("- "))


def value_spans(text):
    """Where each key's value is, as (start, end, prefix) offsets into the
    text, for the first key of each name: a block value runs to the end of
    the lines indented under its key (and the sequence items beside it),
    and is replaced after a space."""
    lines = text.splitlines(keepends=True)
    starts = list(itertools.accumulate((len(line) for line in lines), initial=0))
    seen, spans = set(), []
    for i, line in enumerate(lines):
        body = line.rstrip("\n")
        if not body.strip() or body.lstrip().startswith("#"):
            continue
        m = BLOCK_KEY.match(body)
        value = (m.group(3) or "") if m else None
        if value is not None and (value == "" or value.startswith("#")):
            col, j = len(m.group(1)), i + 1
            while j < len(lines) and belongs(lines[j].rstrip("\n"), col):
                j += 1
            if ("block", m.group(2)) not in seen:
                seen.add(("block", m.group(2)))
                spans.append((starts[i] + m.end(2) + 1, starts[j] - 1, " "))
            continue
        if value and not value.startswith(("{", "[", ">", "|")) and m.group(2) not in seen:
            seen.add(m.group(2))
            value = value.split(" #")[0].rstrip()
            spans.append((starts[i] + m.start(3), starts[i] + m.start(3) + len(value), ""))
        for f in FLOW_KEY.finditer(body):
            if f.group(1) not in seen:
                seen.add(f.group(1))
                spans.append((starts[i] + f.start(2), starts[i] + f.end(2), ""))
    return spans


def variants(out):
    """Writes out/policy_load/ and out/assessment_load/ afresh: each source
    with one key's value replaced, for every key in value_spans and every
    one of VALUES."""
    policies = [p for p in sorted(glob.glob(os.path.join(ROOT, "standards", "*.yaml")))
                if not p.endswith(".tests.yaml")]
    policies += sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "valid", "*.yaml")))
    samples = sorted(glob.glob(os.path.join(ROOT, "examples", "assessments", "*.yaml")))
    for target, sources in (("policy_load", policies), ("assessment_load", samples)):
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for old in glob.glob(os.path.join(d, "*.yaml")):
            os.remove(old)
        for source in sources:
            with open(source, encoding="utf-8") as f:
                text = f.read()
            stem = os.path.basename(source).removesuffix(".yaml")
            spans = value_spans(text)
            # Where the file's first one-line value is (past the end if
            # it has none), the anchor for the aliases.
            x, y = next(((a, b) for a, b, prefix in spans if not prefix), (0, len(text) + 1))
            for k, (a, b, prefix) in enumerate(spans):
                for w, value in enumerate(VALUES):
                    put(d, f"{stem}-{k:03}-{w:02}.yaml", text[:a] + prefix + value + text[b:])
                # And the value replaced by an alias (`*a`) to that first
                # value, anchored (`&a`), where it comes after it:
                # serde_yaml follows an alias in a branch of its own,
                # compiled once for every type a field can have. (An
                # anchored null adds nothing.)
                if y <= a:
                    put(d, f"{stem}-{k:03}-alias.yaml",
                        text[:x] + "&a " + text[x:a] + prefix + "*a" + text[b:])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--variants"] and len(sys.argv) == 3:
        variants(sys.argv[2])
        sys.exit(0)
    if sys.argv[1:]:
        sys.exit("usage: gen.py [--variants DIR]")
    # Start empty, so that a change that writes fewer files leaves none stale.
    for target in ("assessment_load", "policy_load"):
        for old in glob.glob(os.path.join(HERE, target, "*.yaml")):
            os.remove(old)
    assessments()
    policies()
