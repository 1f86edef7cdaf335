/**
 * glibc's singly linked free lists, followed over the walked chunks:
 * - fastbins: their chunks are free (their chunk bits still say in use), as
 *   chap lists them; a locked arena's fastbin chain detached by a thread in
 *   the middle of consolidating it (held in that thread's registers) too;
 * - tcache (2.26+): chunks in a thread's `tcache_perthread_struct` lists,
 *   counted (chap lists them as used; the table may mark them thread-cached).
 * Safe-linked links (2.32+: stored = (&link >> 12) ^ next) are undone exactly
 * on the word's two halves; on aarch64 a pointer's top-byte tag is dropped
 * (and a tagged link position tried with each of the 16 MTE tags). Whether a
 * core's links are safe-linked is decided once, from the first link of every
 * list (`decideLinks`), never link by link: on i386 `&link >> 12` changes only
 * a link's low 20 bits, so a stored (mangled) link often lands inside the
 * heap, and about one in 16 is 16-byte aligned like an allocation; taken as a
 * plain pointer it sent a tcache walk into a used chunk ("a chunk of another
 * size") or, worse, silently through used chunks of the bin's size.
 *
 * Nothing is dropped silently: a cycle ("probably due to a double free", as
 * chap says), a link that is not an allocation or cannot be read or decoded,
 * a chunk on the wrong bin, a tcache count that disagrees with its list —
 * each kind is one warning with a count. Every walk is bounded: a chunk is
 * on at most one list, so all lists together take at most one step per
 * chunk, however many fake lists a hostile core holds.
 */
import type { Infrastructure } from './discovery.ts';
import { fastbinChunkSize, tcacheChunkSize, tcacheChunkSizes, TCACHE_MAX_BINS } from './layout.ts';
import { hex, PAGE, xorWord, type Mem } from './memory.ts';
import type { ChunkStore } from './chunk-store.ts';

export interface FreeListResult {
  fast: number;
  tcache: number;
  safeLinking: boolean;
}

/** How a core's list links are stored: plain pointers (before 2.32), safe-linked (2.32+), or not known (no list to tell). */
export type LinkMode = 'plain' | 'safe' | 'unknown';

interface TcacheBin {
  i: number;
  /** User address of the first entry, -1 when the bin disagrees with its count or size. */
  head: number;
  count: number;
}

interface TcacheStruct {
  user: number;
  bins: TcacheBin[];
}

export class FreeLists {
  safeLinking = false;
  /** Decided by `decideLinks` before any list is followed. */
  mode: LinkMode = 'unknown';
  /** Probes of each kind that only one way of reading links explains. */
  linkVotes = { plain: 0, safe: 0 };
  private decided = false;
  private structs: TcacheStruct[] | null = null;

  constructor(
    readonly mem: Mem,
    readonly infra: Infrastructure,
    readonly rows: ChunkStore,
  ) {}

  /** The last address looked up and its row: following a list looks each node up twice (as a link, then as a node). */
  private lastAddr = -1;
  private lastIndex = -1;

  indexOf(a: number): number {
    if (a === this.lastAddr) return this.lastIndex;
    this.lastAddr = a;
    return (this.lastIndex = this.rows.indexOf(a));
  }

  /** Chunk size of row `i` (allocation size + 1 word). */
  chunkSize(i: number): number {
    return this.rows.sizeAt(i) + this.mem.w;
  }

  /** The raw first word of the allocation at user address `a`, from the walk or read. */
  private async link(a: number, idx: number): Promise<[number, number] | null> {
    return this.keptLink(idx) ?? this.mem.halves(a);
  }

  /** The first word of row `idx` when the walk kept it (no await: the lists' loops read most links this way). */
  private keptLink(idx: number): [number, number] | null {
    return idx >= 0 ? this.rows.linkAt(idx) : null;
  }

  /** The link `raw` at `pos` read as a plain pointer (0 at the end). */
  private plainLink(raw: [number, number]): number {
    return xorWord(raw[0], raw[1], 0, this.mem.tagged);
  }

  /**
   * The link `raw` at `pos` undone as a safe-linked one (0 at the end), as a
   * user address when `toUser` is added: with a tagged `pos`, the MTE tag that
   * makes it an allocation; -1 when none does.
   */
  private safeLink(pos: number, raw: [number, number], toUser: number): number {
    const { mem } = this;
    const key = Math.floor(pos / PAGE);
    const tries = mem.tagged ? 16 : 1;
    for (let t = 0; t < tries; t++) {
      // (pos >> 12) with an MTE tag t in pos's top byte puts t at bits 44–47.
      const d = xorWord(raw[0], raw[1], key + t * 2 ** 44, mem.tagged);
      if (d === 0 || this.indexOf(d + toUser) >= 0) return d;
    }
    return -1;
  }

