#!/usr/bin/env node
/**
 * BGSAVE of a large dataset while clients keep being served, Cairn against redis-server
 * in the same run. For each server: fill KEYS keys, then run BGSAVE while one client sends
 * PINGs back to back; report how long the snapshot took, the worst and p99 PING latency
 * during it, and the server's resident memory before and at its peak during the save
 * (Redis: the parent only; its forked child's copy-on-write pages are reported by Redis
 * as rdb_last_cow_size).
 *
 * Environment: BENCH_KEYS (default 1000000), BENCH_VALUE (value bytes, default 32),
 * BENCH_OP=bgrewriteaof to measure an AOF rewrite (appendonly yes) instead of BGSAVE.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, rssKb } from './common.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const VALUE = 'v'.repeat(Number(process.env.BENCH_VALUE ?? 32));
const AOF = process.env.BENCH_OP === 'bgrewriteaof';
const OP = AOF
  ? { command: 'BGREWRITEAOF', running: /aof_rewrite_in_progress:0/, status: /aof_last_bgrewrite_status:(\w+)/, cow: /aof_last_cow_size:(\d+)/, args: ['--appendonly', 'yes', '--auto-aof-rewrite-percentage', '0'] }
  : { command: 'BGSAVE', running: /rdb_bgsave_in_progress:0/, status: /rdb_last_bgsave_status:(\w+)/, cow: /rdb_last_cow_size:(\d+)/, args: [] };

/** A minimal pipelining client: send raw RESP, count complete simple/bulk replies. */
class Client {
  static async connect(port) {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r, j) => socket.once('connect', r).once('error', j));
    return new Client(socket);
  }
  constructor(socket) {
    this.socket = socket;
    this.buf = '';
    this.waiters = [];
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      this.buf += d.toString('latin1');
      this.drain();
    });
  }
  drain() {
    for (;;) {
      if (this.waiters.length === 0) return;
      const end = replyEnd(this.buf);
      if (end < 0) return;
      const reply = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      this.waiters.shift()(reply);
    }
  }
  send(...argv) {
    let s = `*${argv.length}\r\n`;
    for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
    this.socket.write(s, 'latin1');
    return new Promise((r) => {
      this.waiters.push(r);
      this.drain();
    });
  }
  close() {
    this.socket.destroy();
  }
}

function replyEnd(buf) {
  const nl = buf.indexOf('\r\n');
  if (nl < 0) return -1;
  if (buf[0] === '$') {
    const len = Number(buf.slice(1, nl));
    if (len < 0) return nl + 2;
    return buf.length >= nl + 2 + len + 2 ? nl + 2 + len + 2 : -1;
  }
  return nl + 2;
}

async function start(kind) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `snapbench-${kind}-`));
  const args =
    kind === 'redis'
      ? ['redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...OP.args]]
      : [process.execPath, [join(ROOT, 'bin', 'cairn-server'), '--port', String(port), '--save', '', '--dir', dir, ...OP.args]];
  const child = spawn(args[0], args[1], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).stdout.trim() === 'PONG') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
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

async function measure(kind) {
  const server = await start(kind);
  const c = await Client.connect(server.port);
  const batch = 1000;
  const pending = [];
  for (let i = 0; i < KEYS; i += batch) {
    const argv = ['MSET'];
    for (let j = i; j < Math.min(KEYS, i + batch); j++) argv.push(`key:${j}`, VALUE);
    pending.push(c.send(...argv));
    if (pending.length >= 16) await pending.shift();
  }
  await Promise.all(pending);
  await new Promise((r) => setTimeout(r, 500));
  const rssBefore = rssKb(server.pid);
  const probe = await Client.connect(server.port);
  const started = performance.now();
  await c.send(OP.command);
  let peak = rssBefore;
  const latencies = [];
  let done = false;
  const poll = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, 20));
      peak = Math.max(peak, rssKb(server.pid));
      const info = await c.send('INFO', 'persistence');
      if (OP.running.test(info)) done = true;
    }
  })();
  while (!done) {
    const t = performance.now();
    await probe.send('PING');
    latencies.push(performance.now() - t);
  }
  await poll;
  const seconds = (performance.now() - started) / 1000;
  const info = await c.send('INFO', 'persistence');
  const cow = Number(OP.cow.exec(info)?.[1] ?? 0);
  const status = OP.status.exec(info)?.[1];
  latencies.sort((a, b) => a - b);
  probe.close();
  c.close();
  await server.stop();
  return {
    kind,
    seconds,
    status,
    pings: latencies.length,
    maxMs: latencies[latencies.length - 1] ?? 0,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    rssBeforeMb: rssBefore / 1024,
    rssPeakMb: peak / 1024,
    cowMb: cow / 1048576,
  };
}

const results = [];
for (const kind of ['cairn', 'redis']) results.push(await measure(kind));
console.log(`${OP.command} of ${KEYS} keys (${VALUE.length}-byte values) while one client PINGs back to back\n`);
console.log('| server | save time s | PINGs served | worst PING ms | p99 PING ms | RSS before MB | RSS peak MB | growth | fork COW MB |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.kind} | ${r.seconds.toFixed(2)} | ${r.pings} | ${r.maxMs.toFixed(1)} | ${r.p99Ms.toFixed(2)} | ${r.rssBeforeMb.toFixed(0)} | ${r.rssPeakMb.toFixed(0)} | ${(((r.rssPeakMb - r.rssBeforeMb) / r.rssBeforeMb) * 100).toFixed(1)}% | ${r.kind === 'redis' ? r.cowMb.toFixed(1) : '-'} |`,
  );
  if (r.status !== 'ok') console.log(`  (${r.kind}: last ${OP.command} status ${r.status})`);
}
