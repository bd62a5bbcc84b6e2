#!/usr/bin/env node
/**
 * Cairn against a real redis-server, in one run, alternating (A B A B ...):
 * redis-benchmark per test at -P 1 and -P 16, and a large-keyspace run after filling
 * 1 M keys. Each server is pinned to core 0 and redis-benchmark to core 1 (taskset).
 *
 * Per test it reports requests/s, server CPU µs per request (utime+stime from
 * /proc/PID/stat around the run), p99 and max latency; medians over rounds, and the
 * Cairn/Redis ratio of the medians, and the median of the per-round ratios: each round
 * runs the two servers back to back, so a round's ratio compares them under the same load
 * from the rest of a shared machine, where the ratio of medians can pair a quiet run of
 * one with a loaded run of the other. On a 2-core machine redis-benchmark itself is often
 * the bottleneck, so CPU per request is the figure to read.
 *
 * Environment: BENCH_N (requests per test, default 500000), BENCH_ROUNDS (default 3),
 * BENCH_TESTS (comma list), BENCH_SKIP_LARGE=1, BENCH_SKIP_SMALL=1 (only the large-keyspace
 * run), BENCH_JSON=path to also write results.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAIRN_NODE_ARGS, freePort, requireTools, waitPing } from './common.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_N ?? 500_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ALL_TESTS = ['set', 'get', 'incr', 'lpush', 'rpush', 'lpop', 'rpop', 'sadd', 'hset', 'spop', 'zadd', 'mset'];
const TESTS = (process.env.BENCH_TESTS ?? ALL_TESTS.join(',')).split(',');
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const haveTaskset = spawnSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' }).status === 0;
requireTools(['redis-server', 'redis-benchmark']);
const pin = (core, cmd, args) => (haveTaskset ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);

async function startServer(kind) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  const [cmd, args] =
    kind === 'redis'
      ? pin(0, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir])
      : pin(0, process.execPath, [...CAIRN_NODE_ARGS, join(ROOT, 'bin', 'cairn-server'), '--port', String(port), '--save', '', '--dir', dir]);
  const child = spawn(cmd, args, { stdio: 'ignore' });
  await waitPing(port);
  // With taskset, the server is the child of taskset's exec: same PID.
  return {
    kind,
    port,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function benchmark(server, args) {
  const [cmd, cargs] = pin(1, 'redis-benchmark', ['-p', String(server.port), '--csv', ...args]);
  const before = cpuTicks(server.pid);
  const res = spawnSync(cmd, cargs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const after = cpuTicks(server.pid);
  if (res.status !== 0) throw new Error(`redis-benchmark failed: ${res.stderr}`);
  const rows = res.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('"') && !l.startsWith('"test"'))
    .map((l) => l.split(',').map((f) => f.replace(/"/g, '')));
  return { rows, cpuSeconds: (after - before) / CLK_TCK };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One redis-benchmark invocation per test, so CPU is attributed to that test alone. */
function runTest(server, test, extra, requests) {
  const { rows, cpuSeconds } = benchmark(server, ['-t', test, '-n', String(requests), ...extra]);
  const row = rows[0];
  // MSET sends 10 keys per request; requests are what redis-benchmark counts.
  return {
    rps: Number(row[1]),
    p99: Number(row[6]),
    max: Number(row[7]),
    cpuUsPerReq: (cpuSeconds * 1e6) / requests,
  };
}

async function main() {
  const redis = await startServer('redis');
  const cairn = await startServer('cairn');
  const servers = [redis, cairn];
  const results = {};
  const record = (suite, test, kind, r) => {
    const key = `${suite} ${test}`;
    results[key] ??= { redis: [], cairn: [] };
    results[key][kind].push(r);
  };
  const unsupported = new Set();
  try {
    // Cairn answers commands it does not implement yet with an error; measuring those
    // would compare error replies with real work.
    for (const test of TESTS) {
      const probe = spawnSync('redis-benchmark', ['-p', String(cairn.port), '-t', test, '-n', '10', '-c', '1'], { encoding: 'utf8' });
      if (/ERR unknown command/.test(probe.stdout + probe.stderr)) unsupported.add(test);
    }
    for (let round = 0; round < (process.env.BENCH_SKIP_SMALL ? 0 : ROUNDS); round++) {
      for (const pipeline of [1, 16]) {
        for (const test of TESTS) {
          for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
            if (server.kind === 'cairn' && unsupported.has(test)) continue;
            spawnSync('redis-cli', ['-p', String(server.port), 'FLUSHALL']);
            record(`P${pipeline}`, test, server.kind, runTest(server, test, ['-c', '50', '-P', String(pipeline)], N));
          }
        }
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
    if (!process.env.BENCH_SKIP_LARGE) {
      const fill = 1_000_000;
      for (const server of servers) {
        spawnSync('redis-cli', ['-p', String(server.port), 'FLUSHALL']);
        benchmark(server, ['-t', 'set', '-n', String(fill * 2), '-r', String(fill), '-d', '100', '-P', '16', '-c', '50']);
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const test of ['set', 'get']) {
          for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
            record('1M keys P16', test, server.kind, runTest(server, test, ['-r', '1000000', '-d', '100', '-P', '16', '-c', '50'], N));
          }
        }
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }

  const lines = [];
  lines.push(`requests per test: ${N}, rounds: ${ROUNDS}, 50 clients; medians; ratios = Cairn/Redis (of the medians, and the median of each round's ratio)`);
  lines.push('');
  lines.push('| run | test | Redis req/s | Cairn req/s | Redis CPU µs/req | Cairn CPU µs/req | CPU ratio | CPU ratio per round | Redis p99 ms | Cairn p99 ms | Redis max ms | Cairn max ms |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const summary = {};
  for (const [key, { redis: r, cairn: c }] of Object.entries(results)) {
    const [suite, test] = key.split(' ').length === 2 ? key.split(' ') : [key.slice(0, key.lastIndexOf(' ')), key.slice(key.lastIndexOf(' ') + 1)];
    if (c.length === 0) {
      lines.push(`| ${suite} | ${test} | ${Math.round(median(r.map((x) => x.rps)))} | not yet supported | ${median(r.map((x) => x.cpuUsPerReq)).toFixed(2)} | | | | | | | |`);
      continue;
    }
    const m = (xs, f) => median(xs.map(f));
    const row = {
      redisRps: m(r, (x) => x.rps),
      cairnRps: m(c, (x) => x.rps),
      redisCpu: m(r, (x) => x.cpuUsPerReq),
      cairnCpu: m(c, (x) => x.cpuUsPerReq),
      redisP99: m(r, (x) => x.p99),
      cairnP99: m(c, (x) => x.p99),
      redisMax: m(r, (x) => x.max),
      cairnMax: m(c, (x) => x.max),
      // Round i of one server ran next to round i of the other.
      pairedRatio: median(c.map((x, i) => x.cpuUsPerReq / r[i].cpuUsPerReq)),
    };
    summary[key] = row;
    lines.push(
      `| ${suite} | ${test} | ${Math.round(row.redisRps)} | ${Math.round(row.cairnRps)} | ${row.redisCpu.toFixed(2)} | ${row.cairnCpu.toFixed(2)} | ${(row.cairnCpu / row.redisCpu).toFixed(2)}× | ${row.pairedRatio.toFixed(2)}× | ${row.redisP99.toFixed(2)} | ${row.cairnP99.toFixed(2)} | ${row.redisMax.toFixed(1)} | ${row.cairnMax.toFixed(1)} |`,
    );
  }
  console.log(lines.join('\n'));
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify({ N, ROUNDS, results, summary }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