  /**
   * The next node of a list whose link sits at `pos` (user address) and holds
   * `raw`, as a user address (`toUser` added to a chunk pointer): 0 at the
   * end, -1 when it is not an allocation read the way this core stores links
   * (either way while that is unknown). A zero word ends a list either way.
   */
  follow(pos: number, raw: [number, number], toUser: number): number {
    const [hi, lo] = raw;
    if (hi === 0 && lo === 0) return 0;
    if (this.mode !== 'safe') {
      const plain = this.plainLink(raw);
      if (plain === 0) return 0;
      if (this.indexOf(plain + toUser) >= 0) return plain;
      if (this.mode === 'plain') return -1;
    }
    const d = this.safeLink(pos, raw, toUser);
    if (d > 0) this.safeLinking = true;
    return d;
  }

  /**
   * Decides, once, whether this core's links are safe-linked: the first link
   * of every fastbin and tcache list is read both ways, and each reading is
   * consistent when it ends the list (plain: 0; safe-linked: `pos >> 12`) or
   * reaches an allocation of the list's chunk size. The way that explains more
   * first links than the other is the core's (glibc has one way per build).
   */
  async decideLinks(): Promise<void> {
    if (this.decided) return;
    this.decided = true;
    const { mem, infra } = this;
    const w = mem.w;
    const l = infra.layout;
    const probe = async (pos: number, toUser: number, want: number): Promise<void> => {
      const raw = await this.link(pos, this.indexOf(pos));
      if (raw === null) return;
      const fits = (v: number): boolean => {
        if (v === 0) return true;
        const idx = this.indexOf(v + toUser);
        return idx >= 0 && this.chunkSize(idx) === want;
      };
      const plainOk = fits(this.plainLink(raw));
      const s = this.safeLink(pos, raw, toUser);
      const safeOk = s >= 0 && !(raw[0] === 0 && raw[1] === 0) && fits(s);
      if (plainOk && !safeOk) this.linkVotes.plain++;
      else if (safeOk && !plainOk) this.linkVotes.safe++;
    };
    for (const a of infra.arenas.keys()) {
      for (let i = 0; i < l.params.nfastbins; i++) {
        await mem.step();
        const node = await mem.word(a + l.fastbins + i * w);
        if (node === null || node <= 0 || this.indexOf(node + 2 * w) < 0) continue;
        await probe(node + 2 * w, 2 * w, fastbinChunkSize(w, i));
      }
    }
    for (const t of await this.tcacheStructs()) {
      for (const b of t.bins) {
        if (b.head <= 0) continue;
        await mem.step();
        await probe(b.head, 0, tcacheChunkSize(l.params, b.i));
      }
    }
    const { plain, safe } = this.linkVotes;
    this.mode = safe > plain ? 'safe' : plain > safe ? 'plain' : 'unknown';
    if (this.mode === 'safe') this.safeLinking = true;
  }

