"""A CPython process for Heapscope's core tests, run under every pyenv CPython (2.7, 3.6-3.13).

It builds objects whose counts and sizes are known, then writes CENSUS.json and prints READY <pid>, and
waits (signal.pause) until the capturing test has gcored and killed it. The census is taken last, after
gc.collect(), and what the lines after it use exists before it: the core holds exactly the tracked objects it
counts, with the tuples of 3.12.1's permanent generation ("frozen") besides.

  Session  N_SESSIONS instances with a __dict__ (user, items, meta), in a dict keyed by id
  Point    N_POINTS instances with __slots__ (x, y, z)
  Legacy   (2.7 only) old-style class instances, N_LEGACY of them
  lists    ints: a list of small ints, floats: a list of floats (what array.array would hold in fewer bytes)

census.json: {"version": "3.12.1", "types": {type name: count among gc.get_objects()},
"frozen": gc.get_freeze_count(), "counts": {...},
"sizes": {"Session": sys.getsizeof of one instance, ...}}.
Phase 2 (a second argument "2") is the same process a little later: 1,000 more Sessions, 500 more Points
and 200 more lists (what objgraph's show_growth between the two cores reports).
Usage: python python_core.py CENSUS.json [PHASE]"""
import gc, json, os, signal, sys

N_SESSIONS = 3000
N_POINTS = 5000
N_LEGACY = 700
N_INTS = 4000
N_FLOATS = 3000

class Session(object):
    def __init__(self, i):
        self.user = "user%05d" % i
        self.items = [i, i * 2]
        self.meta = {"n": i}

class Point(object):
    __slots__ = ("x", "y", "z")
    def __init__(self, i):
        self.x = i
        self.y = i * 0.5
        self.z = None

sessions = dict(("s%05d" % i, Session(i)) for i in range(N_SESSIONS))
points = [Point(i) for i in range(N_POINTS)]
ints = list(range(N_INTS))
floats = [i * 0.25 for i in range(N_FLOATS)]
legacy = []
if sys.version_info[0] == 2:
    exec("class Legacy:\n    def __init__(self, i):\n        self.i = i\n")
    legacy = [Legacy(i) for i in range(N_LEGACY)]  # noqa: F821

PHASE = int(sys.argv[2]) if len(sys.argv) > 2 else 1
if PHASE == 2:
    for i in range(N_SESSIONS, N_SESSIONS + 1000):
        sessions["s%05d" % i] = Session(i)
    points.extend(Point(i) for i in range(500))
    extra_lists = [[i] for i in range(200)]

# The census is the process's last work, so that the core holds what it counted and nothing more. What the
# lines after it use exists before it: the census file, open (its file objects are counted), the output dict,
# the sizes (3.11+ makes a Session's __dict__ when it is asked for), the bound methods that print READY and
# wait. The file is written with the default encoder: json.dumps without options runs the C encoder, which
# leaves nothing behind (2.7's sort_keys=True ran the pure-Python one, whose closure's 23 cells and 8 tuples
# stayed in a cycle with the collector disabled).
f = open(sys.argv[1], "w")
out = {
    "version": "%d.%d.%d" % sys.version_info[:3],
    "phase": PHASE,
    # Objects gc.freeze() moved to the permanent generation, which gc.get_objects() does not walk
    # (3.12.1 freezes 375 tuples at startup).
    "frozen": gc.get_freeze_count() if hasattr(gc, "get_freeze_count") else 0,
    "counts": {"sessions": len(sessions), "points": len(points), "legacy": len(legacy), "ints": N_INTS, "floats": N_FLOATS},
    "sizes": {"Session": sys.getsizeof(sessions["s00000"]), "Point": sys.getsizeof(points[0]),
              "Session.__dict__": sys.getsizeof(sessions["s00000"].__dict__)},
    "types": None,
}
write, flush, dumps = sys.stdout.write, sys.stdout.flush, json.dumps
# Waiting: signal.pause takes no arguments, so the call makes no object that would be alive in the core
# (sys.stdin.read calls its buffer's read through a bound method made during the call; 2.7 copies a call's
# arguments into a new tuple). The capture kills the process; the alarm ends it if nobody does.
wait = signal.pause
signal.alarm(600)
ready = "READY %d\n" % os.getpid()
gc.collect()
gc.disable()
# Twice: on 2.7 the first `type(o).__name__` of a static type not used yet readies it (PyType_Ready makes its
# dict, descriptors and bases), objects the first pass cannot count; the second counts them.
# (A while loop: a for loop's iterator would be counted, and gone by the capture.)
passes = 0
while passes < 2:
    counts = {}
    for o in gc.get_objects():
        n = type(o).__name__
        counts[n] = counts.get(n, 0) + 1
    o = None
    passes += 1
out["types"] = counts
f.write(dumps(out))
f.close()
write(ready)
flush()
wait()
