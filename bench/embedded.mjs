// In-process Cairn against lru-cache, ioredis-mock, and ioredis to a Cairn server over
// loopback: SET and GET ops/s and memory per key, in one run.
//
//   npm run bench:embedded [-- --keys 1000000 --ops 1000000 --rounds 3]
//
// Keys are built per operation, as applications do. Each round measures every contestant in turn (order rotated per round) on the same key
// stream: SET of every key, then GETs of keys drawn uniformly at random (seeded). Figures
// are medians over rounds. Memory per key is the heap growth (after GC) of loading the
// keys, measured once per in-process contestant; for the server, its RSS growth.
// Run with node --expose-gc (the npm script does).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { LRUCache } from 'lru-cache';
import IORedis from 'ioredis';
import IORedisMock from 'ioredis-mock';
import { Cairn } from '../dist/src/index.js';
import { freePort, rssKb } from './common.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const KEYS = opt('keys', 1_000_000);
const OPS = opt('ops', 1_000_000);
const ROUNDS = opt('rounds', 3);
/** Slow contestants (ioredis-mock, network) time fewer GETs; rates are per second anyway. */
const SLOW_OPS = Math.min(OPS, opt('slow-ops', 200_000));
const IN_FLIGHT = 64;

if (typeof gc !== 'function') {
  console.error('run with node --expose-gc (npm run bench:embedded)');
  process.exit(1);
}

// Keys are built for each operation, as applications build them ('user:' + id): a key
// array built once would hand every contestant strings whose hashes V8 has cached.
const key = (i) => 'user:' + i + ':session';
const VALUE = 'v'.repeat(16);
// Seeded xorshift: every contestant reads the same keys in the same order.
function randomIndexes(n, seed) {
  const out = new Uint32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x % KEYS;
  }
  return out;
}
const reads = randomIndexes(OPS, 42);

function heapUsed() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function waitForPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

// ---- contestants: sync ones return numbers of ops done; async ones await ----

const contestants = [
  {
    name: 'Cairn in-process',
    async setup() {
      this.db = await Cairn.open();
    },
    set(n) {
      const db = this.db;
      for (let i = 0; i < n; i++) db.set(key(i), VALUE);
    },
    get(n) {
      const db = this.db;
      let hits = 0;
      for (let i = 0; i < n; i++) if (db.get(key(reads[i])) !== null) hits++;
      return hits;
    },
    async teardown() {
      await this.db.close();
    },
  },
  {
    name: 'lru-cache',
    async setup() {
      this.cache = new LRUCache({ max: KEYS * 2 });
    },
    set(n) {
      const cache = this.cache;
      for (let i = 0; i < n; i++) cache.set(key(i), VALUE);
    },
    get(n) {
      const cache = this.cache;
      let hits = 0;
      for (let i = 0; i < n; i++) if (cache.get(key(reads[i])) !== undefined) hits++;
      return hits;
    },
    async teardown() {
      this.cache.clear();
    },
  },
  {
    name: 'ioredis-mock',
    slow: true,
    async setup() {
      this.redis = new IORedisMock();
      await this.redis.flushall();
    },
    async set(n) {
      await inFlight(n, (i) => this.redis.set(key(i), VALUE));
    },
    async get(n) {
      await inFlight(n, (i) => this.redis.get(key(reads[i])));
    },
    async teardown() {
      await this.redis.flushall();
      this.redis.disconnect();
    },
  },
  {
    name: 'ioredis → Cairn server (loopback)',
    slow: true,
    remote: true,
    async setup() {
      if (!this.server) {
        this.dir = mkdtempSync(join(tmpdir(), 'cairn-bench-'));
        const port = await freePort();
        this.server = spawn(process.execPath, ['bin/cairn-server', '--port', String(port), '--dir', this.dir, '--save', '', '--loglevel', 'warning'], {
          stdio: 'ignore',
        });
        await waitForPort(port);
        this.redis = new IORedis({ port });
      }
      await this.redis.flushall();
    },
    async set(n) {
      await inFlight(n, (i) => this.redis.set(key(i), VALUE));
    },
    async get(n) {
      await inFlight(n, (i) => this.redis.get(key(reads[i])));
    },
    async teardown() {},
    async dispose() {
      this.redis.disconnect();
      this.server.kill('SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    },
  },
];

/** Runs op(0..n-1) with up to IN_FLIGHT promises outstanding (ioredis pipelines them). */
async function inFlight(n, op) {
  let next = 0;
  const worker = async () => {
    while (next < n) await op(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

async function timed(fn, n) {
  const t0 = performance.now();
  await fn(n);
  return n / ((performance.now() - t0) / 1000);
}

const results = new Map(contestants.map((c) => [c.name, { set: [], get: [], bytesPerKey: null }]));

for (let round = 0; round < ROUNDS; round++) {
  const order = contestants.map((_, i) => contestants[(i + round) % contestants.length]);
  for (const c of order) {
    const r = results.get(c.name);
    // Every contestant holds all the keys; slow ones time fewer GETs over them.
    const ops = c.slow ? SLOW_OPS : OPS;
    await c.setup();
    const before = c.remote ? rssKb(c.server.pid) * 1024 : heapUsed();
    r.set.push(await timed((k) => c.set.call(c, k), KEYS));
    if (round === 0) r.bytesPerKey = ((c.remote ? rssKb(c.server.pid) * 1024 : heapUsed()) - before) / KEYS;
    r.get.push(await timed((k) => c.get.call(c, k), ops));
    await c.teardown();
    process.stdout.write('.');
  }
}
for (const c of contestants) await c.dispose?.();
process.stdout.write('\n');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lru = results.get('lru-cache');
const fmt = (x) => (x >= 1e6 ? (x / 1e6).toFixed(2) + ' M' : Math.round(x / 1000) + ' k');
console.log(`\n${KEYS} keys, ${OPS} random GETs (slow contestants: ${SLOW_OPS} GETs, ${IN_FLIGHT} in flight), median of ${ROUNDS} rounds, node ${process.version}\n`);
console.log('| contestant | SET ops/s | GET ops/s | SET time/op ÷ lru-cache | GET time/op ÷ lru-cache | bytes/key |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, r] of results) {
  const set = median(r.set);
  const get = median(r.get);
  const vsSet = (median(lru.set) / set).toFixed(2) + '×';
  const vsGet = (median(lru.get) / get).toFixed(2) + '×';
  console.log(`| ${name} | ${fmt(set)} | ${fmt(get)} | ${vsSet} | ${vsGet} | ${Math.round(r.bytesPerKey)} |`);
}
