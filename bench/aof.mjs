#!/usr/bin/env node
/**
 * Writes with the append-only file on, Cairn against redis-server in the same run,
 * alternating: redis-benchmark SET with 50 clients under appendfsync always, everysec and
 * no, plus appendonly no as the reference. Reports requests/s (medians over rounds) and
 * the Cairn/Redis ratio. Under `always` the disk's fsync latency bounds both servers;
 * what matters is that sharing one fsync among the clients waiting for it keeps Cairn's
 * throughput near Redis's instead of collapsing to one fsync per write.
 *
 *   npm run bench:aof          BENCH_N (requests per run, default 100000), BENCH_ROUNDS (3)
 */
import { spawnSync } from 'node:child_process';
import { requireTools, startServer } from './common.mjs';

const N = Number(process.env.BENCH_N ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
requireTools(['redis-server', 'redis-benchmark']);

const MODES = [
  ['appendonly no', ['--appendonly', 'no']],
  ['appendfsync no', ['--appendonly', 'yes', '--appendfsync', 'no']],
  ['appendfsync everysec', ['--appendonly', 'yes', '--appendfsync', 'everysec']],
  ['appendfsync always', ['--appendonly', 'yes', '--appendfsync', 'always']],
];

const start = (kind, args) => startServer(kind, [...args, '--auto-aof-rewrite-percentage', '0']);

function benchmark(port) {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-t', 'set', '-n', String(N), '-c', '50', '-r', '100000', '--csv'], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('"SET"'));
  if (!line) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  return Number(line.split(',')[1].replaceAll('"', ''));
}

const results = new Map();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, args] of MODES) {
    for (const kind of round % 2 === 0 ? ['redis', 'cairn'] : ['cairn', 'redis']) {
      const server = await start(kind, args);
      try {
        const rps = benchmark(server.port);
        const key = `${name}|${kind}`;
        results.set(key, [...(results.get(key) ?? []), rps]);
      } finally {
        await server.stop();
      }
      process.stdout.write('.');
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nSET, ${N} requests, 50 clients, random keys; medians of ${ROUNDS} rounds\n`);
console.log('| mode | Redis req/s | Cairn req/s | Cairn/Redis |');
console.log('|---|---:|---:|---:|');
for (const [name] of MODES) {
  const redis = median(results.get(`${name}|redis`));
  const cairn = median(results.get(`${name}|cairn`));
  console.log(`| ${name} | ${Math.round(redis)} | ${Math.round(cairn)} | ${(cairn / redis).toFixed(2)} |`);
}
