"""What ../shared/fixtures/python-core/workload.py's census write leaves behind, on this CPython.

That workload counts gc.get_objects() by type, then writes the counts with
json.dump(counts, f, indent=0, sort_keys=True); with an indent json runs its pure-Python encoder, whose
closure (functions, cells, tuples, a JSONEncoder) stays in a reference cycle that nothing collects before the
core is taken. This script writes the same kind of dict the same way, with the collector disabled, and prints
as JSON the tracked objects per type that the write added, and gc.get_freeze_count() (objects in the permanent
generation, which gc.get_objects() does not walk).
Usage: python census_leftovers.py"""
import gc, json, os, sys

def census():
    c = {}
    for o in gc.get_objects():
        n = type(o).__name__
        c[n] = c.get(n, 0) + 1
    return c

out = open(os.devnull, "w")
gc.collect()
gc.disable()
census()
before = census()
json.dump(dict(before), out, indent=0, sort_keys=True)
after = census()
added = dict((k, after[k] - before.get(k, 0)) for k in after if after[k] != before.get(k, 0))
frozen = gc.get_freeze_count() if hasattr(gc, "get_freeze_count") else 0
sys.stdout.write(json.dumps({"added": added, "frozen": frozen}))
