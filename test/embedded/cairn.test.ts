/**
 * The embedded API: Cairn.open() in-process, its typed methods, transactions, pub/sub,
 * blocking commands, scanning, listen(), persistence in a directory and its lock.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { Redis as IORedis } from 'ioredis';
import { Cairn, ReplyError } from '../../src/index.js';
import { allCommands } from '../../src/commands/index.js';
import { renderGeneratedTypes } from '../../src/embedded/generate-types.js';
import { DirLockedError, LOCK_FILE } from '../../src/persistence/dir-lock.js';
import { startRedis } from '../helpers/servers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-embedded-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('Cairn embedded: bitmaps, HyperLogLog, geo and streams', () => {
  it('answer with natural JS values', async () => {
    const db = await Cairn.open();
    try {
      assert.equal(db.setbit('b', 7, 1), 0);
      assert.equal(db.bitcount('b'), 1);
      assert.deepEqual(db.bitfield('b', 'INCRBY', 'u8', 0, 10), [11]);
      assert.equal(db.pfadd('h', 'a', 'b', 'c'), 1);
      assert.equal(db.pfcount('h'), 3);
      assert.equal(db.geoadd('g', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'), 2);
      assert.deepEqual(db.geopos('g', 'Palermo', 'nowhere'), [[13.361389338970184, 38.1155563954963], null]);
      assert.equal(db.geodist('g', 'Palermo', 'Catania', 'km'), '166.2742');
      assert.deepEqual(db.geosearch('g', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'ASC'), ['Catania', 'Palermo']);
      const id = db.xadd('s', '*', 'f', 'v');
      assert.match(String(id), /^\d+-0$/);
      assert.deepEqual(db.xrange('s', '-', '+'), [[id, ['f', 'v']]]);
      assert.equal(db.xgroup('CREATE', 's', 'g', '0'), 'OK');
      // XREADGROUP may block: a promise, resolving to the RESP3 map of streams.
      assert.deepEqual(await db.xreadgroup('GROUP', 'g', 'c', 'STREAMS', 's', '>'), { s: [[id, ['f', 'v']]] });
      assert.equal(db.xack('s', 'g', id as string), 1);
    } finally {
      await db.close();
    }
  });
});

describe('Cairn embedded: typed commands', () => {
  it('strings with options, natural JS types, UTF-8 and Buffers', async () => {
    const db = await Cairn.open();
    try {
      assert.equal(db.set('greeting', 'héllo ✓', { ex: 60 }), 'OK');
      assert.equal(db.get('greeting'), 'héllo ✓');
      assert.equal(db.ttl('greeting'), 60);
      assert.equal(db.strlen('greeting'), Buffer.byteLength('héllo ✓'));
      assert.equal(db.set('greeting', 'x', { nx: true }), null);
      assert.equal(db.set('greeting', 'bye', { xx: true, get: true, keepttl: true }), 'héllo ✓');
      assert.equal(db.ttl('greeting'), 60);
      assert.equal(db.get('missing'), null);
      assert.equal(db.incr('n'), 1);
      assert.equal(db.incrby('n', 41), 42);
      assert.equal(db.incrbyfloat('f', 1.5), '1.5');
      assert.equal(db.mset({ a: 1, b: 'two' }), 'OK');
      assert.deepEqual(db.mget('a', 'b', 'none'), ['1', 'two', null]);
      assert.deepEqual(db.mget(['a', 'b']), ['1', 'two']);
      // Binary keys and values survive byte for byte; a UTF-8 string key names the same key.
      const bin = Buffer.from([0, 0xff, 0x80, 13, 10]);
      db.set(Buffer.from('bin\xff', 'latin1'), bin);
      assert.deepEqual(db.call('STRLEN', Buffer.from('bin\xff', 'latin1')), 5);
      db.set(Buffer.from('ключ', 'utf8'), 'v');
      assert.equal(db.get('ключ'), 'v');
      assert.equal(db.exists('a', 'b', 'none'), 2);
      assert.equal(db.type('a'), 'string');
      assert.equal(db.expire('a', 100, { nx: true }), 1);
      assert.equal(db.expire('a', 50, { gt: true }), 0);
      assert.equal(db.del('a', 'b'), 2);
    } finally {
      await db.close();
    }
  });

  it('returnBuffers: bulk replies as Buffers', async () => {
    const db = await Cairn.open({ returnBuffers: true });
    try {
      const bin = Buffer.from([0, 0xff, 0x80]);
      db.set('k', bin);
      const got = db.get('k');
      assert.ok(Buffer.isBuffer(got) && got.equals(bin));
      db.hset('h', { f: bin });
      const all = db.hgetall('h');
      assert.ok(all.f!.equals(bin));
    } finally {
      await db.close();
    }
  });

  it('hashes, lists, sets and sorted sets as objects, arrays and numbers (RESP3 types)', async () => {
    const db = await Cairn.open();
    try {
      assert.equal(db.hset('h', { a: 1, b: 'x' }), 2);
      assert.equal(db.hset('h', new Map([['c', 'y']])), 1);
      assert.equal(db.hset('h', 'd', 4), 1);
      assert.deepEqual(db.hgetall('h'), { a: '1', b: 'x', c: 'y', d: '4' });
      assert.deepEqual(db.hgetall('none'), {});
      assert.deepEqual(db.hmget('h', 'a', 'zz'), ['1', null]);
      assert.equal(db.hincrby('h', 'a', 9), 10);
      // A field named __proto__ is data, not the object's prototype.
      db.hset('proto', '__proto__', 'v');
      assert.deepEqual(Object.keys(db.hgetall('proto')), ['__proto__']);
      assert.equal(db.rpush('l', 'a', 'b', 'c'), 3);
      assert.deepEqual(db.lrange('l', 0, -1), ['a', 'b', 'c']);
      assert.deepEqual(db.lpop('l', 2), ['a', 'b']);
      assert.equal(db.sadd('s', [1, 2, 3]), 3);
      assert.deepEqual(db.smembers('s').sort(), ['1', '2', '3']);
      assert.equal(db.zadd('z', 1, 'a', 2.5, 'b'), 2);
      assert.equal(db.zadd('z', { nx: true }, 3, 'c'), 1);
      assert.deepEqual(db.zrange('z', 0, -1), ['a', 'b', 'c']);
      assert.deepEqual(db.zrange('z', 0, -1, { withScores: true }), [['a', 1], ['b', 2.5], ['c', 3]]);
      assert.deepEqual(db.zrange('z', '(1', '+inf', { byscore: true, limit: { count: 1, offset: 0 } }), ['b']);
      assert.equal(db.zscore('z', 'b'), 2.5);
      assert.equal(db.zscore('z', 'none'), null);
      assert.equal(db.zincrby('z', 0.5, 'a'), 1.5);
      assert.equal(db.zrank('z', 'c'), 2);
      assert.deepEqual(db.config('get', 'maxmemory-policy'), { 'maxmemory-policy': 'noeviction' });
      assert.equal(db.object('encoding', 'z'), 'listpack');
    } finally {
      await db.close();
    }
  });

  it('error replies are thrown as ReplyError with Redis\'s text; bad JS arguments as TypeError', async () => {
    const db = await Cairn.open();
    try {
      db.set('s', 'v');
      assert.throws(() => db.lpush('s', 'x'), (e: Error) => e instanceof ReplyError && e.message === 'WRONGTYPE Operation against a key holding the wrong kind of value');
      assert.throws(() => db.call('SET', 'k'), { message: "ERR wrong number of arguments for 'set' command" });
      assert.throws(() => db.call('NOSUCH', 'a'), /ERR unknown command 'NOSUCH'/);
      assert.throws(() => db.incr('s'), { message: 'ERR value is not an integer or out of range' });
      assert.throws(() => db.set('k', null as unknown as string), TypeError);
      assert.throws(() => db.set('k', NaN), TypeError);
      // The database goes on serving after errors.
      assert.equal(db.get('s'), 'v');
    } finally {
      await db.close();
    }
  });

  it('every command of the table is a method; call() reaches the rest by name', async () => {
    const db = await Cairn.open();
    try {
      const methods = db as unknown as Record<string, unknown>;
      for (const decl of allCommands) assert.equal(typeof methods[decl.name], 'function', decl.name);
      assert.equal(db.call('ping'), 'PONG');
      assert.equal(db.echo('hi'), 'hi');
      assert.equal(db.dbsize(), 0);
      assert.equal(db.select(2), 'OK');
      db.set('in2', 'x');
      assert.equal(db.dbsize(), 1);
    } finally {
      await db.close();
    }
  });

  it('commands.generated.ts matches the command table', () => {
    const file = readFileSync(join(ROOT, 'src/embedded/commands.generated.ts'), 'utf8');
    assert.equal(file, renderGeneratedTypes(allCommands), 'run: npm run build && node scripts/gen-embedded-types.mjs');
  });
});

describe('Cairn embedded: transactions, connections, blocking, pub/sub, scanning', () => {
  it('multi() runs a transaction; errors of single commands are values in the result', async () => {
    const db = await Cairn.open();
    try {
      db.set('s', 'v');
      const result = db.multi().set('a', 1).incr('a').lpush('s', 'x').get('a').exec();
      assert.equal(result!.length, 4);
      assert.deepEqual(result!.slice(0, 2), ['OK', 2]);
      assert.ok(result![2] instanceof ReplyError);
      assert.equal(result![3], '2');
      // A command refused while queueing aborts the whole transaction.
      assert.throws(() => db.multi().set('a', 5).call('set', 'x').exec(), /EXECABORT/);
      assert.equal(db.get('a'), '2');
    } finally {
      await db.close();
    }
  });

  it('WATCH on a connection: a change from elsewhere makes exec() answer null', async () => {
    const db = await Cairn.open();
    try {
      const c = db.connection();
      db.set('counter', '1');
      c.watch('counter');
      const value = Number(c.get('counter'));
      db.set('counter', '100');
      assert.equal(c.multi().set('counter', value + 1).exec(), null);
      assert.equal(db.get('counter'), '100');
      c.watch('counter');
      assert.deepEqual(c.multi().incr('counter').exec(), [101]);
      await c.close();
      assert.throws(() => c.get('counter'), /closed/);
      assert.equal(db.get('counter'), '101');
    } finally {
      await db.close();
    }
  });

  it('blocking commands are promises and do not hold the database', async () => {
    const db = await Cairn.open();
    try {
      const popped = db.blpop('queue', 0);
      assert.ok(popped instanceof Promise);
      // The same handle keeps working while BLPOP waits.
      assert.equal(db.set('other', 'x'), 'OK');
      await sleep(20);
      db.rpush('queue', 'job1', 'job2');
      assert.deepEqual(await popped, ['queue', 'job1']);
      assert.deepEqual(db.lrange('queue', 0, -1), ['job2']);
      assert.equal(await db.brpop('empty', 0.05), null);
      // Several waiters are served in order.
      const first = db.blpop('q2', 0);
      const second = db.blpop('q2', 0);
      db.rpush('q2', 'a', 'b');
      assert.deepEqual(await Promise.all([first, second]), [['q2', 'a'], ['q2', 'b']]);
    } finally {
      await db.close();
    }
  });

  it('a waiting BLPOP fails when the database closes', async () => {
    const db = await Cairn.open();
    const popped = db.blpop('never', 0);
    await db.close();
    await assert.rejects(popped, /closed/);
  });

  it('subscribe/psubscribe call handlers after PUBLISH returns; unsubscribe stops them', async () => {
    const db = await Cairn.open();
    try {
      const got: unknown[] = [];
      const sub = db.subscribe('news', (message, channel) => got.push(['news', message, channel]));
      const psub = db.psubscribe('n*', (message, channel, pattern) => got.push(['pattern', message, channel, pattern]));
      assert.equal(db.publish('news', 'héllo'), 2);
      assert.deepEqual(got, []);
      await sleep(5);
      assert.deepEqual(got, [
        ['news', 'héllo', 'news'],
        ['pattern', 'héllo', 'news', 'n*'],
      ]);
      sub.unsubscribe();
      assert.equal(db.publish('news', 'again'), 1);
      psub.unsubscribe();
      assert.equal(db.publish('news', 'gone'), 0);
      await sleep(5);
      assert.equal(got.length, 3);
    } finally {
      await db.close();
    }
  });

  it('scanIterator and friends visit every element', async () => {
    const db = await Cairn.open();
    try {
      for (let i = 0; i < 500; i++) db.set(`user:${i}`, i);
      db.set('other', 1);
      const keys: string[] = [];
      for await (const k of db.scanIterator({ match: 'user:*', count: 50 })) keys.push(k);
      assert.equal(keys.length, 500);
      assert.equal(new Set(keys).size, 500);
      db.hset('h', { a: 1, b: 2 });
      const fields: [string, string][] = [];
      for await (const pair of db.hscanIterator('h')) fields.push(pair);
      assert.deepEqual(fields.sort(), [['a', '1'], ['b', '2']]);
      db.zadd('z', 1.5, 'm');
      const members: [string, number][] = [];
      for await (const pair of db.zscanIterator('z')) members.push(pair);
      assert.deepEqual(members, [['m', 1.5]]);
      db.sadd('s', 'x', 'y');
      const set: string[] = [];
      for await (const m of db.sscanIterator('s')) set.push(m);
      assert.deepEqual(set.sort(), ['x', 'y']);
    } finally {
      await db.close();
    }
  });

  it('configuration options by redis.conf name or camelCase; bad ones are refused clearly', async () => {
    const db = await Cairn.open({ maxmemoryPolicy: 'allkeys-lru', 'hash-max-listpack-entries': 4, databases: 4 });
    try {
      assert.deepEqual(db.config('get', 'maxmemory-policy'), { 'maxmemory-policy': 'allkeys-lru' });
      db.hset('h', { a: 1, b: 2, c: 3, d: 4, e: 5 });
      assert.equal(db.object('encoding', 'h'), 'hashtable');
      assert.throws(() => db.select(4), /DB index is out of range/);
    } finally {
      await db.close();
    }
    await assert.rejects(Cairn.open({ maxmemoryPolicy: 'sometimes' }), /maxmemory-policy/);
    await assert.rejects(Cairn.open({ noSuchOption: 1 }), /unknown directive 'no-such-option'/);
    await assert.rejects(Cairn.open({ dir: 42 as unknown as string }), /dir must be a non-empty string/);
  });

  it('listen() serves the same database over RESP to ioredis and redis-cli', async () => {
    const db = await Cairn.open();
    try {
      db.set('shared', 'in-process');
      const listener = await db.listen({ port: 0 });
      const client = new IORedis({ port: listener.port, host: '127.0.0.1' });
      try {
        assert.equal(await client.get('shared'), 'in-process');
        await client.set('from-network', 'yes');
        assert.equal(db.get('from-network'), 'yes');
        // Asynchronously: the server answering redis-cli runs on this very event loop.
        const cli = await promisify(execFile)('redis-cli', ['-p', String(listener.port), 'GET', 'shared'], { encoding: 'utf8' });
        assert.equal(cli.stdout.trim(), 'in-process');
      } finally {
        client.disconnect();
        await listener.close();
      }
      // The database outlives its listener.
      assert.equal(db.get('shared'), 'in-process');
    } finally {
      await db.close();
    }
  });
});

describe('Cairn embedded: persistence and the directory lock', () => {
  it('in memory, SAVE says why it cannot', async () => {
    const db = await Cairn.open();
    try {
      assert.throws(() => db.save(), /in memory only/);
      assert.throws(() => db.bgsave(), /in memory only/);
    } finally {
      await db.close();
    }
  });

  it('with a dir: close() saves, open() loads, and redis-server reads the same file', async () => {
    const dir = tempDir();
    const db = await Cairn.open({ dir });
    db.set('k', 'v');
    db.hset('h', { a: 1 });
    db.zadd('z', 2, 'm');
    db.set('ttl', 'x', { ex: 1000 });
    await db.close();
    assert.ok(existsSync(join(dir, 'dump.rdb')));
    assert.ok(!existsSync(join(dir, LOCK_FILE)), 'the lock is released');
    const again = await Cairn.open({ dir });
    try {
      assert.equal(again.get('k'), 'v');
      assert.deepEqual(again.hgetall('h'), { a: '1' });
      assert.equal(again.zscore('z', 'm'), 2);
      assert.ok(again.ttl('ttl') > 990);
    } finally {
      await again.close({ save: false });
    }
    // The file is Redis's format: redis-server loads it.
    const redis = await startRedis([], { dir });
    try {
      const client = new IORedis({ port: redis.port, host: '127.0.0.1' });
      assert.equal(await client.get('k'), 'v');
      assert.equal(await client.zscore('z', 'm'), '2');
      client.disconnect();
    } finally {
      await redis.stop();
    }
  });

  it('appendonly with appendfsync always: a process that exits without close() loses no write', async () => {
    const dir = tempDir();
    const script = `import('${join(ROOT, 'dist/src/index.js')}').then(async ({ Cairn }) => {
      const db = await Cairn.open({ dir: ${JSON.stringify(dir)}, appendonly: true, appendfsync: 'always', save: '' });
      for (let i = 0; i < 100; i++) db.set('k' + i, String(i));
      db.hset('h', { a: 1 });
      process.exit(0); // no close(): nothing saved on the way out
    });`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.ok(!existsSync(join(dir, 'dump.rdb')));
    const db = await Cairn.open({ dir, appendonly: true });
    try {
      assert.equal(db.dbsize(), 101);
      assert.equal(db.get('k99'), '99');
      assert.deepEqual(db.hgetall('h'), { a: '1' });
    } finally {
      await db.close({ save: false });
    }
    await assert.rejects(Cairn.open({ appendonly: true }), /in memory only/);
    const memory = await Cairn.open();
    assert.throws(() => memory.config('set', 'appendonly', 'yes'), /in memory only/);
    await memory.close();
  });

  it('a corrupt dump.rdb fails open() with the offset, and leaves the file alone', async () => {
    const dir = tempDir();
    const junk = Buffer.from('REDIS0010\xfe\x00garbage', 'latin1');
    writeFileSync(join(dir, 'dump.rdb'), junk);
    await assert.rejects(Cairn.open({ dir }), /Error loading .*dump\.rdb at offset \d+/);
    assert.ok(readFileSync(join(dir, 'dump.rdb')).equals(junk));
    assert.ok(!existsSync(join(dir, LOCK_FILE)), 'a failed open releases the lock');
  });

  it('a second open of the same directory fails with a clear error, in this process and another', async () => {
    const dir = tempDir();
    const db = await Cairn.open({ dir });
    try {
      await assert.rejects(Cairn.open({ dir }), (e: Error) => e instanceof DirLockedError && /already open in this process/.test(e.message));
      const script = `import('${join(ROOT, 'dist/src/index.js')}').then(({ Cairn }) => Cairn.open({ dir: ${JSON.stringify(dir)} })).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });`;
      const other = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      assert.equal(other.status, 3, other.stderr);
      assert.match(other.stderr, new RegExp(`in use by process ${process.pid}`));
      // The server takes the same lock.
      const server = spawnSync(process.execPath, [join(ROOT, 'bin/cairn-server'), '--port', '0', '--dir', dir], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(server.status, 1);
      assert.match(server.stdout + server.stderr, /in use by process/);
    } finally {
      await db.close();
    }
  });

  it('a lock left by a dead process is taken over', async () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, LOCK_FILE), `${dead.stdout}\n`);
    const db = await Cairn.open({ dir });
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').trim(), String(process.pid));
    await db.close();
  });
});
