/**
 * Client-side caching (CLIENT TRACKING) against real Redis: each scenario drives several
 * raw connections step by step on both servers; after every step, everything each
 * connection received (replies and invalidation pushes, in order) must be byte-identical.
 * Client ids differ between the servers, so they are written as $0, $1... in both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, BasicClientSideCache } from 'redis';
import { RawClient, parseReply } from '../helpers/raw-client.js';
import { startCairn, startRedis, type RunningServer } from '../helpers/servers.js';

/** [client index, ...argv]; "$N" in argv is client N's id. "sleep N" waits N ms. */
type Step = [number, ...string[]] | ['sleep', number];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(port: number, clients: number, steps: Step[]): Promise<string[]> {
  const conns = await Promise.all(Array.from({ length: clients }, () => RawClient.connect(port)));
  const ids: string[] = [];
  for (const c of conns) ids.push(String(parseReply(await c.call('CLIENT', 'ID'))));
  // Ids appear after HELLO's "id", TRACKINGINFO's "redirect", "tracking-redir-broken", and
  // as CLIENT GETREDIR's whole reply: only there are they rewritten.
  const name = (id: string) => {
    const i = ids.indexOf(id);
    return i >= 0 ? `$${i}` : id;
  };
  const normalize = (text: string, command: string) => {
    let out = text.replace(/(\$2\r\nid\r\n|redirect\r\n|tracking-redir-broken\r\n):(\d+)\r\n/g, (_m, before: string, id: string) => `${before}:${name(id)}\r\n`);
    if (/^CLIENT GETREDIR$/i.test(command)) out = out.replace(/^:(\d+)\r\n/, (_m, id: string) => `:${name(id)}\r\n`);
    return out;
  };
  const transcript: string[] = [];
  for (const step of steps) {
    if (step[0] === 'sleep') {
      await sleep(step[1] as number);
      continue;
    }
    const [who, ...argv] = step as [number, ...string[]];
    conns[who]!.write(encode(argv.map((a) => (/^\$\d+$/.test(a) ? ids[Number(a.slice(1))]! : a))));
    await sleep(25);
    const seen = conns.map((c, i) => `c${i}:${JSON.stringify(normalize(c.pending(), i === who ? argv.join(' ') : ''))}`);
    transcript.push(`${who}> ${argv.join(' ')} || ${seen.join(' ')}`);
    for (const c of conns) c.pending() && drain(c);
  }
  for (const c of conns) c.close();
  return transcript;
}

function encode(argv: string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return out;
}

/** Consumes what pending() showed. */
function drain(c: RawClient): void {
  (c as unknown as { buf: Buffer }).buf = Buffer.alloc(0);
}

