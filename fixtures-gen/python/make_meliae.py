#!/usr/bin/env python3
"""Write a meliae-format dump of this CPython process, and the answers tests expect.

    python3 fixtures-gen/python/make_meliae.py OUT.json [EXPECT.json]

Walks the heap as meliae.scanner.dump_all_objects() does: every object of
gc.get_objects(), plus (transitively) the objects they refer to that the
collector does not track (str, int, untracked tuples/dicts, static types...),
each written once as one JSON line in meliae's field order and escaping:

    {"address": id, "type": tp_name, "size": sys.getsizeof(o), ["name": ...,]
     ["len": N,] ["value": ...,] "refs": [id(r) for r in gc.get_referents(o)]}

Before dumping it builds a known structure: HOLDER, a dict holding 1000 lists
of 5 unique strings each (keys unique too), and 50 Widget instances whose
__dict__ is materialized (so meliae's loader collapses them).

EXPECT.json gets figures computed here, independently of the TypeScript
reader, from the records written: the object count, meliae's summarize()
table computed meliae's way (instance dicts collapsed, sorted by
(size, count) descending, percentages truncated) and HOLDER's address and
retained size (what only HOLDER keeps alive: itself, its lists and their
strings; the str keys are not referents, as CPython's dict_traverse skips them).
"""
import gc
import json
import sys


class Widget:
    def __init__(self, i):
        self.name = "widget-%d" % i
        self.parts = ["part-%d-%d" % (i, k) for k in range(3)]


HOLDER = {}
for _i in range(1000):
    HOLDER["key%04d" % _i] = ["item-%d-%d-%s" % (_i, _j, "x" * _j) for _j in range(5)]
WIDGETS = [Widget(_i) for _i in range(50)]
for _w in WIDGETS:
    _w.__dict__  # materialize the instance dict: gc.get_referents(w) is then (dict, type)
del _i, _w


def tp_name(t):
    """The type's tp_name, as meliae writes it (module-qualified for static non-builtin types)."""
    if t.__flags__ & (1 << 9):  # Py_TPFLAGS_HEAPTYPE: tp_name is the bare name
        return t.__name__
    mod = getattr(t, "__module__", "builtins")
    return t.__qualname__ if mod == "builtins" else "%s.%s" % (mod, t.__qualname__)


def json_str(s, limit=100):
    """meliae's escaping: at most 100 characters, \\uXXXX outside 0x20-0x7e, \\ / and \" escaped."""
    out = ['"']
    for ch in s[:limit]:
        c = ord(ch)
        if c <= 0x1F or c > 0x7E:
            if c > 0xFFFF:
                c -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF)))
            else:
                out.append("\\u%04x" % c)
        elif ch in '\\/"':
            out.append("\\" + ch)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def record(o, refs):
    t = type(o)
    parts = ['{"address": %d, "type": %s, "size": %d' % (id(o), json_str(tp_name(t), 1 << 30), sys.getsizeof(o))]
    if isinstance(o, type(sys)):
        parts.append(', "name": %s' % json_str(str(getattr(o, "__name__", "")), 1 << 30))
    elif isinstance(o, type(record)):
        parts.append(', "name": %s' % json_str(o.__name__, 1 << 30))
    elif isinstance(o, type):
        parts.append(', "name": %s' % json_str(tp_name(o), 1 << 30))
    if isinstance(o, str):
        parts.append(', "len": %d, "value": %s' % (len(o), json_str(o)))
    elif t is bool:
        parts.append(', "value": "%s"' % o)
    elif t is int and -(1 << 63) <= o < (1 << 63):
        parts.append(', "value": %d' % o)
    elif isinstance(o, (tuple, list, set, frozenset, dict)):
        parts.append(', "len": %d' % len(o))
    parts.append(', "refs": [%s]}\n' % ", ".join(str(id(r)) for r in refs))
    return "".join(parts), t


