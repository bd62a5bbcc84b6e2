/**
 * maxmemory over the network, against redis-server where the outcome is deterministic:
 * OOM replies (commands, MULTI, scripts by their flags), what eviction does to WATCH,
 * client-side caches, keyspace events and the AOF, MEMORY and INFO, and the client
 * buffer limits (output buffers, maxmemory-clients).
 *
 * A maxmemory of 1 byte makes eviction deterministic on both servers: nothing ever fits,
 * so every evictable key goes and denyoom commands are refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { differential, withServers } from '../helpers/differential.js';
import { RawClient, encodeCommand, parseReply } from '../helpers/raw-client.js';
import { startCairn, type RunningServer } from '../helpers/servers.js';

const reset = ['CONFIG SET maxmemory 0', 'CONFIG SET maxmemory-policy noeviction'];

differential('maxmemory: OOM and eviction (against Redis)', [
  [
    ...reset,
    'SET a 1',
    'CONFIG SET maxmemory 1',
    'SET b 2',
    'GET a',
    'INCR a',
    'APPEND a x',
    'LPUSH l x',
    'SETRANGE a 0 x',
    'EXPIRE a 100',
    'DEL a',
    'DBSIZE',
    'CONFIG GET maxmemory',
    'CONFIG SET maxmemory 0',
    'SET b 2',
  ],
  [
    ...reset,
    'CONFIG SET maxmemory 1',
    'MULTI',
    'GET a',
    'EXEC',
    'MULTI',
    'EXEC',
    'MULTI',
    'DISCARD',
    'CONFIG SET maxmemory 0',
    'MULTI',
    'SET a 1',
    'CONFIG SET maxmemory 1',
    'EXEC',
    'CONFIG SET maxmemory 0',
  ],
  [
    ...reset,
    'CONFIG SET maxmemory 1',
    ['EVAL', "return redis.call('set','x','y')", '0'],
    ['EVAL', "return redis.call('get','x')", '0'],
    ['EVAL', "redis.call('del','zz'); return redis.call('set','x','y')", '0'],
    ['EVAL', "return redis.pcall('set','x','y')", '0'],
    ['EVAL', "#!lua\nreturn redis.call('get','x')", '0'],
    ['EVAL', "#!lua flags=allow-oom\nreturn redis.call('set','x','z')", '0'],
    ['EVAL', "#!lua flags=no-writes\nreturn redis.call('get','x')", '0'],
    ['EVAL_RO', "#!lua\nreturn redis.call('get','x')", '0'],
    ['EVAL', "#!lua flags=no-writes,allow-oom\nreturn redis.call('get','x')", '0'],
    'CONFIG SET maxmemory 0',
    ['SCRIPT', 'LOAD', "#!lua\nreturn redis.call('set','x','w')"],
    'CONFIG SET maxmemory 1',
    ['EVALSHA', '0d40ad9d4b5e8ce9c2d8e4ed18a4fbc2e7bcc0a2', '0'],
    'CONFIG SET maxmemory 0',
  ],
  [
    ...reset,
    [
      'FUNCTION',
      'LOAD',
      "#!lua name=oomlib\nredis.register_function('w', function() return redis.call('set','f','1') end)\nredis.register_function{function_name='wo', callback=function() return redis.call('set','f','2') end, flags={'allow-oom'}}\nredis.register_function{function_name='r', callback=function() return redis.call('get','f') end, flags={'no-writes'}}",
    ],
    'CONFIG SET maxmemory 1',
    'FCALL w 0',
    'FCALL wo 0',
    'FCALL r 0',
    'FCALL_RO r 0',
    'CONFIG SET maxmemory 0',
    'FUNCTION FLUSH',
  ],
  [
    ...reset,
    'CONFIG SET maxmemory-policy allkeys-random',
    'MSET a 1 b 2 c 3',
    'HSET h f v',
    'SELECT 3',
    'SET other 1',
    'CONFIG SET maxmemory 1',
    'DBSIZE',
    'SELECT 0',
    'DBSIZE',
    'SET again 1',
    'GET a',
    'CONFIG SET maxmemory 0',
  ],
  [
    ...reset,
    'CONFIG SET maxmemory-policy volatile-lru',
    'SET keep 1',
    'SET gone 1 EX 1000',
    'HSET hgone f v',
    'EXPIRE hgone 1000',
    'CONFIG SET maxmemory 1',
    'EXISTS keep gone hgone',
    'SET more 1',
    'CONFIG SET maxmemory 0',
    'CONFIG SET maxmemory-policy volatile-ttl',
    'SET t1 1 EX 1000',
    'CONFIG SET maxmemory 1',
    'EXISTS keep t1',
    'CONFIG SET maxmemory 0',
  ],
  [
    ...reset,
    'SET a 1',
    'WATCH a',
    'CONFIG SET maxmemory-policy allkeys-lru',
    'CONFIG SET maxmemory 1',
    'CONFIG SET maxmemory 0',
    'MULTI',
    'SET b 1',
    'EXEC',
    'EXISTS a',
  ],
  [
    'CONFIG SET maxmemory 100mb',
    'CONFIG GET maxmemory',
    'CONFIG SET maxmemory 1gb',
    'CONFIG GET maxmemory',
    'CONFIG SET maxmemory -1',
    'CONFIG SET maxmemory abc',
    'CONFIG SET maxmemory 0',
    'CONFIG SET maxmemory-samples 0',
    'CONFIG SET maxmemory-samples 65',
    'CONFIG SET maxmemory-samples 10',
    'CONFIG GET maxmemory-samples',
    'CONFIG SET maxmemory-samples 5',
    'CONFIG SET maxmemory-eviction-tenacity 101',
    'CONFIG SET maxmemory-eviction-tenacity 20',
    'CONFIG GET maxmemory-eviction-tenacity',
    'CONFIG SET maxmemory-eviction-tenacity 10',
    'CONFIG SET maxmemory-policy allkeys-lfu',
    'CONFIG GET maxmemory-policy',
    'CONFIG SET maxmemory-policy bogus',
    'CONFIG SET maxmemory-policy noeviction',
    '%CONFIG GET lazyfree-*',
    'CONFIG SET lazyfree-lazy-eviction yes',
    'CONFIG GET lazyfree-lazy-eviction',
    'CONFIG SET lazyfree-lazy-eviction no',
    'CONFIG SET maxmemory-clients 10%',
    'CONFIG GET maxmemory-clients',
    'CONFIG SET maxmemory-clients 1mb',
    'CONFIG GET maxmemory-clients',
    'CONFIG SET maxmemory-clients 101%',
    'CONFIG SET maxmemory-clients -5%',
    'CONFIG SET maxmemory-clients +5%',
    'CONFIG SET maxmemory-clients -5',
    'CONFIG SET maxmemory-clients %',
    'CONFIG SET maxmemory-clients 1.5mb',
    'CONFIG SET maxmemory-clients 100%',
    'CONFIG GET maxmemory-clients',
    'CONFIG SET maxmemory-clients 0%',
    'CONFIG GET maxmemory-clients',
    'CONFIG SET maxmemory-clients 0',
    'CONFIG GET maxmemory-clients',
    'CONFIG SET lfu-log-factor 20',
    'CONFIG GET lfu-log-factor',
    'CONFIG SET lfu-log-factor 10',
  ],
  [
    'MEMORY USAGE missing',
    'MEMORY USAGE missing SAMPLES 5',
    'MEMORY USAGE k SAMPLES',
    'MEMORY USAGE k SAMPLES x',
    'MEMORY USAGE k SAMPLES -1',
    'MEMORY USAGE k FOO 1',
    'MEMORY HELP',
    'MEMORY PURGE',
    'MEMORY',
    'MEMORY BOGUS',
    'MEMORY STATS extra',
    'MEMORY DOCTOR extra',
    'SET k v',
    '?MEMORY USAGE k',
    '?MEMORY USAGE k SAMPLES 0',
    '~COMMAND INFO memory',
    'COMMAND GETKEYS MEMORY USAGE k',
    'OBJECT FREQ k',
    'CONFIG SET maxmemory-policy allkeys-lfu',
    'OBJECT IDLETIME k',
    'CONFIG SET maxmemory-policy noeviction',
  ],
]);

/** Reads pushed messages until `count` arrived (or the time is up). */
async function collect(client: RawClient, count: number, timeoutMs = 3000): Promise<unknown[]> {
  const out: unknown[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) {
    try {
      out.push(parseReply(await client.read(Math.max(1, deadline - Date.now()))));
    } catch {
      break;
    }
  }
  return out;
}

