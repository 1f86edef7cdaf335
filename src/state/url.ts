/**
 * View state in the URL hash, versioned: `#v=1&view=flame&node=a/b&zoom=a&q=text&metric=bytes&sort=size&inv=1&src=demo&tf=m.f~h.p&sw=f&snap=s3&ca=s1&cb=s3`
 * (the Leaks view's own: `lset=unreferenced&lby=size&lmode=flame&lnode=a/b&lzoom=a`),
 * or, for a shared analysis, `#/a/<id>?v=1&view=…&cmp=<id2>` (the analysis id is its content hash on the share server).
 * Node paths are names from the root's child down, each URI-encoded, joined by `/`.
 */
import type { Transform } from '../model/transforms.ts';
import { decodeTransforms, encodeTransforms } from '../../workers/logic/transforms/transforms.ts';
import { isSetName, type SetName } from '../../workers/logic/leaks/chap-sets.ts';
import type { LeakGroupBy } from '../model/leaks.ts';

export const URL_VERSION = 1;

export type ViewId = 'overview' | 'flame' | 'treemap' | 'histogram' | 'table' | 'python' | 'objects' | 'callers' | 'heap' | 'compare' | 'pyobjects' | 'timeline' | 'leaks';
export type MetricId = 'bytes' | 'count' | 'requested';
/** How the Leaks view shows its set. */
export type LeakMode = 'table' | 'flame' | 'treemap';

export interface UrlState {
  view: ViewId;
  node: string[];
  zoom: string[];
  q: string;
  metric: MetricId;
  sort: 'size' | 'name';
  inverted: boolean;
  /** 'demo' when the analysis is the built-in demo (so a reload can reopen it). */
  src: string;
  /** Id of a shared analysis on the share server ('' for local files). */
  analysis: string;
  /** Id of a shared analysis compared with it ('' for none). */
  cmp: string;
  /** Transforms of the tree views, applied in order (src/model/transforms.ts). */
  transforms: Transform[];
  /** The function whose sandwich (callers and callees) the flame graph shows ('' for none). */
  sandwich: string;
  /** Key of the snapshot the single-snapshot views show ('' = the newest). */
  snap: string;
  /** Keys of the snapshots Compare shows as A and B ('' = the default pair). */
  ca: string;
  cb: string;
  /** The Leaks view: chap's set shown, its grouping ('' = by site with footers, else by class), table / flame / treemap, selected and zoomed node (names, root's child down). */
  lset: SetName;
  lby: LeakGroupBy | '';
  lmode: LeakMode;
  lnode: string[];
  lzoom: string[];
}

export const DEFAULT_URL_STATE: UrlState = { view: 'overview', node: [], zoom: [], q: '', metric: 'bytes', sort: 'size', inverted: false, src: '', analysis: '', cmp: '', transforms: [], sandwich: '', snap: '', ca: '', cb: '', lset: 'leaked', lby: '', lmode: 'table', lnode: [], lzoom: [] };

const ID = /^[0-9a-f]{16,128}$/;

const VIEWS: ViewId[] = ['overview', 'flame', 'treemap', 'histogram', 'table', 'python', 'objects', 'callers', 'heap', 'compare', 'pyobjects', 'timeline', 'leaks'];

/** Snapshot keys: `s<n>`, or `B:s<n>` for a snapshot of the shared analysis compared with this one. */
function snapKey(v: string | null): string {
  return v && /^(B:)?s\d{1,9}$/.test(v) ? v : '';
}

function encodePath(p: string[]): string {
  return p.map(encodeURIComponent).join('/');
}

function decodePath(s: string | null): string[] {
  if (!s) return [];
  try {
    return s.split('/').map(decodeURIComponent);
  } catch {
    return [];
  }
}

