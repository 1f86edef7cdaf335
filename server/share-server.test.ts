import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState } from '../src/model/allocations.ts';
import type { SavedAnalysis } from '../src/model/saved.ts';
import { fetchShared, fetchSharedBytes, ShareError, uploadAnalysis } from '../src/storage/share.ts';
import { analysisId } from '../workers/logic/saved/id.ts';
import { saveAnalysis } from '../workers/logic/saved/serialize.ts';
import { createShareServer, type ShareServer } from './app.ts';

const HOST = '127.0.0.1';
const MAX_UPLOAD = 64 * 1024;

function analysis(name: string, rows = 50): SavedAnalysis {
  const b = new AllocationTableBuilder();
  const t = b.strings.intern(`type of ${name}`);
  for (let i = 0; i < rows; i++) b.add(0x5574, 0x1000 + i * 32, 24 + (i % 7) * 8, AllocState.Used, i % 2 ? t : 0);
  return { name, created: '2026-11-21T00:00:00.000Z', view: { view: 'flame', node: [name] }, inputs: [{ name: `${name}.list_used`, format: 'chap-list', size: 1000, rows, table: b.freeze() }] };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request (the path is sent exactly as given: no normalising of `..`). */
function raw(port: number, method: string, path: string, body?: Uint8Array, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, method, path, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

function expectSecurityHeaders(r: Reply): void {
  expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
  expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(r.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self'/);
}

describe('share server on loopback', () => {
  let root: string;
  let dataDir: string;
  let distDir: string;
  let app: ShareServer;
  let port: number;
  let base: string;

  const start = async (): Promise<void> => {
    app = createShareServer({ dataDir, distDir, maxUpload: MAX_UPLOAD });
    port = await app.listen(0, HOST);
    base = `http://${HOST}:${port}`;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'heapscope-server-'));
    dataDir = join(root, 'data');
    distDir = join(root, 'dist');
    mkdirSync(join(distDir, 'assets'), { recursive: true });
    writeFileSync(join(distDir, 'index.html'), '<!doctype html><title>Heapscope</title>');
    writeFileSync(join(distDir, 'assets', 'app-123.js'), 'console.log(1)');
    await start();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the app with COOP/COEP/CORP and CSP, SPA fallback, immutable assets', async () => {
    const index = await raw(port, 'GET', '/');
    expect(index.status).toBe(200);
    expect(index.body.toString()).toContain('<title>Heapscope</title>');
    expect(index.headers['cache-control']).toBe('no-cache');
    expectSecurityHeaders(index);
    const deep = await raw(port, 'GET', '/a/some/route');
    expect(deep.body.toString()).toContain('<title>Heapscope</title>');
    const asset = await raw(port, 'GET', '/assets/app-123.js');
    expect(asset.body.toString()).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toContain('immutable');
    expectSecurityHeaders(asset);
    expect((await raw(port, 'GET', '/../../etc/passwd')).body.toString()).not.toContain('root:');
  });

  it('stores an upload (201), gives the content hash, and serves the same bytes back', async () => {
    const bytes = await saveAnalysis(analysis('first'));
    const r = await raw(port, 'POST', '/api/analyses', bytes, { 'Content-Type': 'application/octet-stream' });
    expect(r.status).toBe(201);
    expectSecurityHeaders(r);
    const { id } = JSON.parse(r.body.toString()) as { id: string };
    expect(id).toBe(await analysisId(bytes));
    const g = await raw(port, 'GET', `/api/analyses/${id}`);
    expect(g.status).toBe(200);
    expect(g.headers['content-type']).toBe('application/octet-stream');
    expectSecurityHeaders(g);
    expect(Buffer.compare(g.body, Buffer.from(bytes))).toBe(0);
  });

  it('the same bytes twice: same id, 200 the second time, one row', async () => {
    const bytes = await saveAnalysis(analysis('twice'));
    const before = app.store.count();
    const a = await raw(port, 'POST', '/api/analyses', bytes);
    const b = await raw(port, 'POST', '/api/analyses', bytes);
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(JSON.parse(b.body.toString())).toEqual(JSON.parse(a.body.toString()));
    expect(app.store.count()).toBe(before + 1);
  });

  it('oversized uploads get 413, declared or streamed', async () => {
    // Just over the limit (content does not matter: size is checked before anything else).
    const big = new Uint8Array(MAX_UPLOAD + 1).fill(7);
    const r = await raw(port, 'POST', '/api/analyses', big);
    expect(r.status).toBe(413);
    expectSecurityHeaders(r);
    // No Content-Length (chunked): refused once the limit is passed.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request({ host: HOST, port, method: 'POST', path: '/api/analyses', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write(new Uint8Array(MAX_UPLOAD / 2));
      req.end();
    });
    expect(chunked).toBe(413);
    await expect(uploadAnalysis(big, base)).rejects.toMatchObject({ status: 413 });
  });

  it('malformed uploads get 400 with the reason, and nothing is stored', async () => {
    const before = app.store.count();
    const good = await saveAnalysis(analysis('malformed'));
    for (const body of [new Uint8Array(0), new TextEncoder().encode('Used allocation at 1000 of size 18\n'), good.subarray(0, good.length - 5), good.subarray(0, 20)]) {
      const r = await raw(port, 'POST', '/api/analyses', body);
      expect(r.status).toBe(400);
      expectSecurityHeaders(r);
      expect(JSON.parse(r.body.toString()).error).toMatch(/^upload: /);
    }
    const flipped = good.slice();
    flipped[8] = 9; // version 9
    const r = await raw(port, 'POST', '/api/analyses', flipped);
    expect(JSON.parse(r.body.toString()).error).toMatch(/format version 9 is not supported/);
    expect(app.store.count()).toBe(before);
  });

  it('unknown ids get 404; ids with /, .., % or other characters get 400', async () => {
    const unknown = await raw(port, 'GET', `/api/analyses/${'0'.repeat(64)}`);
    expect(unknown.status).toBe(404);
    expectSecurityHeaders(unknown);
    const bad = ['abc', 'A'.repeat(64), 'g'.repeat(64), 'a'.repeat(65), `..`, `../../etc/passwd`, `${'a'.repeat(32)}/${'a'.repeat(31)}`, `%2e%2e`, `${'a'.repeat(62)}%2F`, `${'a'.repeat(63)}%20`, `${'a'.repeat(64)}/`, `${'a'.repeat(32)}..${'a'.repeat(30)}`];
    for (const id of bad) {
      const r = await raw(port, 'GET', `/api/analyses/${id}`);
      expect([id, r.status]).toEqual([id, 400]);
    }
    await expect(fetchSharedBytes('../x', base)).rejects.toBeInstanceOf(ShareError);
    expect((await raw(port, 'DELETE', `/api/analyses/${'0'.repeat(64)}`)).status).toBe(405);
    expect((await raw(port, 'GET', '/api/other')).status).toBe(404);
  });

  it('100 concurrent uploads of distinct analyses are all readable afterwards, and after a restart', async () => {
    const analyses = Array.from({ length: 100 }, (_, i) => analysis(`concurrent-${i}`, 20 + i));
    const bytes = await Promise.all(analyses.map((a) => saveAnalysis(a)));
    const ids = await Promise.all(bytes.map((b) => uploadAnalysis(b, base)));
    expect(new Set(ids).size).toBe(100);
    for (let i = 0; i < 100; i++) expect(ids[i]).toBe(await analysisId(bytes[i]));
    const back = await Promise.all(ids.map((id) => fetchSharedBytes(id, base)));
    for (let i = 0; i < 100; i++) expect(Buffer.compare(Buffer.from(back[i]), Buffer.from(bytes[i]))).toBe(0);
    const count = app.store.count();

    // Restart on the same data directory: everything is still there.
    await app.close();
    await start();
    expect(app.store.count()).toBe(count);
    for (let i = 0; i < 100; i++) {
      const a = await fetchShared(ids[i], base);
      expect(a.name).toBe(`concurrent-${i}`);
      expect(a.inputs[0].rows).toBe(20 + i);
      expect(a.view).toEqual({ view: 'flame', node: [`concurrent-${i}`] });
    }
  });
});