describe('maxmemory: what eviction tells others (against Redis)', () => {
  const servers = withServers();

  for (const [name, policy] of [
    ['allkeys-lru', 'allkeys-lru'],
    ['volatile-random', 'volatile-random'],
  ] as const) {
    it(`publishes an evicted keyspace event per key (${name})`, async () => {
      const heard: Record<string, string[]> = {};
      for (const [label, server] of Object.entries({ redis: servers.redis, cairn: servers.cairn })) {
        const admin = await RawClient.connect(server.port);
        const sub = await RawClient.connect(server.port);
        try {
          await admin.call('FLUSHALL');
          await admin.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEe');
          await admin.call('CONFIG', 'SET', 'maxmemory-policy', policy);
          await sub.call('PSUBSCRIBE', '__key*@*__:*');
          for (let i = 0; i < 20; i++) await admin.call('SET', `k${i}`, 'v', ...(i % 2 === 0 ? ['EX', '1000'] : []));
          await admin.call('CONFIG', 'SET', 'maxmemory', '1');
          await admin.call('CONFIG', 'SET', 'maxmemory', '0');
          const expected = policy === 'allkeys-lru' ? 20 : 10;
          const messages = await collect(sub, expected * 2);
          heard[label] = messages.map((m) => JSON.stringify((m as string[]).slice(2))).sort();
          assert.equal((await admin.call('DBSIZE')).trim(), `:${20 - expected}`);
          const info = await admin.call('INFO', 'stats');
          assert.match(info, new RegExp(`evicted_keys:${expected}\\r\\n`));
        } finally {
          await admin.call('CONFIG', 'SET', 'notify-keyspace-events', '');
          await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
          await admin.call('CONFIG', 'RESETSTAT');
          admin.close();
          sub.close();
        }
      }
      assert.deepEqual(heard.cairn, heard.redis);
      assert.ok(heard.redis!.length > 0);
    });
  }

  it('invalidates client-side caches of evicted keys', async () => {
    const transcripts: Record<string, string[]> = {};
    for (const [label, server] of Object.entries({ redis: servers.redis, cairn: servers.cairn })) {
      const admin = await RawClient.connect(server.port);
      const cached = await RawClient.connect(server.port);
      const log: string[] = [];
      try {
        await admin.call('FLUSHALL');
        await admin.call('SET', 'k', 'v');
        await cached.call('HELLO', '3');
        log.push(await cached.call('CLIENT', 'TRACKING', 'on'));
        log.push(await cached.call('GET', 'k'));
        await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
        await admin.call('CONFIG', 'SET', 'maxmemory', '1');
        log.push(await cached.read());
        await admin.call('CONFIG', 'SET', 'maxmemory', '0');
        log.push(await cached.call('GET', 'k'));
      } finally {
        await admin.call('CONFIG', 'SET', 'maxmemory', '0');
        await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
        admin.close();
        cached.close();
      }
      transcripts[label] = log;
    }
    assert.deepEqual(transcripts.cairn, transcripts.redis);
  });
});

