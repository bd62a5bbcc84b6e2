#!/usr/bin/env node
/**
 * Lua scripting, Cairn against redis-server in the same run, alternating: redis-benchmark
 * EVALSHA of scripts making 1 and 100 redis.call()s, and a pure-Lua loop, 50 clients.
 * Reports requests/s (medians over rounds) and the Cairn/Redis ratio. The 100-call script
 * measures the cost of crossing between Lua (WebAssembly) and the engine per redis.call.
 *
 *   npm run bench:scripting     BENCH_N (requests per run, default 50000), BENCH_ROUNDS (3)
 */
import { spawnSync } from 'node:child_process';
import { requireTools, startServer } from './common.mjs';

const N = Number(process.env.BENCH_N ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
requireTools(['redis-server', 'redis-benchmark', 'redis-cli']);

const SCRIPTS = [
  ['1 redis.call (INCR)', "return redis.call('incr', KEYS[1])"],
  ['100 redis.calls (INCR)', "local n = 0 for i = 1, 100 do n = redis.call('incr', KEYS[1]) end return n"],
  ['Lua only (10k-step loop)', 'local s = 0 for i = 1, 10000 do s = s + i % 7 end return s'],
];

const start = (kind) => startServer(kind, ['--appendonly', 'no'], { cpu: 0 });

function benchmark(port, body) {
  const sha = spawnSync('redis-cli', ['-p', String(port), 'SCRIPT', 'LOAD', body], { encoding: 'utf8' }).stdout.trim();
  const r = spawnSync('taskset', ['-c', '1', 'redis-benchmark', '-p', String(port), '-n', String(N), '-c', '50', '--csv', 'EVALSHA', sha, '1', 'bench:counter'], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('"EVALSHA'));
  if (!line) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  return Number(line.split(',')[1].replaceAll('"', ''));
}

const results = new Map();
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of round % 2 === 0 ? ['redis', 'cairn'] : ['cairn', 'redis']) {
    const server = await start(kind);
    try {
      for (const [name, body] of SCRIPTS) {
        const key = `${name}|${kind}`;
        results.set(key, [...(results.get(key) ?? []), benchmark(server.port, body)]);
        process.stdout.write('.');
      }
    } finally {
      await server.stop();
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nEVALSHA, ${N} requests, 50 clients; medians of ${ROUNDS} rounds\n`);
console.log('| script | Redis req/s | Cairn req/s | Cairn/Redis |');
console.log('|---|---:|---:|---:|');
for (const [name] of SCRIPTS) {
  const redis = median(results.get(`${name}|redis`));
  const cairn = median(results.get(`${name}|cairn`));
  console.log(`| ${name} | ${Math.round(redis)} | ${Math.round(cairn)} | ${(cairn / redis).toFixed(2)} |`);
}