  async fastbins(): Promise<number> {
    const { mem, infra, rows } = this;
    const w = mem.w;
    const l = infra.layout;
    await this.decideLinks();
    let n = 0;
    for (const a of infra.arenas.keys()) {
      for (let i = 0; i < l.params.nfastbins; i++) {
        const where = `arena ${hex(a)} fastbin ${i}`;
        let node = await mem.word(a + l.fastbins + i * w);
        if (node === null) {
          mem.anomaly('fast-unreadable', where, (k, ex) => `${k} fastbin head(s) cannot be read from the core (${ex})`);
          continue;
        }
        const want = fastbinChunkSize(w, i);
        // This list's nodes: every one is marked on a list as it is taken, so a node seen before on this list is one
        // marked and in here (looked for only then: no set of the nodes kept as the list is followed).
        const seen: number[] = [];
        while (node > 0) {
          if (mem.tick()) await mem.pause();
          const idx = this.indexOf(node + 2 * w);
          if (idx < 0) {
            mem.anomaly('fast-not-chunk', `${where}: ${hex(node)}`, (k, ex) => `${k} fastbin list(s) reach a node that is not an allocation (${ex}); the rest of each list is not followed`);
            break;
          }
          if (this.rows.isOnList(idx) && seen.includes(idx)) {
            mem.anomaly('fast-cycle', `${where} at ${hex(node)}`, (k, ex) => `${k} fastbin list(s) are cyclic, probably due to a double free (${ex}); each is followed once round`);
            break;
          }
          seen.push(idx);
          if (this.chunkSize(idx) !== want) {
            mem.anomaly('fast-wrong-size', `${where}: ${hex(node)} of size ${hex(this.chunkSize(idx))}`, (k, ex) => `${k} fastbin list(s) hold a chunk of another size than their bin's (${ex}); the rest of each list is not followed`);
            break;
          }
          if (this.rows.isOnList(idx)) {
            mem.anomaly('fast-shared', `${where}: ${hex(node)}`, (k, ex) => `${k} fastbin list(s) run into a chunk already on another list (${ex}); the rest of each list is not followed`);
            break;
          }
          this.rows.setOnList(idx);
          if (rows.isUsed(idx)) {
            rows.setFree(idx);
            n++;
          }
          const raw = this.keptLink(idx) ?? (await this.mem.halves(node + 2 * w));
          if (raw === null) {
            mem.anomaly('fast-unreadable-link', `${where}: ${hex(node)}`, (k, ex) => `${k} fastbin link(s) cannot be read from the core (${ex}); the rest of each list is not followed`);
            break;
          }
          const next = this.follow(node + 2 * w, raw, 2 * w);
          if (next === -1) {
            mem.anomaly('fast-undecodable', `${where}: after ${hex(node)}`, (k, ex) => `${k} fastbin link(s) point to no allocation, raw or safe-linked (${ex}); the rest of each list is not followed`);
            break;
          }
          node = next;
        }
      }
    }
    return n + (await this.detachedChains());
  }

  /**
   * An arena whose mutex is held may be in the middle of consolidating a
   * fastbin list it has already detached: a thread with a register pointing
   * at the arena's fastbin heads holds the detached chain in another
   * register. The longest such chain of used chunks is free.
   */
  private async detachedChains(): Promise<number> {
    const { mem, infra, rows } = this;
    const w = mem.w;
    const l = infra.layout;
    let n = 0;
    for (const a of infra.arenas.keys()) {
      const mutex = await mem.u32(a);
      if (mutex === null || (mutex & 1) === 0) continue;
      const fastStart = a + l.fastbins;
      const fastLimit = a + l.top;
      const isMain = a === infra.mainArena;
      let best: number[] = [];
      for (const t of mem.core.threads) {
        const regs = Object.values(t.registers);
        if (!regs.some((r) => r >= fastStart && r < fastLimit && r % w === 0)) continue;
        for (const r of regs) {
          if ((r >= a && r < fastLimit) || r % (2 * w) !== 0) continue;
          const sf = await mem.word(r + w);
          if (sf === null || (sf & 6) !== (isMain ? 0 : 4)) continue;
          if (!isMain && (await mem.word(r - (r % infra.heapMax))) !== a) continue;
          const chain: number[] = [];
          const seen = new Set<number>();
          for (let node = r; node > 0; ) {
            await mem.step();
            const idx = this.indexOf(node + 2 * w);
            if (idx < 0 || !rows.isUsed(idx) || seen.has(idx)) break;
            seen.add(idx);
            chain.push(idx);
            const raw = await this.link(node + 2 * w, idx);
            if (raw === null) break;
            node = this.follow(node + 2 * w, raw, 2 * w);
          }
          if (chain.length > best.length) best = chain;
        }
      }
      for (const idx of best) {
        rows.setFree(idx);
        this.rows.setOnList(idx);
        n++;
      }
    }
    return n;
  }

  /**
   * tcache_perthread_struct candidates: used chunks of the struct's size (not
   * mmapped) whose non-empty bins start at chunks of their bin's size. A
   * candidate with more bins that disagree than agree is not a tcache; one
   * whose every non-empty bin disagrees is not either; in an accepted one
   * each disagreeing bin is warned about and not followed.
   */
  async tcaches(): Promise<number> {
    await this.decideLinks();
    let total = 0;
    for (const t of await this.tcacheStructs()) {
      await this.mem.step();
      total += await this.tcacheAt(t);
    }
    return total;
  }

