#!/usr/bin/env node --expose-gc
/**
 * Per-operation cost of the data structures at 1,000 and at 1,000,000 elements, run
 * in-process through the engine (command dispatch included, no network), and bytes of
 * heap per element for small collections. Run: node --expose-gc bench/complexity.mjs
 *
 * An O(log n) operation should cost a small constant factor more at 1 M than at 1 k;
 * an O(n) one would cost about 1000x more.
 */
import { ConfigValues, Engine, Logger } from '../dist/src/index.js';
import { RespWriter } from '../dist/src/protocol/reply.js';

const engine = new Engine(new ConfigValues(), new Logger('', true));
const reply = new RespWriter();
const detached = { addr: 'bench:0', laddr: 'bench:0', fd: -1, close() {}, flushSoon() {}, queryBufferBytes: () => 0, outputBufferBytes: () => 0, resume() {} };
const session = engine.openSession(reply, detached);
const run = (...argv) => {
  engine.beginBatch();
  engine.execute(session, argv);
  reply.out = '';
};

function fill(kind, key, n) {
  run('DEL', key);
  const batch = 1000;
  for (let i = 0; i < n; i += batch) {
    const args = [];
    for (let j = i; j < Math.min(n, i + batch); j++) {
      if (kind === 'zset') args.push(String(j), `m${j}`);
      else if (kind === 'hash') args.push(`f${j}`, 'v');
      else args.push(`m${j}`);
    }
    if (kind === 'zset') run('ZADD', key, ...args);
    else if (kind === 'hash') run('HSET', key, ...args);
    else if (kind === 'set') run('SADD', key, ...args);
    else run('RPUSH', key, ...args);
  }
}

/** ns per operation over `ops` operations (after a warm-up). */
function time(ops, op) {
  for (let i = 0; i < Math.min(ops, 10_000); i++) op(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) op(i);
  return Number(process.hrtime.bigint() - started) / ops;
}

const OPS = 100_000;
const cases = [
  ['ZADD (new member)', 'zset', (n) => (i) => run('ZADD', 'k', String(n + i), `new${i}`)],
  ['ZRANK', 'zset', (n) => (i) => run('ZRANK', 'k', `m${(i * 7919) % n}`)],
  ['ZRANGEBYSCORE (10 results)', 'zset', (n) => (i) => {
    const at = (i * 7919) % (n - 10);
    run('ZRANGEBYSCORE', 'k', String(at), String(at + 9));
  }],
  ['LPUSH', 'list', () => (i) => run('LPUSH', 'k', `x${i}`)],
  ['LINDEX (middle)', 'list', (n) => () => run('LINDEX', 'k', String(Math.floor(n / 2)))],
  ['SADD (new member)', 'set', () => (i) => run('SADD', 'k', `new${i}`)],
  ['HSET (new field)', 'hash', () => (i) => run('HSET', 'k', `new${i}`, 'v')],
];

const rows = [];
for (const [name, kind, make] of cases) {
  const costs = [];
  for (const n of [1_000, 1_000_000]) {
    fill(kind, 'k', n);
    costs.push(time(OPS, make(n)));
  }
  rows.push([name, costs[0], costs[1]]);
}

function bytesPerElement(kind, keys, perKey) {
  run('FLUSHALL');
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let k = 0; k < keys; k++) fill(kind, `c${k}`, perKey);
  globalThis.gc?.();
  return (process.memoryUsage().heapUsed - before) / (keys * perKey);
}

console.log('| operation | ns/op at 1,000 elements | ns/op at 1,000,000 elements | ratio |');
console.log('|---|---:|---:|---:|');
for (const [name, a, b] of rows) console.log(`| ${name} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(b / a).toFixed(2)}× |`);
console.log('');
console.log('| collection (10,000 keys × 10 elements) | heap bytes per element |');
console.log('|---|---:|');
for (const kind of ['list', 'hash', 'set', 'zset']) {
  console.log(`| ${kind} | ${bytesPerElement(kind, 10_000, 10).toFixed(0)} |`);
}
if (!globalThis.gc) console.log('\n(run with node --expose-gc for stable memory figures)');
