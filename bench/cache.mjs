// The cache workload of issue 6: maxmemory 64mb, a seeded Zipf-distributed stream of keys
// over a key space ten times larger than fits, each request a GET and, on a miss, a SET of
// a 1 KB value. Cairn and redis-server run the same stream, alternating, under
// allkeys-lru and allkeys-lfu; reported per run: hit ratio (second half of the stream,
// after warm-up), process RSS at the end against maxmemory, evicted_keys, p99 and max
// request latency. Medians over rounds.
//
//   npm run bench:cache [-- --requests 600000 --rounds 2 --clients 32 --maxmemory-mb 64 --keyspace 600000]
//   BENCH_POLICIES=allkeys-lru npm run bench:cache    (one policy)
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { requireTools, rssKb, startServer } from './common.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const MAXMEMORY_MB = opt('maxmemory-mb', 64);
const MAXMEMORY = MAXMEMORY_MB * 1024 * 1024;
const VALUE = 'v'.repeat(1024);
// About 55-60 k of these keys fit in 64 MB on either server: ten times that many exist.
const KEYSPACE = opt('keyspace', 600_000);
const REQUESTS = opt('requests', 600_000);
const ROUNDS = opt('rounds', 2);
const CLIENTS = opt('clients', 32);
const ZIPF_S = 0.99;

requireTools(['redis-server', 'redis-cli']);

/** Seeded xorshift32 in [0, 1). */
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** The request stream: key ids drawn from a Zipf distribution, ranks shuffled over ids. */
function stream(seed) {
  const cdf = new Float64Array(KEYSPACE);
  let sum = 0;
  for (let i = 0; i < KEYSPACE; i++) cdf[i] = sum += 1 / Math.pow(i + 1, ZIPF_S);
  const rand = random(seed);
  const ids = new Uint32Array(KEYSPACE);
  for (let i = 0; i < KEYSPACE; i++) ids[i] = i;
  for (let i = KEYSPACE - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const out = new Uint32Array(REQUESTS);
  for (let r = 0; r < REQUESTS; r++) {
    const u = rand() * sum;
    let lo = 0;
    let hi = KEYSPACE - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    out[r] = ids[lo];
  }
  return out;
}

const bulk = (s) => `$${s.length}\r\n${s}\r\n`;

/** One connection, one request in flight: resolves with the raw reply. */
function connection(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = '';
    let waiter = null;
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      buf += d;
      if (waiter === null) return;
      const end = replyEnd(buf);
      if (end < 0) return;
      const reply = buf.slice(0, end);
      buf = buf.slice(end);
      const w = waiter;
      waiter = null;
      w(reply);
    });
    socket.on('error', reject);
    socket.on('connect', () =>
      resolve({
        send: (text) =>
          new Promise((r) => {
            waiter = r;
            socket.write(text, 'latin1');
          }),
        close: () => socket.destroy(),
      }),
    );
  });
}

/** End of a GET/SET/INFO reply at the start of buf, or -1. */
function replyEnd(buf) {
  const nl = buf.indexOf('\r\n');
  if (nl < 0) return -1;
  if (buf[0] !== '$') return nl + 2;
  const len = Number(buf.slice(1, nl));
  if (len < 0) return nl + 2;
  return buf.length >= nl + 2 + len + 2 ? nl + 2 + len + 2 : -1;
}

function info(port, field) {
  const text = spawnSync('redis-cli', ['-p', String(port), 'INFO'], { encoding: 'utf8' }).stdout;
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  return m ? m[1].trim() : '';
}

async function run(kind, policy, keys) {
  const server = await startServer(kind, ['--maxmemory', String(MAXMEMORY), '--maxmemory-policy', policy, '--appendonly', 'no'], { cpu: 0 });
  try {
    const conns = await Promise.all(Array.from({ length: CLIENTS }, () => connection(server.port)));
    const latencies = new Float64Array(REQUESTS);
    let next = 0;
    let hits = 0;
    let measured = 0;
    const half = REQUESTS >> 1;
    await Promise.all(
      conns.map(async (c) => {
        for (;;) {
          const i = next++;
          if (i >= REQUESTS) return;
          const key = 'key:' + keys[i];
          const started = performance.now();
          const reply = await c.send(`*2\r\n$3\r\nGET\r\n${bulk(key)}`);
          const hit = reply[1] !== '-';
          if (!hit) await c.send(`*3\r\n$3\r\nSET\r\n${bulk(key)}${bulk(VALUE)}`);
          latencies[i] = performance.now() - started;
          if (i >= half) {
            measured++;
            if (hit) hits++;
          }
        }
      }),
    );
    for (const c of conns) c.close();
    const sorted = Array.from(latencies).sort((a, b) => a - b);
    return {
      hitRatio: (hits / measured) * 100,
      rssMb: rssKb(server.pid) / 1024,
      usedMb: Number(info(server.port, 'used_memory')) / 1048576,
      evicted: Number(info(server.port, 'evicted_keys')),
      allocatedMb: Number(info(server.port, 'allocator_allocated')) / 1048576,
      p99: sorted[Math.floor(sorted.length * 0.99)],
      max: sorted[sorted.length - 1],
    };
  } finally {
    await server.stop();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const keys = stream(20261122);
console.log(`cache workload: maxmemory ${MAXMEMORY_MB}mb, ${KEYSPACE} keys (Zipf s=${ZIPF_S}), ${REQUESTS} requests, 1 KB values, ${CLIENTS} clients, ${ROUNDS} rounds`);
const rows = [];
for (const policy of (process.env.BENCH_POLICIES ?? 'allkeys-lru,allkeys-lfu').split(',')) {
  const results = { redis: [], cairn: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? ['redis', 'cairn'] : ['cairn', 'redis']) {
      const r = await run(kind, policy, keys);
      results[kind].push(r);
      console.log(`  ${policy} ${kind.padEnd(5)} round ${round + 1}: hit ${r.hitRatio.toFixed(2)} %, RSS ${r.rssMb.toFixed(1)} MB, used_memory ${r.usedMb.toFixed(1)} MB, allocator ${r.allocatedMb.toFixed(1)} MB, evicted ${r.evicted}, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms`);
    }
  }
  for (const kind of ['redis', 'cairn']) {
    const rs = results[kind];
    rows.push({
      policy,
      kind,
      hit: median(rs.map((r) => r.hitRatio)),
      rss: median(rs.map((r) => r.rssMb)),
      evicted: median(rs.map((r) => r.evicted)),
      p99: median(rs.map((r) => r.p99)),
      max: median(rs.map((r) => r.max)),
    });
  }
}
console.log('\n| policy | server | hit ratio | RSS / maxmemory | evicted_keys | p99 latency | max latency |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.policy} | ${r.kind} | ${r.hit.toFixed(2)} % | ${(r.rss / MAXMEMORY_MB).toFixed(2)} (${r.rss.toFixed(0)} MB) | ${Math.round(r.evicted)} | ${r.p99.toFixed(2)} ms | ${r.max.toFixed(1)} ms |`);
}