describe('maxmemory: eviction and persistence', () => {
  it('logs evictions in the AOF, so a restart does not bring evicted keys back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-evict-'));
    const server = await startCairn(['--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'allkeys-random'], undefined, { dir });
    let restarted: RunningServer | null = null;
    try {
      const c = await RawClient.connect(server.port);
      for (let i = 0; i < 50; i++) await c.call('SET', `k${i}`, 'x'.repeat(100));
      await c.call('CONFIG', 'SET', 'lazyfree-lazy-eviction', 'yes');
      await c.call('CONFIG', 'SET', 'maxmemory', '1');
      assert.equal(await c.call('DBSIZE'), ':0\r\n');
      await c.call('CONFIG', 'SET', 'maxmemory', '0');
      await c.call('SET', 'after', '1');
      c.close();
      await server.stop();
      restarted = await startCairn(['--appendonly', 'yes'], undefined, { dir });
      const d = await RawClient.connect(restarted.port);
      assert.equal(await d.call('DBSIZE'), ':1\r\n');
      d.close();
    } finally {
      await server.stop();
      await restarted?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('maxmemory: loading', () => {
  it('loads the whole AOF even when it holds more than maxmemory, then refuses writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-oomload-'));
    const first = await startCairn(['--appendonly', 'yes', '--appendfsync', 'always'], undefined, { dir });
    let second: RunningServer | null = null;
    try {
      const c = await RawClient.connect(first.port);
      for (let i = 0; i < 200; i++) await c.call('SET', `k${i}`, 'x'.repeat(1000));
      c.close();
      await first.stop();
      second = await startCairn(['--appendonly', 'yes', '--maxmemory', '1', '--maxmemory-policy', 'noeviction'], undefined, { dir });
      const d = await RawClient.connect(second.port);
      assert.equal(await d.call('DBSIZE'), ':200\r\n');
      assert.equal(await d.call('SET', 'more', '1'), "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
      d.close();
    } finally {
      await first.stop();
      await second?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A socket that sends and never reads, so replies pile up in the server. */
function nonReader(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.pause();
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Connected clients as the server lists them. */
async function clientCount(admin: RawClient): Promise<number> {
  const list = parseReply(await admin.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((l) => l.includes('id=')).length;
}

/**
 * Waits until the server has dropped every client but admin (a paused socket does not
 * notice a reset, so the server's own list is asked). False if it did not within ms.
 */
async function othersDropped(admin: RawClient, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await clientCount(admin)) === 1) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('client buffer limits (Cairn and Redis alike)', () => {
  const servers = withServers();

  it('disconnects a client that pipelines without reading once the normal hard limit is passed', async () => {
    for (const server of [servers.redis, servers.cairn]) {
      const admin = await RawClient.connect(server.port);
      try {
        await admin.call('SET', 'big', 'x'.repeat(256 * 1024));
        await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 2mb 0 0');
        const reader = await nonReader(server.port);
        reader.on('error', () => {});
        const batch = Buffer.concat(Array.from({ length: 100 }, () => encodeCommand(['GET', 'big'])));
        for (let i = 0; i < 20; i++) reader.write(batch);
        assert.equal(await othersDropped(admin, 10_000), true, `port ${server.port}: the non-reading client was not disconnected`);
        reader.destroy();
        // Everyone else is still served.
        assert.equal(await admin.call('PING'), '+PONG\r\n');
      } finally {
        await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
        admin.close();
      }
    }
  });

  it('disconnects a client that stays over the normal soft limit for longer than its seconds', async () => {
    for (const server of [servers.redis, servers.cairn]) {
      const admin = await RawClient.connect(server.port);
      try {
        await admin.call('SET', 'big', 'x'.repeat(256 * 1024));
        await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 1mb 1');
        const reader = await nonReader(server.port);
        reader.on('error', () => {});
        const started = Date.now();
        reader.write(Buffer.concat(Array.from({ length: 200 }, () => encodeCommand(['GET', 'big']))));
        // Keep it over the soft limit: Redis checks when replies are added.
        const more = setInterval(() => reader.write(encodeCommand(['GET', 'big'])), 100);
        // Still connected for most of the soft limit's second...
        await new Promise((r) => setTimeout(r, 600));
        assert.equal(await clientCount(admin), 2, `port ${server.port}: disconnected before the soft limit's seconds`);
        // ...and gone soon after.
        const dropped = await othersDropped(admin, 6000);
        clearInterval(more);
        reader.destroy();
        assert.equal(dropped, true, `port ${server.port}: not disconnected`);
        assert.ok(Date.now() - started >= 900, `closed after ${Date.now() - started} ms, before the soft limit's second`);
      } finally {
        await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
        admin.close();
      }
    }
  });

  it('evicts the biggest clients past maxmemory-clients, sparing CLIENT NO-EVICT ones', async () => {
    for (const server of [servers.redis, servers.cairn]) {
      const admin = await RawClient.connect(server.port);
      const protectedClient = await RawClient.connect(server.port);
      const hog = await RawClient.connect(server.port);
      try {
        await admin.call('CLIENT', 'NO-EVICT', 'on');
        await protectedClient.call('CLIENT', 'NO-EVICT', 'on');
        await admin.call('CONFIG', 'SET', 'maxmemory-clients', '4mb');
        // Half of a 64 MB argument: it waits in the query buffer.
        protectedClient.write('*2\r\n$4\r\nECHO\r\n$67108864\r\n' + 'p'.repeat(3 * 1024 * 1024));
        hog.write('*2\r\n$4\r\nECHO\r\n$67108864\r\n' + 'h'.repeat(3 * 1024 * 1024));
        await hog.waitClosed(5000);
        assert.equal(protectedClient.isClosed, false);
        assert.equal(await admin.call('PING'), '+PONG\r\n');
        assert.match(await admin.call('INFO', 'stats'), /evicted_clients:[1-9]/);
      } finally {
        await admin.call('CONFIG', 'SET', 'maxmemory-clients', '0');
        await admin.call('CONFIG', 'RESETSTAT');
        admin.close();
        protectedClient.close();
        hog.close();
      }
    }
  });
});

describe('INFO memory and MEMORY STATS', () => {
  let server: RunningServer;
  before(async () => {
    server = await startCairn();
  });
  after(async () => {
    await server.stop();
  });

  const field = (info: string, name: string) => {
    const m = new RegExp(`^${name}:(.*)\\r$`, 'm').exec(info);
    assert.ok(m, `INFO has no ${name}`);
    return m[1]!;
  };

  it('gives ioredis and node-redis the OOM error as a reply error, and evicts under them', async () => {
    const io = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    const nr = createClient({ socket: { port: server.port, host: '127.0.0.1' } });
    await io.connect();
    await nr.connect();
    try {
      await io.set('k', 'v');
      await io.config('SET', 'maxmemory', '1');
      const results = await io.pipeline().set('x', '1').get('k').incr('n').exec();
      assert.match(String(results![0]![0]), /^ReplyError: OOM command not allowed when used memory > 'maxmemory'\.$/);
      assert.deepEqual(results![1], [null, 'v']);
      await assert.rejects(nr.set('y', '1'), /OOM command not allowed/);
      assert.equal(await nr.get('k'), 'v');
      await io.config('SET', 'maxmemory-policy', 'allkeys-lru');
      // Now the write evicts what it must (everything, at 1 byte) and still fails: nothing fits.
      await assert.rejects(nr.set('y', '1'), /OOM/);
      assert.equal(await io.dbsize(), 0);
    } finally {
      await io.config('SET', 'maxmemory', '0');
      await io.config('SET', 'maxmemory-policy', 'noeviction');
      io.disconnect();
      await nr.quit();
    }
  });

  it('reports used memory that follows the data, and the eviction settings', async () => {
    const c = await RawClient.connect(server.port);
    try {
      const before = Number(field(await c.call('INFO', 'memory'), 'used_memory'));
      for (let i = 0; i < 100; i++) await c.call('RPUSH', 'list', ...Array.from({ length: 100 }, () => 'x'.repeat(100)));
      const info = await c.call('INFO', 'memory');
      const during = Number(field(info, 'used_memory'));
      // 10,000 elements of 100 bytes: at least the bytes themselves, at most a few times them.
      assert.ok(during - before > 1_000_000 && during - before < 3_000_000, `grew by ${during - before}`);
      assert.ok(Number(field(info, 'used_memory_peak')) >= during);
      assert.ok(Number(field(info, 'used_memory_rss')) > 0);
      assert.ok(Number(field(info, 'used_memory_dataset')) > 1_000_000);
      assert.equal(field(info, 'maxmemory'), '0');
      assert.equal(field(info, 'maxmemory_human'), '0B');
      assert.equal(field(info, 'maxmemory_policy'), 'noeviction');
      assert.match(field(info, 'mem_fragmentation_ratio'), /^\d+\.\d\d$/);
      assert.match(field(info, 'used_memory_human'), /^\d+\.\d\dM$/);
      await c.call('CONFIG', 'SET', 'maxmemory', '100mb');
      await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
      const limited = await c.call('INFO', 'memory');
      assert.equal(field(limited, 'maxmemory'), '104857600');
      assert.equal(field(limited, 'maxmemory_human'), '100.00M');
      assert.equal(field(limited, 'maxmemory_policy'), 'allkeys-lru');
      await c.call('FLUSHALL');
      const after = Number(field(await c.call('INFO', 'memory'), 'used_memory'));
      assert.ok(after < during - 1_000_000, `after FLUSHALL ${after}`);
      const stats = await c.call('INFO', 'stats');
      for (const name of ['evicted_keys', 'evicted_clients', 'total_eviction_exceeded_time', 'current_eviction_exceeded_time']) field(stats, name);
      const memoryStats = parseReply(await c.call('MEMORY', 'STATS')) as unknown[];
      const keys = memoryStats.filter((_, i) => i % 2 === 0);
      for (const name of ['peak.allocated', 'total.allocated', 'startup.allocated', 'clients.normal', 'keys.count', 'dataset.bytes', 'fragmentation']) {
        assert.ok(keys.includes(name), `MEMORY STATS has no ${name}`);
      }
      assert.match(parseReply(await c.call('MEMORY', 'DOCTOR')) as string, /Sam/);
    } finally {
      await c.call('CONFIG', 'SET', 'maxmemory', '0');
      c.close();
    }
  });
});