def dump(path):
    """Writes every object once; returns the records as (address, type, size, refs)."""
    gc.collect()
    objs = gc.get_objects()
    skip = {id(objs)}
    seen = set()
    seen_add = seen.add
    out = []
    skip.add(id(out))
    skip.add(id(seen))
    skip.add(id(skip))
    lines = []
    skip.add(id(lines))
    pending = []
    skip.add(id(pending))
    for o in objs:
        pending.append(o)
        while pending:
            x = pending.pop()
            if id(x) in seen or id(x) in skip:
                continue
            seen_add(id(x))
            refs = gc.get_referents(x)
            refs = [r for r in refs if id(r) not in skip]
            line, t = record(x, refs)
            lines.append(line)
            out.append((id(x), tp_name(t), sys.getsizeof(x), [id(r) for r in refs]))
            for r in refs:
                if id(r) not in seen and not gc.is_tracked(r):
                    pending.append(r)
    with open(path, "w") as f:
        f.writelines(lines)
    return out


def meliae_summary(records):
    """summarize() after load(): instance dicts collapsed, rows by (size, count) descending."""
    by_addr = {a: (t, s, refs) for a, t, s, refs in records}
    parents = {}
    for a, _t, _s, refs in records:
        for r in refs:
            if r in by_addr:
                parents[r] = parents.get(r, 0) + 1
    no_collapse = {"str", "dict", "tuple", "list", "type", "function", "wrapper_descriptor", "code", "classobj", "int", "weakref"}
    size = {a: s for a, _t, s, _r in records}
    removed = set()
    for a, t, s, refs in records:
        if t in no_collapse or any(r not in by_addr for r in refs):
            continue
        if t == "module" and len(refs) == 1:
            d = refs[0]
            if by_addr[d][0] != "dict":
                continue
        else:
            if len(refs) != 2:
                continue
            if by_addr[refs[0]][0] == "dict" and by_addr[refs[1]][0] == "type":
                d = refs[0]
            else:
                continue
        if parents.get(d, 0) != 1:
            continue
        size[a] += by_addr[d][1]
        removed.add(d)
    types = {}
    total_count = total_size = 0
    for a, t, _s, _r in records:
        if a in removed:
            continue
        s = size[a]
        e = types.setdefault(t, [t, 0, 0, 0])
        e[1] += 1
        e[2] += s
        e[3] = max(e[3], s)
        total_count += 1
        total_size += s
    rows = sorted(types.values(), key=lambda e: (e[2], e[1]), reverse=True)
    out = []
    cum = 0
    for kind, count, tsize, mx in rows:
        cum += tsize
        out.append({
            "kind": kind, "count": count, "size": tsize, "max": mx,
            "countPct": int(count * 100.0 / total_count),
            "sizePct": int(tsize * 100.0 / total_size),
            "cumPct": int(cum * 100.0 / total_size),
        })
    return {"totalCount": total_count, "totalSize": total_size, "collapsed": len(removed), "rows": out}


def holder_expectation():
    # CPython's dict_traverse skips str keys (they hold no references), so
    # gc.get_referents(HOLDER) -- and meliae -- see only the 1000 lists.
    objs = [HOLDER] + list(HOLDER.values())
    for v in HOLDER.values():
        objs.extend(v)
    return {
        "address": id(HOLDER),
        "retained": sum(sys.getsizeof(o) for o in objs),
        "objects": len(objs),
        "lists": len(HOLDER),
        "strings": sum(len(v) for v in HOLDER.values()),
    }


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    records = dump(argv[1])
    if len(argv) > 2:
        expect = {
            "python": sys.version.split()[0],
            "objects": len(records),
            "edges": sum(len(r[3]) for r in records),
            "holder": holder_expectation(),
            "widgets": [id(w) for w in WIDGETS],
            "summary": meliae_summary(records),
        }
        with open(argv[2], "w") as f:
            json.dump(expect, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
