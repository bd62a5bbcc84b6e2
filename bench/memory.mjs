// Memory per key, Cairn beside redis-server, and how close Cairn's used_memory estimate
// is to the heap it describes.
//
//   npm run bench:memory [-- --scale 1]
//
// 1. Bytes per key (used_memory and RSS growth over the load, divided by the keys) for
//    1 M small strings, 1 M small hashes (5 fields) and 100 k sorted sets of 100 members,
//    each loaded into a fresh server of each kind through a pipelined socket.
// 2. Accounting error: an in-process engine is loaded with 1 M keys of mixed types; the
//    growth of its dataset estimate is compared with the growth of the V8 heap after a
//    full GC. Run with node --expose-gc (the npm script does).
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { requireTools, rssKb, startServer } from './common.mjs';
import { ConfigValues, Engine, Logger } from '../dist/src/index.js';
import { detachedTransport } from '../dist/src/engine/session.js';
import { RespWriter } from '../dist/src/protocol/reply.js';

const args = process.argv.slice(2);
const scaleAt = args.indexOf('--scale');
const SCALE = scaleAt >= 0 ? Number(args[scaleAt + 1]) : 1;
requireTools(['redis-server', 'redis-cli']);
if (typeof gc !== 'function') {
  console.error('run with node --expose-gc (npm run bench:memory)');
  process.exit(1);
}

const encode = (argv) => `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('');

const datasets = [
  { name: 'small strings (1 M keys, 10-byte values)', keys: 1_000_000 * SCALE, command: (i) => [['SET', `key:${i}`, `value:${i % 10000}`.padEnd(10, '0')]] },
  {
    name: 'small hashes (1 M keys, 5 fields)',
    keys: 1_000_000 * SCALE,
    command: (i) => [['HSET', `user:${i}`, 'name', `user${i}`, 'age', String(i % 90), 'city', 'Lisbon', 'score', String(i % 1000), 'active', '1']],
  },
  {
    name: 'sorted sets (100 k keys, 100 members)',
    keys: 100_000 * SCALE,
    command: (i) => {
      const argv = ['ZADD', `board:${i}`];
      for (let m = 0; m < 100; m++) argv.push(String((m * 37 + i) % 1000), `player:${m}`);
      return [argv];
    },
  },
];

/** Sends every command, pipelined in batches, and waits for all the replies. */
function load(port, keys, command) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let sent = 0;
    let expected = 0;
    let received = 0;
    const BATCH = 2000;
    const sendBatch = () => {
      let text = '';
      const end = Math.min(keys, sent + BATCH);
      for (; sent < end; sent++) {
        for (const argv of command(sent)) {
          text += encode(argv);
          expected++;
        }
      }
      socket.write(text, 'latin1');
    };
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      for (let i = d.indexOf('\n'); i >= 0; i = d.indexOf('\n', i + 1)) received++;
      if (received === expected) {
        if (sent < keys) sendBatch();
        else {
          socket.destroy();
          resolve();
        }
      }
    });
    socket.on('error', reject);
    socket.on('connect', sendBatch);
  });
}

function usedMemory(port) {
  const text = spawnSync('redis-cli', ['-p', String(port), 'INFO', 'memory'], { encoding: 'utf8' }).stdout;
  return Number(/^used_memory:(\d+)/m.exec(text)[1]);
}

console.log('| dataset | Redis used_memory/key | Cairn used_memory/key | Redis RSS/key | Cairn RSS/key | Cairn/Redis (RSS) |');
console.log('|---|---|---|---|---|---|');
for (const d of datasets) {
  const row = {};
  for (const kind of ['redis', 'cairn']) {
    const server = await startServer(kind, ['--appendonly', 'no']);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const used0 = usedMemory(server.port);
      const rss0 = rssKb(server.pid) * 1024;
      await load(server.port, d.keys, d.command);
      await new Promise((r) => setTimeout(r, 500));
      row[kind] = { used: (usedMemory(server.port) - used0) / d.keys, rss: (rssKb(server.pid) * 1024 - rss0) / d.keys };
    } finally {
      await server.stop();
    }
  }
  console.log(
    `| ${d.name} | ${row.redis.used.toFixed(0)} | ${row.cairn.used.toFixed(0)} | ${row.redis.rss.toFixed(0)} | ${row.cairn.rss.toFixed(0)} | ${(row.cairn.rss / row.redis.rss).toFixed(2)} |`,
  );
}

// ---- 2. accounting error against the heap ----
const engine = new Engine(new ConfigValues(), new Logger('', true));
const reply = new RespWriter();
const session = engine.openSession(reply, detachedTransport('bench:0'));
const run = (argv) => {
  engine.beginBatch();
  engine.execute(session, argv);
  reply.take();
};
// Strings arrive from the network as fresh flat strings; build them the same way.
const flat = (s) => Buffer.from(s, 'latin1').latin1Slice();
// Values of 45 bytes to 64 KB live in the keyspace's arena, outside the V8 heap: the
// chunks in use count with the heap. So do the other off-heap buffers (the key tables'
// indexes): process-wide array-buffer bytes less the arena's slabs.
const heap = () => {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  const arena = engine.keyspace.arena;
  return heapUsed + arrayBuffers - arena.slabBytes + arena.usedBytes;
};
const h0 = heap();
const e0 = engine.keyspace.datasetBytes;
const N = 1_000_000 * SCALE;
for (let i = 0; i < N; i++) {
  const k = flat(`k:${i}`);
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
      run(['SET', k, flat(`value-${i}`.repeat(1 + (i % 7)))]);
      break;
    case 4:
      run(['SET', k, flat(String(i)), 'EX', '100000']);
      break;
    case 5:
    case 6:
      run(['HSET', k, flat('f1'), flat(`v${i}`), flat('f2'), flat('x'.repeat(i % 50))]);
      break;
    case 7:
      run(['RPUSH', k, flat('a'), flat('bb'), flat(`c${i}`)]);
      break;
    case 8:
      run(['SADD', k, flat(String(i)), flat(`m${i}`), flat('z')]);
      break;
    default:
      run(['ZADD', k, '1', flat('one'), '2', flat(`two${i}`)]);
  }
}
const grownHeap = heap() - h0;
const grownEstimate = engine.keyspace.datasetBytes - e0;
console.log(
  `\naccounting: ${N} keys of mixed types (40 % strings, 10 % strings with TTL, 20 % hashes, 10 % each lists, sets, sorted sets):` +
    ` heap grew ${(grownHeap / 1048576).toFixed(1)} MB, the estimate ${(grownEstimate / 1048576).toFixed(1)} MB:` +
    ` error ${(((grownEstimate - grownHeap) / grownHeap) * 100).toFixed(1)} %`,
);
