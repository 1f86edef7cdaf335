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
of 5 unique strings each (keys unique too), 50 Widget instances whose
__dict__ is materialized (so meliae's loader collapses them), the dicts of ten
of them also held by the list ALIASES, and 20 Shared instances that all share
one __dict__ (SHARED_DICT).

EXPECT.json gets figures computed here, independently of the TypeScript
reader, from the records written: the object count, meliae's summarize()
table computed the way meliae 0.5.1's loader does it (instance dicts
collapsed whatever their other referrers: a shared dict is absorbed by every
instance that refers to exactly (dict, type); sorted by (size, count)
descending, percentages truncated), the collapsed size, total size
(compute_total_size) and referrer count of a Shared and a Widget instance, and
HOLDER's address and
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
ALIASES = [WIDGETS[_i].__dict__ for _i in range(10)]  # these dicts have two referrers


class Shared:
    pass


SHARED_DICT = {"owner": "everyone", "values": list(range(10))}
SHARED = [Shared() for _i in range(20)]
for _s in SHARED:
    _s.__dict__ = SHARED_DICT  # one dict, twenty instances referring to it
del _i, _w, _s


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


def meliae_load(records):
    """meliae 0.5.1's load(): collapse_instance_dicts(), then parents. Returns
    (objects by address as [type, size, children], removed dict addresses, collapse count)."""
    by_addr = {a: [t, s, list(refs)] for a, t, s, refs in records}
    no_collapse = {"str", "dict", "tuple", "list", "type", "function", "wrapper_descriptor", "code", "classobj", "int", "weakref"}
    removed = set()
    collapsed = 0
    for a, t, s, refs in records:
        if t in no_collapse or any(r not in by_addr for r in refs):
            continue
        if t == "module" and len(refs) == 1:
            d = refs[0]
            if by_addr[d][0] != "dict":
                continue
            extra = []
        else:
            if len(refs) != 2:
                continue
            if by_addr[refs[0]][0] == "dict" and by_addr[refs[1]][0] == "type":
                d, extra = refs[0], [refs[1]]
            elif t == "instance" and by_addr[refs[0]][0] == "classobj" and by_addr[refs[1]][0] == "dict":
                d, extra = refs[1], [refs[0]]
            else:
                continue
        # No test of the dict's referrers: meliae 0.5.1 absorbs a shared dict into each instance.
        collapsed += 1
        by_addr[a][2] = list(by_addr[d][2]) + extra
        by_addr[a][1] += by_addr[d][1]
        removed.add(d)
    for d in removed:
        del by_addr[d]
    return by_addr, removed, collapsed


def table_order(addresses):
    """The order meliae's MemObjectCollection iterates: slots of its open-addressing table
    (hash(int) is the int; probe i = i + 1 + n; 1024 slots, grown past 2/3 full to the
    smallest power of two above twice the live count, entries moved in slot order)."""
    size, table, filled = 1024, [None] * 1024, 0

    def insert(tab, a):
        i, mask = a, len(tab) - 1
        for n in range(len(tab)):
            if tab[i & mask] is None:
                tab[i & mask] = a
                return
            i = i + 1 + n
        raise RuntimeError("full")

    for a in addresses:
        insert(table, a)
        filled += 1
        if filled * 3 > size * 2:
            new_size = 1024
            while new_size <= filled * 2:
                new_size <<= 1
            new = [None] * new_size
            for x in table:
                if x is not None:
                    insert(new, x)
            table, size = new, new_size
    return [a for a in table if a is not None]


def meliae_summary(records):
    """summarize() after load(): rows by (size, count) descending; ties in meliae's iteration order."""
    objs, removed, collapsed = meliae_load(records)
    types = {}
    total_count = total_size = 0
    by_addr = {a: (a, t, s, r) for a, t, s, r in records}
    for a, _t, _s, _r in (by_addr[x] for x in table_order([r[0] for r in records])):
        if a in removed:
            continue
        t, s, _c = objs[a]
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
    return {"totalCount": total_count, "totalSize": total_size, "collapsed": collapsed, "removed": len(removed), "rows": out}


def object_expectation(records, o):
    """After load(): o's size, compute_total_size(o), and its referrers (.p) and referents (.c)."""
    objs, _removed, _c = meliae_load(records)
    seen, stack, total = set(), [id(o)], 0
    while stack:
        a = stack.pop()
        if a in seen:
            continue
        seen.add(a)
        if a not in objs:
            continue
        total += objs[a][1]
        stack.extend(objs[a][2])
    parents = sorted({a for a, (t, s, c) in objs.items() if id(o) in c})
    return {"address": id(o), "type": objs[id(o)][0], "size": objs[id(o)][1], "total": total,
            "children": objs[id(o)][2], "parents": parents}


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
            "shared": object_expectation(records, SHARED[0]),
            "sharedDict": id(SHARED_DICT),
            "widget": object_expectation(records, WIDGETS[0]),
        }
        with open(argv[2], "w") as f:
            json.dump(expect, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
