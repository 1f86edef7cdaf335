/**
 * The local library of saved analyses, in IndexedDB (through `idb`): works
 * offline, survives reloads. Two object stores: `meta` (what the list shows:
 * id, name, inputs, date, size) and `bytes` (the saved file), so listing never
 * reads the tables. Ids are content hashes (`analysisId`), so saving the same
 * analysis twice stores it once. Pure async functions, no React.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { savedFiles, type SavedAnalysis } from '../model/saved.ts';
import { loadAnalysis } from '../../workers/logic/saved/deserialize.ts';
import { analysisId } from '../../workers/logic/saved/id.ts';
import { saveAnalysis } from '../../workers/logic/saved/serialize.ts';

/** One analysis as the library lists it. */
export interface LibraryEntry {
  /** Content hash of the bytes (SHA-256 hex). */
  id: string;
  name: string;
  /** The analysis's inputs: file name, format, size in bytes, rows. */
  inputs: { name: string; format: string; size: number; rows: number }[];
  /** When it was saved into the library (ISO 8601); re-saving refreshes it. */
  date: string;
  /** Size of the saved file in bytes. */
  size: number;
}

/** What the caller knows about the bytes it stores (taken from the `SavedAnalysis`). */
export type LibraryMeta = Pick<LibraryEntry, 'name' | 'inputs'>;

interface LibrarySchema extends DBSchema {
  meta: { key: string; value: LibraryEntry; indexes: { date: string } };
  bytes: { key: string; value: Uint8Array };
}

/** Database name; tests may pass their own to `openLibrary`. */
export const LIBRARY_DB = 'heapscope-library';

/** An open library (one IndexedDB database). */
export interface Library {
  /** Stores `bytes` (a saved analysis) and returns its id; the same bytes are stored once. */
  put(bytes: Uint8Array, meta: LibraryMeta): Promise<string>;
  /** Every entry, most recent first. */
  list(): Promise<LibraryEntry[]>;
  /** The saved bytes of `id`, or undefined. */
  get(id: string): Promise<Uint8Array | undefined>;
  /** The list entry of `id`, or undefined. */
  entry(id: string): Promise<LibraryEntry | undefined>;
  /** Renames `id`; false when it is not in the library. */
  rename(id: string, name: string): Promise<boolean>;
  /** Removes `id`; false when it was not there. */
  delete(id: string): Promise<boolean>;
  close(): void;
}

/** Opens (creating when needed) the library database (the global `indexedDB`; tests use fake-indexeddb). */
export async function openLibrary(dbName = LIBRARY_DB): Promise<Library> {
  const db: IDBPDatabase<LibrarySchema> = await openDB<LibrarySchema>(dbName, 1, {
    upgrade(d) {
      d.createObjectStore('meta', { keyPath: 'id' }).createIndex('date', 'date');
      d.createObjectStore('bytes');
    },
  });

  return {
    async put(bytes, meta) {
      const id = await analysisId(bytes);
      const tx = db.transaction(['meta', 'bytes'], 'readwrite');
      const entry: LibraryEntry = { id, name: meta.name, inputs: meta.inputs.map(({ name, format, size, rows }) => ({ name, format, size, rows })), date: new Date().toISOString(), size: bytes.length };
      // Copy into a plain buffer: structured clone of a SharedArrayBuffer view is refused.
      await Promise.all([tx.objectStore('meta').put(entry), tx.objectStore('bytes').put(bytes.slice(), id), tx.done]);
      return id;
    },
    async list() {
      const all = await db.getAllFromIndex('meta', 'date');
      return all.reverse();
    },
    get: (id) => db.get('bytes', id),
    entry: (id) => db.get('meta', id),
    async rename(id, name) {
      const tx = db.transaction('meta', 'readwrite');
      const e = await tx.store.get(id);
      if (e) await tx.store.put({ ...e, name });
      await tx.done;
      return e !== undefined;
    },
    async delete(id) {
      const tx = db.transaction(['meta', 'bytes'], 'readwrite');
      const e = await tx.objectStore('meta').get(id);
      await Promise.all([tx.objectStore('meta').delete(id), tx.objectStore('bytes').delete(id), tx.done]);
      return e !== undefined;
    },
    close: () => db.close(),
  };
}

/** Serialises `a` and stores it in `lib`; returns its id (and the bytes, for an upload). `encode` lets the app serialise in a worker. */
export async function saveToLibrary(
  lib: Library,
  a: SavedAnalysis,
  encode: (a: SavedAnalysis) => Promise<Uint8Array> = saveAnalysis,
): Promise<{ id: string; bytes: Uint8Array }> {
  const bytes = await encode(a);
  const id = await lib.put(bytes, { name: a.name, inputs: savedFiles(a) });
  return { id, bytes };
}

/** Reopens `id` from `lib` (undefined when absent); a damaged entry raises an `InputError`. `decode` lets the app decode in a worker. */
export async function openFromLibrary(
  lib: Library,
  id: string,
  decode: (bytes: Uint8Array, name: string) => Promise<SavedAnalysis> = (b, name) => loadAnalysis(b, { name }),
): Promise<SavedAnalysis | undefined> {
  const bytes = await lib.get(id);
  if (!bytes) return undefined;
  const entry = await lib.entry(id);
  const a = await decode(bytes, entry?.name ?? id);
  // The library's name wins: renaming does not rewrite the bytes (their hash is the id).
  return entry ? { ...a, name: entry.name } : a;
}
