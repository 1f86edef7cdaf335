"""Write tracemalloc snapshots from this machine's CPython, with CPython's own answers.

Usage: python3 make_tracemalloc.py OUTDIR

Writes into OUTDIR:
  before.tracemalloc, after.tracemalloc   a real workload traced with tracemalloc.start(12),
                                          dumped with Snapshot.dump() (highest protocol)
  after.p2.tracemalloc … after.p4.tracemalloc
                                          the same `after` snapshot pickled with protocols 2, 3, 4
  crafted.tracemalloc, crafted.p2.tracemalloc
                                          a Snapshot built by hand: several domains, sizes above
                                          2**31 and 2**32, non-ASCII and astral file names, .pyc
                                          names, repeated frames, an empty-size trace
  legacy38.tracemalloc                    the CPython <= 3.8 layout: (domain, size, frames) traces
  golden.json                             CPython's answers for all of the above (see below)

golden.json holds, per snapshot file: the trace count, traceback_limit, total size,
statistics(kind) for kind in filename / lineno / traceback, statistics(kind, cumulative=True)
for filename / lineno, compare_to(before-or-crafted-base, kind[, cumulative]) and the result of
filter_traces for a list of filters (given as JSON specs), plus fnmatch cases
[pattern, name, result] from fnmatch.fnmatch. Rows are {key, size, count} and
{key, size, size_diff, count, count_diff}; key is "file", "file:line" or [[file, line], ...]
oldest frame first, as `heapscope stats/diff --json` prints them.
"""
import fnmatch
import json
import os
import pickle
import random
import sys
import tracemalloc

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)


# ---------------------------------------------------------------- a real workload

def workload_before():
    import json as _json
    import decimal
    import fractions

    class Node:
        def __init__(self, i, parent=None):
            self.i = i
            self.parent = parent
            self.label = "node-%05d" % i

    def tree(depth, i=0):
        # recursion: the same (file, line) appears several times in one traceback
        if depth == 0:
            return [Node(i)]
        return [Node(i)] + tree(depth - 1, i + 1)

    def documents(n):
        return [_json.loads(_json.dumps({"id": i, "text": "x" * (i % 90), "items": list(range(i % 9))})) for i in range(n)]

    keep = {"trees": [tree(6, k) for k in range(300)], "docs": documents(800)}
    keep["numbers"] = [decimal.Decimal(i) / 7 for i in range(300)] + [fractions.Fraction(i, 7) for i in range(300)]
    return keep


