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
"""
import glob
import itertools
import os
import re

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


def write(target, name, body):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(body)


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


if __name__ == "__main__":
    # Start empty, so that a change that writes fewer files leaves none stale.
    for target in ("assessment_load", "policy_load"):
        for old in glob.glob(os.path.join(HERE, target, "*.yaml")):
            os.remove(old)
    assessments()
    policies()