export function encodeUrlState(s: UrlState): string {
  const p: string[] = [`v=${URL_VERSION}`];
  if (s.src) p.push(`src=${encodeURIComponent(s.src)}`);
  if (s.view !== 'overview') p.push(`view=${s.view}`);
  if (s.node.length) p.push(`node=${encodePath(s.node)}`);
  if (s.zoom.length) p.push(`zoom=${encodePath(s.zoom)}`);
  if (s.q) p.push(`q=${encodeURIComponent(s.q)}`);
  if (s.metric !== 'bytes') p.push(`metric=${s.metric}`);
  if (s.sort !== 'size') p.push(`sort=${s.sort}`);
  if (s.inverted) p.push('inv=1');
  if (s.transforms.length) p.push(`tf=${encodeTransforms(s.transforms)}`);
  if (s.sandwich) p.push(`sw=${encodeURIComponent(s.sandwich)}`);
  if (s.snap) p.push(`snap=${encodeURIComponent(s.snap)}`);
  if (s.ca) p.push(`ca=${encodeURIComponent(s.ca)}`);
  if (s.cb) p.push(`cb=${encodeURIComponent(s.cb)}`);
  if (s.lset !== 'leaked') p.push(`lset=${s.lset}`);
  if (s.lby) p.push(`lby=${s.lby}`);
  if (s.lmode !== 'table') p.push(`lmode=${s.lmode}`);
  if (s.lnode.length) p.push(`lnode=${encodePath(s.lnode)}`);
  if (s.lzoom.length) p.push(`lzoom=${encodePath(s.lzoom)}`);
  if (s.cmp) p.push(`cmp=${s.cmp}`);
  return (s.analysis ? `#/a/${s.analysis}?` : '#') + p.join('&');
}

/** Parses a hash; unknown versions and bad values fall back to defaults, never throw. */
export function decodeUrlState(hash: string): UrlState {
  // Parsed by hand: paths keep their own per-name encoding (a `/` inside a name stays %2F).
  const raw = new Map<string, string>();
  let body = hash.replace(/^#/, '');
  let analysis = '';
  const shared = /^\/a\/([^?&/]*)\??/.exec(body);
  if (shared) {
    analysis = ID.test(shared[1]) ? shared[1] : '';
    body = body.slice(shared[0].length);
  }
  for (const part of body.replace(/^\//, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) raw.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const text = (k: string): string | null => {
    const v = raw.get(k);
    if (v === undefined) return null;
    try {
      return decodeURIComponent(v);
    } catch {
      return null;
    }
  };
  const params = { get: text };
  const v = Number(params.get('v') ?? URL_VERSION);
  if (v !== URL_VERSION) return { ...DEFAULT_URL_STATE, analysis };
  const cmp = raw.get('cmp') ?? '';
  const view = params.get('view') as ViewId | null;
  const metric = params.get('metric');
  const lset = params.get('lset');
  const lby = params.get('lby');
  const lmode = params.get('lmode');
  return {
    view: view && VIEWS.includes(view) ? view : 'overview',
    node: decodePath(raw.get('node') ?? null),
    zoom: decodePath(raw.get('zoom') ?? null),
    q: params.get('q') ?? '',
    metric: metric === 'count' || metric === 'requested' ? metric : 'bytes',
    sort: params.get('sort') === 'name' ? 'name' : 'size',
    inverted: params.get('inv') === '1',
    src: params.get('src') ?? '',
    analysis,
    cmp: ID.test(cmp) ? cmp : '',
    transforms: decodeTransforms(raw.get('tf')),
    sandwich: params.get('sw') ?? '',
    snap: snapKey(params.get('snap')),
    ca: snapKey(params.get('ca')),
    cb: snapKey(params.get('cb')),
    lset: lset && isSetName(lset) && lset !== 'used' && lset !== 'free' ? lset : 'leaked',
    lby: lby === 'class' || lby === 'size' || lby === 'site' ? lby : '',
    lmode: lmode === 'flame' || lmode === 'treemap' ? lmode : 'table',
    lnode: decodePath(raw.get('lnode') ?? null),
    lzoom: decodePath(raw.get('lzoom') ?? null),
  };
}
