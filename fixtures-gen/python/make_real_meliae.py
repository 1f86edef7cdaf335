"""Dumps written by the real meliae package, and the answers its own loader gives.

    MELIAE=/path/to/a/meliae/build python2.7 -S fixtures-gen/python/make_real_meliae.py OUTDIR

Needs a built meliae (its `meliae/` package with the compiled _scanner, _loader and
_intset extensions) on the path given by $MELIAE; meliae's code is not part of this
repository. (meliae 0.4+'s loader imports `six`: put six.py on $MELIAE too.) The meliae used for the committed files, and how it was built, is
described in workers/logic/formats/meliae/README.md.

For each workload it runs, in this one process:
  meliae.scanner.dump_all_objects(OUTDIR/NAME.json)
then, with meliae's own loader, writes OUTDIR/NAME.answers.json:
  - "collapsed": meliae.loader.load(path) (instance dicts collapsed; meliae's default)
  - "raw":       meliae.loader.load(path, collapse=False) then compute_parents()
each with summarize() (rows by (size, count) descending, and the printed text) and,
for chosen objects, type_str, size, compute_total_size(), .c and .p addresses.

Workloads:
  plain   new-style instances with their own __dict__, Python 2 old-style instances,
          a __slots__ class, one dict referred to by several lists and tuples,
          lists, tuples, strings, unicode, ints.
  shared  the same, plus instance dicts with two referrers: two instances sharing
          one __dict__, and instance dicts also held by a list.
"""
import gc
import os
import sys

sys.path.insert(0, os.environ['MELIAE'])
from meliae import scanner  # noqa: E402  (the loader, json etc. are imported after the dump)


class Point(object):
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Old:
    def __init__(self, n):
        self.n = n
        self.tag = 'old-%d' % n


class Slotted(object):
    __slots__ = ('a', 'b')

    def __init__(self, a, b):
        self.a = a
        self.b = b


class Pair(object):
    pass


def workload(shared):
    w = {}
    w['config'] = {'owner': 'everyone', 'values': [1000 + i for i in range(10)]}
    w['points'] = [Point(i, 'p%d' % i) for i in range(30)]
    w['olds'] = [Old(i) for i in range(10)]
    w['slotted'] = [Slotted(i, u'u%d' % i) for i in range(10)]
    w['holders'] = ([[w['config'], 'holder-%d' % i] for i in range(4)]
                    + [(w['config'], 5000 + i) for i in range(4)])
    w['strings'] = ['string number %d %s' % (i, 'y' * i) for i in range(20)]
    w['tuples'] = [(i, 'tuple-%d' % i, 7000 + i) for i in range(10)]
    if shared:
        d = {'kind': 'shared', 'n': 123456}
        a, b = Pair(), Pair()
        a.__dict__ = d
        b.__dict__ = d
        w['pair'] = [a, b]
        w['aliased'] = [Point(-1, 'aliased-a'), Point(-2, 'aliased-b')]
        w['aliases'] = [p.__dict__ for p in w['aliased']]
    return w


def chosen(w):
    c = [('config', w['config']), ('point', w['points'][3]), ('old', w['olds'][2]),
         ('slotted', w['slotted'][1]), ('holders', w['holders']), ('holder', w['holders'][1]),
         ('tuple', w['tuples'][4]), ('points', w['points'])]
    if 'pair' in w:
        c += [('pairA', w['pair'][0]), ('pairDict', w['pair'][0].__dict__),
              ('aliasedPoint', w['aliased'][0]), ('aliasedDict', w['aliases'][0])]
    return [(name, id(o)) for name, o in c]


def answers(om, picks):
    s = om.summarize()
    s.by_size()
    rows = [{'kind': t.type_str, 'count': t.count, 'size': t.total_size, 'max': t.max_size}
            for t in s.summaries]
    objs = {}
    for name, addr in picks:
        try:
            o = om[addr]
        except KeyError:
            objs[name] = {'address': addr, 'absent': True}
            continue
        om.compute_total_size(o)
        objs[name] = {'address': addr, 'type': o.type_str, 'size': o.size, 'total': o.total_size,
                      'children': [c.address for c in o.c], 'parents': [p.address for p in o.p]}
    return {'totalCount': s.total_count, 'totalSize': s.total_size, 'rows': rows,
            'text': repr(s), 'objects': objs}


def main():
    out = sys.argv[1]
    name = sys.argv[2]
    w = workload(name == 'shared')
    picks = chosen(w)
    gc.collect()
    path = os.path.join(out, name + '.json')
    f = open(path, 'wb')
    scanner.dump_all_objects(f)
    f.close()
    import json
    from meliae import loader
    result = {'meliae': __import__('meliae').__version__, 'python': sys.version.split()[0],
              'workload': name}
    result['collapsed'] = answers(loader.load(path, show_prog=False), picks)
    raw = loader.load(path, show_prog=False, collapse=False)
    raw.compute_parents()
    result['raw'] = answers(raw, picks)
    with open(os.path.join(out, name + '.answers.json'), 'w') as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
