/**
 * A throwaway PostgreSQL server for the share-server tests: Debian's
 * `postgresql` package (`scripts/test.sh` installs it when missing), a fresh
 * cluster in a temporary folder, listening only on a Unix socket there (no
 * TCP port), trust authentication, stopped and removed afterwards. As root the
 * server runs as the `postgres` user (PostgreSQL refuses to run as root).
 *
 * `HEAPSCOPE_TEST_DATABASE_URL` set: that database is used instead, as it is.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  url: string;
  stop(): void;
}

/** The folder of PostgreSQL's server programs (initdb, pg_ctl), or null. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : null;
}

/** Why no test PostgreSQL can be had here, or null when it can. */
export function whyNoPostgres(): string | null {
  if (process.env.HEAPSCOPE_TEST_DATABASE_URL) return null;
  if (!postgresBin()) return 'PostgreSQL is not installed (scripts/test.sh installs Debian\'s postgresql package)';
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres']).status !== 0) return 'running as root and there is no postgres user to run PostgreSQL as';
  return null;
}

/** Starts a fresh cluster (or takes HEAPSCOPE_TEST_DATABASE_URL). */
export function startPostgres(): TestPostgres {
  if (process.env.HEAPSCOPE_TEST_DATABASE_URL) return { url: process.env.HEAPSCOPE_TEST_DATABASE_URL, stop: () => {} };
  const bin = postgresBin()!;
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'heapscope-pg-'));
  const data = join(dir, 'data');
  const as = (cmd: string, args: string[]): void => {
    if (root) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
    else execFileSync(cmd, args, { stdio: 'pipe' });
  };
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  as(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  // The port only names the socket file; pick one unlikely to be in use by another test run.
  const port = 20000 + (process.pid % 30000);
  as(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-c listen_addresses='' -k ${dir} -p ${port} -c fsync=on`, 'start']);
  as(join(bin, 'createdb'), ['-h', dir, '-p', String(port), '-U', 'postgres', 'heapscope']);
  let stopped = false;
  return {
    url: `postgres://postgres@/heapscope?host=${encodeURIComponent(dir)}&port=${port}`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