def workload_after(keep):
    cache = keep.setdefault("cache", {})
    for i in range(3000):
        cache[i] = bytearray(100 + i % 400)
    del keep["docs"][: len(keep["docs"]) // 2]
    keep["more"] = [str(i) * 3 for i in range(2000)]


tracemalloc.start(12)
state = workload_before()
before = tracemalloc.take_snapshot()
workload_after(state)
after = tracemalloc.take_snapshot()
tracemalloc.stop()

before.dump(os.path.join(OUT, "before.tracemalloc"))
after.dump(os.path.join(OUT, "after.tracemalloc"))
for proto in (2, 3, 4):
    with open(os.path.join(OUT, "after.p%d.tracemalloc" % proto), "wb") as fp:
        pickle.dump(after, fp, proto)

# ---------------------------------------------------------------- crafted snapshots

A = ("/app/alpha.py", 10)
A2 = ("/app/alpha.py", 20)
B = ("/app/beta.pyc", 5)
E = ("/app/\u00e9t\u00e9.py", 7)          # é: BMP, above ASCII
S = ("/app/\U0001F600smile.py", 3)         # astral: sorts after U+FFFD by code point, before it in UTF-16
R = ("/app/\ufffdrepl.py", 4)              # U+FFFD
U = ("<unknown>", 0)
F = ("<frozen importlib._bootstrap>", 241)
base_traces = [
    (0, 100, (A, B), 2),
    (0, 100, (A2, B), 2),
    (0, 64, (A, A, A), 9),                  # repeated frame, truncated traceback
    (389047, 5_000_000_000, (E,), 1),       # numpy-like domain, size above 2**32 (LONG1)
    (389047, 3_000_000_000, (S, R), 2),     # size above 2**31
    (7, 0, (R,), 1),                        # empty block
    (0, 48, (U,), 1),
    (0, 32, (F, A), 2),
    (0, 32, (S,), 1),
    (0, 32, (R,), 1),
    (0, 32, (("/app/\ufffdrepl.py", 9),), 1),       # these two tie on (size, count): the order
    (0, 32, (("/app/\U0001F600smile.py", 9),), 1),  # is decided by code point, not UTF-16 unit
    (4294967295, 16, (B, E, S), 3),         # largest domain
]
crafted_base = tracemalloc.Snapshot(base_traces[:6], 3)
crafted = tracemalloc.Snapshot(base_traces, 3)
crafted.dump(os.path.join(OUT, "crafted.tracemalloc"))
crafted_base.dump(os.path.join(OUT, "crafted_base.tracemalloc"))
with open(os.path.join(OUT, "crafted.p2.tracemalloc"), "wb") as fp:
    pickle.dump(crafted, fp, 2)

legacy_traces = [(d, s, f) for (d, s, f, _n) in base_traces]
legacy = tracemalloc.Snapshot(legacy_traces, 3)
legacy.dump(os.path.join(OUT, "legacy38.tracemalloc"))
# CPython 3.11 cannot compute statistics on 3-tuples; its answers for the same traces
# with total_nframe = len(frames) are the reference.
legacy_as_new = tracemalloc.Snapshot([(d, s, f, len(f)) for (d, s, f) in legacy_traces], 3)

# ---------------------------------------------------------------- answers

def key_json(kind, tb):
    frames = [[f.filename, f.lineno] for f in tb]
    if kind == "traceback":
        return frames
    if kind == "filename":
        return frames[0][0]
    return "%s:%s" % (frames[0][0], frames[0][1])


def stats_rows(snap, kind, cumulative=False):
    return [{"key": key_json(kind, s.traceback), "size": s.size, "count": s.count}
            for s in snap.statistics(kind, cumulative)]


def diff_rows(new, old, kind, cumulative=False):
    return [{"key": key_json(kind, s.traceback), "size": s.size, "size_diff": s.size_diff,
             "count": s.count, "count_diff": s.count_diff}
            for s in new.compare_to(old, kind, cumulative)]


def str_rows(snap, kind, old=None):
    if old is None:
        return [str(s) for s in snap.statistics(kind)]
    return [str(s) for s in snap.compare_to(old, kind)]


FILTERS = [
    [{"kind": "file", "inclusive": False, "pattern": "<frozen importlib._bootstrap>"},
     {"kind": "file", "inclusive": False, "pattern": "<unknown>"}],
    [{"kind": "file", "inclusive": True, "pattern": "*json*"}],
    [{"kind": "file", "inclusive": True, "pattern": "*json*", "allFrames": True}],
    [{"kind": "file", "inclusive": True, "pattern": "*/app/*.py"}],
    [{"kind": "file", "inclusive": True, "pattern": "/app/beta.pyc"}],
    [{"kind": "file", "inclusive": True, "pattern": "/app/alpha.py", "lineno": 10}],
    [{"kind": "file", "inclusive": False, "pattern": "/app/alpha.py", "lineno": 10, "allFrames": True}],
    [{"kind": "file", "inclusive": True, "pattern": "*", "domain": 389047}],
    [{"kind": "file", "inclusive": False, "pattern": "*[ü-é]*", "domain": 0}],
    [{"kind": "domain", "inclusive": False, "domain": 0}],
    [{"kind": "domain", "inclusive": True, "domain": 7},
     {"kind": "file", "inclusive": True, "pattern": "<*>"}],
    [{"kind": "file", "inclusive": True, "pattern": "*[!a-z].py"},
     {"kind": "file", "inclusive": False, "pattern": "*smile*", "allFrames": True}],
]


def make_filter(spec):
    if spec["kind"] == "domain":
        return tracemalloc.DomainFilter(spec["inclusive"], spec["domain"])
    return tracemalloc.Filter(spec["inclusive"], spec["pattern"], spec.get("lineno"),
                              spec.get("allFrames", False), spec.get("domain"))


def answers(snap, old):
    out = {
        "traces": len(snap.traces),
        "traceback_limit": snap.traceback_limit,
        "total_size": sum(t.size for t in snap.traces),
        "statistics": {k: stats_rows(snap, k) for k in ("filename", "lineno", "traceback")},
        "statistics_cumulative": {k: stats_rows(snap, k, True) for k in ("filename", "lineno")},
        "compare": {k: diff_rows(snap, old, k) for k in ("filename", "lineno", "traceback")},
        "compare_cumulative": {k: diff_rows(snap, old, k, True) for k in ("filename", "lineno")},
        "str_statistics_lineno": str_rows(snap, "lineno")[:40],
        "str_compare_lineno": str_rows(snap, "lineno", old)[:40],
        "filters": [],
    }
    for specs in FILTERS:
        filtered = snap.filter_traces([make_filter(s) for s in specs])
        out["filters"].append({
            "filters": specs,
            "traces": len(filtered.traces),
            "statistics_lineno": stats_rows(filtered, "lineno"),
        })
    return out


random.seed(11)
alphabet = "ab-!]^[*?\\z.\u00e9"
cases = []
while len(cases) < 4000:
    pat = "".join(random.choice(alphabet) for _ in range(random.randint(0, 7)))
    name = "".join(random.choice(alphabet.replace("*", "").replace("?", "")) for _ in range(random.randint(0, 6)))
    try:
        cases.append([pat, name, fnmatch.fnmatch(name, pat)])
    except Exception:  # patterns CPython itself cannot compile are left out
        pass

golden = {
    "python": sys.version,
    "snapshots": {
        "after.tracemalloc": answers(after, before),
        "crafted.tracemalloc": answers(crafted, crafted_base),
        "legacy38.tracemalloc": answers(legacy_as_new, crafted_base),
    },
    "fnmatch": cases,
}
golden["snapshots"]["before.tracemalloc"] = {"traces": len(before.traces), "traceback_limit": before.traceback_limit,
                                              "total_size": sum(t.size for t in before.traces)}
with open(os.path.join(OUT, "golden.json"), "w", encoding="utf-8") as fp:
    json.dump(golden, fp, ensure_ascii=False)
print("wrote", OUT, len(after.traces), "traces in after")