  /**
   * The accepted tcache_perthread_structs, of the first count width (uint16,
   * then char) that has any.
   */
  private async tcacheStructs(): Promise<TcacheStruct[]> {
    if (this.structs) return this.structs;
    const { mem, infra, rows } = this;
    const p = infra.layout.params;
    let found: TcacheStruct[] = [];
    for (const shape of tcacheChunkSizes(p)) {
      const want = shape.chunk - mem.w;
      for (const user of rows.usedOfSize(want)) {
        await mem.step();
        const bins = await this.tcacheBins(user, shape.countBytes);
        if (bins) found.push({ user, bins });
      }
      if (found.length > 0) break;
      found = [];
    }
    this.structs = found;
    return found;
  }

  private async tcacheBins(user: number, countBytes: number): Promise<TcacheBin[] | null> {
    const { mem, infra } = this;
    const w = mem.w;
    const p = infra.layout.params;
    const dv = await mem.read(user, TCACHE_MAX_BINS * (countBytes + w));
    if (!dv) return null;
    const entriesAt = TCACHE_MAX_BINS * countBytes;
    const bins: TcacheBin[] = [];
    let agree = 0;
    let disagree = 0;
    for (let i = 0; i < TCACHE_MAX_BINS; i++) {
      const count = countBytes === 2 ? dv.getUint16(2 * i, true) : dv.getUint8(i);
      const head = mem.wordIn(dv, entriesAt + i * w);
      if (count === 0 && head === 0) continue;
      const idx = head ? this.indexOf(head) : -1;
      const ok = count > 0 && idx >= 0 && this.chunkSize(idx) === tcacheChunkSize(p, i);
      if (ok) agree++;
      else disagree++;
      bins.push({ i, head: ok ? head : -1, count });
    }
    if (agree === 0 || disagree > agree) return null;
    return bins;
  }

  private async tcacheAt({ user, bins }: TcacheStruct): Promise<number> {
    const { mem, infra, rows } = this;
    const p = infra.layout.params;
    const where = `tcache at ${hex(user)}`;
    let n = 0;
    for (const { i, head, count } of bins) {
      if (head < 0) {
        mem.anomaly('tcache-bad-bin', `${where} bin ${i}`, (k, ex) => `${k} tcache bin(s) disagree with their count or size (${ex}); they are not followed`);
        continue;
      }
      const want = tcacheChunkSize(p, i);
      let e = head;
      let steps = 0;
      for (; e > 0 && steps < count; steps++) {
        if (mem.tick()) await mem.pause();
        const idx = this.indexOf(e);
        if (idx < 0) {
          mem.anomaly('tcache-not-chunk', `${where} bin ${i}: ${hex(e)}`, (k, ex) => `${k} tcache list(s) reach a node that is not an allocation (${ex}); the rest of each list is not followed`);
          break;
        }
        if (this.chunkSize(idx) !== want) {
          mem.anomaly('tcache-wrong-size', `${where} bin ${i}: ${hex(e)}`, (k, ex) => `${k} tcache list(s) hold a chunk of another size than their bin's (${ex}); the rest of each list is not followed`);
          break;
        }
        if (this.rows.isOnList(idx)) {
          mem.anomaly('tcache-cycle', `${where} bin ${i}: ${hex(e)}`, (k, ex) => `${k} tcache list(s) return to a chunk already on a list, probably due to a double free (${ex}); each is followed once`);
          break;
        }
        this.rows.setOnList(idx);
        if (rows.isUsed(idx) && !rows.isTcached(idx)) {
          rows.setTcached(idx);
          n++;
        }
        const raw = this.keptLink(idx) ?? (await this.mem.halves(e));
        if (raw === null) {
          mem.anomaly('tcache-unreadable', `${where} bin ${i}: ${hex(e)}`, (k, ex) => `${k} tcache link(s) cannot be read from the core (${ex}); the rest of each list is not followed`);
          break;
        }
        const next = this.follow(e, raw, 0);
        if (next === -1) {
          mem.anomaly('tcache-undecodable', `${where} bin ${i}: after ${hex(e)}`, (k, ex) => `${k} tcache link(s) point to no allocation, raw or safe-linked (${ex}); the rest of each list is not followed`);
          break;
        }
        e = next;
      }
      if (steps < count && e === 0) {
        mem.anomaly('tcache-short', `${where} bin ${i}: ${steps} of ${count}`, (k, ex) => `${k} tcache list(s) are shorter than their count says (${ex})`);
      }
    }
    return n;
  }
}