const scenarios: Record<string, [number, Step[]]> = {
  'keys a script reads are tracked for the client that ran it': [
    2,
    [
      [0, 'HELLO', '3'],
      [0, 'CLIENT', 'TRACKING', 'ON'],
      [0, 'EVAL', "return redis.call('get', KEYS[1])", '1', 'a'],
      [1, 'SET', 'a', '1'],
      [0, 'EVAL', "redis.call('set', 'b', 1) return redis.call('mget', 'a', 'b')", '0'],
      [1, 'MSET', 'a', '2', 'b', '2'],
      [0, 'EVAL', "local v = redis.call('get', 'a') redis.call('set', 'd', 1) return v", '0'],
      [1, 'SET', 'a', '3'],
      [0, 'EVAL_RO', "return redis.call('exists', 'c')", '1', 'c'],
      [1, 'SET', 'c', '1'],
    ],
  ],
  'default mode, RESP3: reads remembered, one invalidation per read, after the own reply, flushes as null': [
    2,
    [
      [0, 'HELLO', '3'],
      [0, 'CLIENT', 'TRACKING', 'ON'],
      [0, 'GET', 'a'],
      [1, 'SET', 'a', '1'],
      [1, 'SET', 'a', '2'],
      [0, 'GET', 'a'],
      [0, 'SET', 'a', '3'],
      [0, 'MGET', 'a', 'b', 'c'],
      [1, 'DEL', 'b'],
      [1, 'MSET', 'b', 'x', 'c', 'y'],
      [0, 'HGETALL', 'h'],
      [1, 'HSET', 'h', 'f', 'v'],
      [0, 'CLIENT', 'TRACKINGINFO'],
      [0, 'CLIENT', 'GETREDIR'],
      [0, 'GET', 'a'],
      [1, 'FLUSHALL'],
      [1, 'SET', 'a', '4'],
      [0, 'MULTI'],
      [0, 'GET', 'a'],
      [0, 'SET', 'a', '5'],
      [0, 'EXEC'],
      // Lazy expiry only: an active expiry cycle would race the steps.
      [0, 'DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      [0, 'SET', 'px', 'v', 'PX', '40'],
      [0, 'GET', 'px'],
      ['sleep', 100],
      [0, 'GET', 'px'],
      [0, 'DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
      [0, 'CLIENT', 'TRACKING', 'OFF'],
      [0, 'GET', 'a'],
      [1, 'SET', 'a', '6'],
      [0, 'CLIENT', 'TRACKINGINFO'],
    ],
  ],
  'NOLOOP, OPTIN and OPTOUT with CLIENT CACHING': [
    2,
    [
      [0, 'HELLO', '3'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'NOLOOP'],
      [0, 'GET', 'k'],
      [0, 'SET', 'k', '1'],
      [1, 'SET', 'k', '2'],
      [0, 'GET', 'k'],
      [1, 'SET', 'k', '3'],
      [0, 'CLIENT', 'TRACKING', 'OFF'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'OPTIN'],
      [0, 'GET', 'k'],
      [1, 'SET', 'k', '4'],
      [0, 'CLIENT', 'CACHING', 'YES'],
      [0, 'CLIENT', 'TRACKINGINFO'],
      [0, 'GET', 'k'],
      [1, 'SET', 'k', '5'],
      [0, 'CLIENT', 'CACHING', 'YES'],
      [0, 'PING'],
      [0, 'GET', 'k'],
      [1, 'SET', 'k', '6'],
      [0, 'CLIENT', 'CACHING', 'NO'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'OPTOUT'],
      [0, 'CLIENT', 'TRACKING', 'OFF'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'OPTOUT'],
      [0, 'CLIENT', 'CACHING', 'NO'],
      [0, 'GET', 'k'],
      [1, 'SET', 'k', '7'],
      [0, 'GET', 'k'],
      [1, 'SET', 'k', '8'],
      [0, 'CLIENT', 'CACHING', 'YES'],
    ],
  ],
  'BCAST with prefixes: keys under each prefix, batched per event-loop turn, NOLOOP': [
    2,
    [
      [0, 'HELLO', '3'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'obj:'],
      [1, 'SET', 'user:1', 'x'],
      [1, 'MSET', 'user:b', '1', 'user:a', '2', 'obj:9', '3', 'other', '4'],
      [0, 'SET', 'user:self', '1'],
      [0, 'CLIENT', 'TRACKINGINFO'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'user:x'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'PREFIX', 'z'],
      [0, 'CLIENT', 'TRACKING', 'ON'],
      [0, 'CLIENT', 'TRACKING', 'OFF'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'NOLOOP'],
      [0, 'SET', 'mine', '1'],
      [1, 'SET', 'theirs', '1'],
      [1, 'FLUSHDB'],
      [0, 'CLIENT', 'TRACKINGINFO'],
    ],
  ],
  'REDIRECT to a RESP2 subscriber on __redis__:invalidate, and a broken redirect': [
    3,
    [
      [1, 'SUBSCRIBE', '__redis__:invalidate'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$1'],
      [0, 'GET', 'k'],
      [2, 'SET', 'k', 'v'],
      [0, 'CLIENT', 'GETREDIR'],
      [0, 'CLIENT', 'TRACKINGINFO'],
      [0, 'GET', 'k'],
      [2, 'FLUSHDB'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$1', 'REDIRECT', '$2'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '999999'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', 'x'],
      [2, 'HELLO', '3'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$2'],
      [0, 'GET', 'j'],
      [1, 'SET', 'j', 'w'],
      [1, 'UNSUBSCRIBE'],
      [1, 'QUIT'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$1'],
    ],
  ],
  'errors in Redis order': [
    1,
    [
      [0, 'CLIENT', 'TRACKING'],
      [0, 'CLIENT', 'TRACKING', 'MAYBE'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'FOO'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'PREFIX'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'PREFIX', 'a'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'ab'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'OPTIN', 'OPTOUT'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'OPTOUT'],
      [0, 'CLIENT', 'CACHING', 'YES'],
      [0, 'CLIENT', 'CACHING', 'YES', 'NO'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'abc'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'ab'],
      [0, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'xyz'],
      [0, 'CLIENT', 'TRACKINGINFO'],
      [0, 'CLIENT', 'TRACKING', 'OFF', 'BCAST'],
      [0, 'CLIENT', 'CACHING', 'MAYBE'],
      [0, 'CLIENT', 'GETREDIR', 'X'],
      [0, 'COMMAND', 'INFO', 'CLIENT|TRACKING', 'CLIENT|CACHING', 'CLIENT|GETREDIR', 'CLIENT|TRACKINGINFO'],
      [0, 'INFO', 'STATS'],
      [0, 'CONFIG', 'GET', 'tracking-table-max-keys'],
      [0, 'CONFIG', 'SET', 'tracking-table-max-keys', '1k'],
      [0, 'CONFIG', 'SET', 'tracking-table-max-keys', '-1'],
      [0, 'CONFIG', 'SET', 'tracking-table-max-keys', '500'],
      [0, 'CONFIG', 'GET', 'tracking-table-max-keys'],
    ],
  ],
};

describe('CLIENT TRACKING against Redis', () => {
  let redis: RunningServer;
  let cairn: RunningServer;
  before(async () => {
    const debug = ['--enable-debug-command', 'yes'];
    [redis, cairn] = await Promise.all([startRedis(debug), startCairn(debug)]);
  });
  after(async () => {
    await Promise.all([redis.stop(), cairn.stop()]);
  });

  for (const [name, [clients, steps]] of Object.entries(scenarios)) {
    it(name, async () => {
      const expected = await run(redis.port, clients, steps);
      const actual = await run(cairn.port, clients, steps);
      // INFO differs in many fields: compare its tracking lines only.
      const trim = (lines: string[]) => lines.map((l) => (l.includes('INFO STATS') ? (l.match(/tracking_total_\w+:\d+/g) ?? []).join(',') : l));
      assert.deepEqual(trim(actual), trim(expected));
    });
  }
});

describe('tracking-table-max-keys', () => {
  it('over the limit, keys are invalidated until the table fits, as in Redis', async () => {
    const counts: unknown[] = [];
    for (const server of [await startRedis(), await startCairn()]) {
      try {
        const c = await RawClient.connect(server.port);
        assert.equal(await c.call('CONFIG', 'SET', 'tracking-table-max-keys', '10'), '+OK\r\n');
        await c.call('HELLO', '3');
        await c.call('CLIENT', 'TRACKING', 'ON');
        await c.call('MGET', ...Array.from({ length: 30 }, (_, i) => `k${i}`));
        await sleep(300);
        const pushed = c.pending();
        const invalidated = (pushed.match(/>2\r\n\$10\r\ninvalidate\r\n/g) ?? []).length;
        drain(c);
        const info = parseReply(await c.call('INFO', 'stats')) as string;
        counts.push([invalidated, /tracking_total_keys:(\d+)/.exec(info)![1]]);
        c.close();
      } finally {
        await server.stop();
      }
    }
    assert.deepEqual(counts[1], counts[0]);
    assert.deepEqual(counts[0], [20, '10']);
  });
});

describe('client-side caching through node-redis', () => {
  let cairn: RunningServer;
  before(async () => {
    cairn = await startCairn();
  });
  after(async () => {
    await cairn.stop();
  });

  it('a cached GET is served locally until another client changes the key', async () => {
    const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0, evictPolicy: 'LRU' });
    const cached = createClient({ socket: { port: cairn.port, host: '127.0.0.1' }, RESP: 3, clientSideCache: cache });
    const writer = createClient({ socket: { port: cairn.port, host: '127.0.0.1' } });
    await Promise.all([cached.connect(), writer.connect()]);
    try {
      await writer.set('csc', 'v1');
      assert.equal(await cached.get('csc'), 'v1');
      assert.equal(await cached.get('csc'), 'v1');
      assert.equal(cache.stats().hitCount, 1, 'the second GET came from the local cache');
      await writer.set('csc', 'v2');
      // The invalidation push reaches the client; its next GET asks the server again.
      for (let i = 0; i < 50 && cache.size() > 0; i++) await sleep(10);
      assert.equal(await cached.get('csc'), 'v2');
      assert.equal(cache.stats().missCount, 2);
    } finally {
      await Promise.all([cached.quit(), writer.quit()]);
    }
  });
});
