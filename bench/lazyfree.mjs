#!/usr/bin/env node
/**
 * Dropping huge values without stalling other clients, Cairn against redis-server,
 * alternating: a hash, a list, a set and a sorted set of BENCH_ELEMENTS elements each are
 * built, then UNLINKed (and DELed, and a keyspace of that many keys FLUSHALL ASYNCed)
 * while another client sends a PING every millisecond. Reports, per operation, the
 * operation's own reply time and the worst and 99th-percentile PING round trip in the
 * two seconds after it (when Cairn's garbage collector reclaims the value).
 *
 *   npm run bench:lazyfree      BENCH_ELEMENTS (default 1000000), BENCH_ROUNDS (2)
 */
import net from 'node:net';
import { requireTools, startServer } from './common.mjs';

const ELEMENTS = Number(process.env.BENCH_ELEMENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
requireTools(['redis-server']);

function encode(argv) {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

/** A minimal client: send commands, await replies in order (replies counted, not parsed). */
async function connect(port) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  let pending = [];
  let buf = '';
  socket.on('data', (d) => {
    buf += d.toString('latin1');
    // Simple replies only (+, :, -): what every command here answers.
    let at;
    while ((at = buf.indexOf('\r\n')) !== -1) {
      buf = buf.slice(at + 2);
      pending.shift()?.();
    }
  });
  return {
    send(argvs) {
      const done = argvs.map(() => new Promise((r) => pending.push(r)));
      socket.write(argvs.map(encode).join(''));
      return Promise.all(done);
    },
    close: () => socket.destroy(),
  };
}

async function fill(c, kind, key) {
  const batch = 1000;
  for (let i = 0; i < ELEMENTS; i += batch * 10) {
    const cmds = [];
    for (let j = i; j < Math.min(ELEMENTS, i + batch * 10); j += batch) {
      const args = [];
      for (let k = j; k < Math.min(ELEMENTS, j + batch); k++) {
        if (kind === 'hash') args.push(`field:${k}`, `value:${k}`);
        else if (kind === 'zset') args.push(String(k), `member:${k}`);
        else args.push(`member:${k}`);
      }
      if (kind === 'keys') {
        const mset = [];
        for (let k = j; k < Math.min(ELEMENTS, j + batch); k++) mset.push(`key:${k}`, `v${k}`);
        cmds.push(['MSET', ...mset]);
      } else cmds.push([{ hash: 'HSET', list: 'RPUSH', set: 'SADD', zset: 'ZADD' }[kind], key, ...args]);
    }
    await c.send(cmds);
  }
}

/** Runs op while PINGs go every ms; returns the op's reply time and the PING round trips after it. */
async function probe(port, op) {
  const pinger = await connect(port);
  const rtts = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      await pinger.send([['PING']]);
      rtts.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  await new Promise((r) => setTimeout(r, 200));
  rtts.length = 0;
  const t = performance.now();
  await op();
  const opMs = performance.now() - t;
  await new Promise((r) => setTimeout(r, 2000));
  running = false;
  await loop;
  pinger.close();
  const sorted = [...rtts].sort((a, b) => a - b);
  return { opMs, max: sorted[sorted.length - 1] ?? 0, p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0 };
}

const OPS = [
  ['UNLINK hash', 'hash', (c) => c.send([['UNLINK', 'big']])],
  ['UNLINK zset', 'zset', (c) => c.send([['UNLINK', 'big']])],
  ['DEL list', 'list', (c) => c.send([['DEL', 'big']])],
  ['DEL set', 'set', (c) => c.send([['DEL', 'big']])],
  [`FLUSHALL ASYNC (${ELEMENTS} keys)`, 'keys', (c) => c.send([['FLUSHALL', 'ASYNC']])],
];

const results = new Map();
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of round % 2 === 0 ? ['redis', 'cairn'] : ['cairn', 'redis']) {
    const server = await startServer(kind, ['--appendonly', 'no']);
    try {
      const c = await connect(server.port);
      for (const [name, type, op] of OPS) {
        await fill(c, type, 'big');
        const r = await probe(server.port, () => op(c));
        results.set(`${name}|${kind}`, [...(results.get(`${name}|${kind}`) ?? []), r]);
        process.stdout.write('.');
      }
      c.close();
    } finally {
      await server.stop();
    }
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nDropping values of ${ELEMENTS} elements while a client PINGs every ms; medians of ${ROUNDS} rounds (ms)\n`);
console.log('| operation | server | reply | worst PING after | p99 PING after |');
console.log('|---|---|---:|---:|---:|');
for (const [name] of OPS) {
  for (const kind of ['redis', 'cairn']) {
    const rs = results.get(`${name}|${kind}`);
    const f = (k) => median(rs.map((r) => r[k])).toFixed(2);
    console.log(`| ${name} | ${kind} | ${f('opMs')} | ${f('max')} | ${f('p99')} |`);
  }
}
