"""A CPython process for Heapscope's core tests, run under every pyenv CPython (2.7, 3.6-3.13).

It builds objects whose counts and sizes are known, then writes CENSUS.json and prints READY <pid>, and
waits on stdin until the capturing test has gcored it. The census is taken last, after gc.collect(), and
nothing is allocated after it but what the write needs (the capture kills the process right after).

  Session  N_SESSIONS instances with a __dict__ (user, items, meta), in a dict keyed by id
  Point    N_POINTS instances with __slots__ (x, y, z)
  Legacy   (2.7 only) old-style class instances, N_LEGACY of them
  lists    ints: a list of small ints, floats: a list of floats (what array.array would hold in fewer bytes)

census.json: {"version": "3.12.1", "types": {type name: count among gc.get_objects()}, "counts": {...},
"sizes": {"Session": sys.getsizeof of one instance, ...}}.
Phase 2 (a second argument "2") is the same process a little later: 1,000 more Sessions, 500 more Points
and 200 more lists (what objgraph's show_growth between the two cores reports).
Usage: python python_core.py CENSUS.json [PHASE]"""
import gc, json, os, sys

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

gc.collect()
gc.disable()
counts = {}
for o in gc.get_objects():
    n = type(o).__name__
    counts[n] = counts.get(n, 0) + 1
out = {
    "version": "%d.%d.%d" % sys.version_info[:3],
    "types": counts,
    "phase": PHASE,
    "counts": {"sessions": len(sessions), "points": len(points), "legacy": len(legacy), "ints": N_INTS, "floats": N_FLOATS},
    "sizes": {"Session": sys.getsizeof(sessions["s00000"]), "Point": sys.getsizeof(points[0]),
              "Session.__dict__": sys.getsizeof(sessions["s00000"].__dict__)},
}
f = open(sys.argv[1], "w")
f.write(json.dumps(out, sort_keys=True))
f.close()
sys.stdout.write("READY %d\n" % os.getpid())
sys.stdout.flush()
sys.stdin.read()
