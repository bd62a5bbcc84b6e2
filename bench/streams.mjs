#!/usr/bin/env node
/**
 * Streams at 1,000,000 entries, Cairn against redis-server in the same run, alternating:
 * XADD of 1 M entries (auto IDs, pipelined), then with the stream at 1 M: XRANGE from the
 * middle (COUNT 10), XREVRANGE from the end (COUNT 10), XLEN, XADD with MAXLEN ~ 1000000,
 * and the server's RSS per entry. Medians of requests/s over rounds, Cairn/Redis ratios.
 *
 *   npm run bench:streams     BENCH_ENTRIES (default 1000000), BENCH_N (100000), BENCH_ROUNDS (2)
 */
import { spawnSync } from 'node:child_process';
import { requireTools, rssKb, startServer } from './common.mjs';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const N = Number(process.env.BENCH_N ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
requireTools(['redis-server', 'redis-benchmark', 'redis-cli']);

function cli(port, ...args) {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();
}

/** requests/s of one redis-benchmark run of a command, on core 1. */
function rps(port, n, pipeline, args) {
  const r = spawnSync('taskset', ['-c', '1', 'redis-benchmark', '-p', String(port), '-n', String(n), '-c', '50', '-P', String(pipeline), '--csv', ...args], {
    encoding: 'utf8',
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('"') && !l.startsWith('"test"'));
  if (!line) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  return Number(line.split(',')[1].replaceAll('"', ''));
}

const results = new Map();
const record = (name, kind, value) => results.set(`${name}|${kind}`, [...(results.get(`${name}|${kind}`) ?? []), value]);
const names = [];
const note = (name) => {
  if (!names.includes(name)) names.push(name);
};

for (let round = 0; round < ROUNDS; round++) {
  for (const kind of round % 2 === 0 ? ['redis', 'cairn'] : ['cairn', 'redis']) {
    const server = await startServer(kind, ['--appendonly', 'no'], { cpu: 0 });
    try {
      const before = rssKb(server.pid);
      const fill = `XADD of ${ENTRIES} entries (-P 16)`;
      note(fill);
      record(fill, kind, rps(server.port, ENTRIES, 16, ['XADD', 'bench:s', '*', 'field', 'value-0123456789']));
      const len = Number(cli(server.port, 'XLEN', 'bench:s'));
      if (len !== ENTRIES) throw new Error(`${kind}: XLEN ${len}, expected ${ENTRIES}`);
      const perEntry = 'RSS bytes per entry';
      note(perEntry);
      record(perEntry, kind, ((rssKb(server.pid) - before) * 1024) / ENTRIES);
      const first = cli(server.port, 'XRANGE', 'bench:s', '-', '+', 'COUNT', '1').split('\n')[0];
      const last = cli(server.port, 'XREVRANGE', 'bench:s', '+', '-', 'COUNT', '1').split('\n')[0];
      const mid = String(Math.floor((Number(first.split('-')[0]) + Number(last.split('-')[0])) / 2));
      for (const [name, pipeline, args] of [
        ['XRANGE middle COUNT 10', 1, ['XRANGE', 'bench:s', mid, '+', 'COUNT', '10']],
        ['XREVRANGE end COUNT 10', 1, ['XREVRANGE', 'bench:s', '+', '-', 'COUNT', '10']],
        ['XLEN', 1, ['XLEN', 'bench:s']],
        ['XADD MAXLEN ~ 1000000 (-P 16)', 16, ['XADD', 'bench:s', 'MAXLEN', '~', String(ENTRIES), '*', 'field', 'value-0123456789']],
      ]) {
        note(name);
        record(name, kind, rps(server.port, N, pipeline, args));
        process.stdout.write('.');
      }
    } finally {
      await server.stop();
    }
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nStreams at ${ENTRIES} entries, 50 clients; medians of ${ROUNDS} rounds (requests/s unless stated)\n`);
console.log('| test | Redis | Cairn | Cairn/Redis |');
console.log('|---|---:|---:|---:|');
for (const name of names) {
  const redis = median(results.get(`${name}|redis`));
  const cairn = median(results.get(`${name}|cairn`));
  console.log(`| ${name} | ${Math.round(redis)} | ${Math.round(cairn)} | ${(cairn / redis).toFixed(2)} |`);
}
