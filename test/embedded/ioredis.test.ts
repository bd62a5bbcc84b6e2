/**
 * The ioredis facade (cairn/ioredis) against the real thing: each scenario is ioredis-style
 * code, run once with real ioredis connected to a real redis-server and once with the
 * in-process facade; what they observe (replies, errors, events, messages) must be equal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis as IORedis } from 'ioredis';
import { Cairn } from '../../src/embedded/cairn.js';
import { Redis as Facade } from '../../src/embedded/ioredis.js';
import { startRedis, type RunningServer } from '../helpers/servers.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Client = any;
type Factory = (options?: Record<string, unknown>) => Client;

/** Replies in a comparable form: errors by message, Buffers by bytes. */
function normalize(value: unknown): unknown {
  if (value instanceof Error) {
    const previous = (value as Error & { previousErrors?: Error[] }).previousErrors;
    return previous ? { error: value.message, previous: previous.map((e) => e.message) } : { error: value.message };
  }
  if (Buffer.isBuffer(value)) return { buffer: value.toString('hex') };
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = normalize((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

async function settle(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p;
  } catch (e) {
    return e;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Scenario = (make: Factory) => Promise<unknown[]>;

async function pubsubScenario(make: Factory, options: Record<string, unknown>): Promise<unknown[]> {
  const sub = make(options);
  const pub = make(options);
  const events: unknown[] = [];
  sub.on('message', (channel: string, message: string) => events.push(['message', channel, message]));
  sub.on('messageBuffer', (channel: Buffer, message: Buffer) => events.push(['messageBuffer', channel, message]));
  sub.on('pmessage', (pattern: string, channel: string, message: string) => events.push(['pmessage', pattern, channel, message]));
  const out: unknown[] = [];
  out.push(await sub.subscribe('news', 'sport'), await sub.psubscribe('n*'));
  // RESP3 runs any command while subscribed; ioredis refuses them itself under RESP2.
  out.push(await settle(sub.get('x')), await sub.ping());
  out.push(await pub.publish('news', 'héllo'), await pub.publish('sport', Buffer.from([0xff, 0])), await pub.publish('none', 'x'));
  await sleep(50);
  out.push(await sub.unsubscribe('news'), await pub.publish('news', 'late'));
  await sleep(50);
  out.push(await sub.unsubscribe('sport'), await sub.punsubscribe('n*'), await sub.set('after', '1'));
  out.push(events);
  sub.disconnect();
  pub.disconnect();
  return out;
}

const scenarios: Record<string, Scenario> = {
  async strings(make) {
    const r = make();
    const out: unknown[] = [];
    out.push(await r.set('s:a', 'hello'), await r.get('s:a'), await r.getBuffer('s:a'));
    out.push(await r.set('s:a', 'x', 'NX'), await r.set('s:a', 'world', 'XX', 'GET'), await r.get('s:missing'));
    out.push(await r.incr('s:n'), await r.incrby('s:n', 41), await r.decr('s:n'), await r.incrbyfloat('s:f', 1.5));
    out.push(await r.mset({ 's:m1': 1, 's:m2': 'two' }), await r.mget('s:m1', 's:m2', 's:none'), await r.mget(['s:m1', 's:m2']));
    out.push(await r.mset(new Map([['s:m3', 'three']])), await r.get('s:m3'));
    out.push(await r.setex('s:ex', 100, 'v'), await r.ttl('s:ex'), await r.append('s:a', '!'), await r.strlen('s:a'));
    out.push(await r.getrange('s:a', 0, 2), await r.set('s:utf8', 'héllo ✓ 日本'), await r.get('s:utf8'), await r.strlen('s:utf8'));
    const bin = Buffer.from([0, 1, 0xff, 0x0d, 0x0a, 0x80]);
    out.push(await r.set(Buffer.from('s:bin\xff', 'latin1'), bin), await r.getBuffer(Buffer.from('s:bin\xff', 'latin1')));
    out.push(await r.set('s:null', null), await r.get('s:null'), await r.set('s:num', 1.25), await r.get('s:num'));
    out.push(await r.set('s:big', 2 ** 60), await r.get('s:big'));
    out.push(await settle(r.incr('s:a')), await settle(r.set('s:a')), await settle(r.call('nosuchcommand', 'x')));
    out.push(await r.call('GET', 's:a'), await r.callBuffer('GET', 's:a'));
    out.push(await new Promise((resolve) => r.get('s:a', (err: Error | null, v: unknown) => resolve([err, v]))));
    out.push(await new Promise((resolve) => r.incr('s:a', (err: Error | null, v: unknown) => resolve([err?.message, v]))));
    r.disconnect();
    return out;
  },

  async collections(make) {
    const r = make();
    const out: unknown[] = [];
    out.push(await r.hset('c:h', { a: 1, b: 'x' }), await r.hset('c:h', new Map([['c', '3']])), await r.hset('c:h', 'd', 4, 'e', 5));
    out.push(await r.hgetall('c:h'), await r.hgetallBuffer('c:h'), await r.hgetall('c:none'), await r.hmget('c:h', 'a', 'zz'));
    out.push(await r.hincrby('c:h', 'a', 10), await r.hincrbyfloat('c:h', 'a', 0.5), await r.hkeys('c:h'), await r.hlen('c:h'));
    out.push(await r.hmset('c:h2', { f: 'v' }), await r.hdel('c:h', 'a', 'b'), await r.hexists('c:h', 'c'));
    out.push(await r.lpush('c:l', 'a', 'b', 'c'), await r.rpush('c:l', ['d', 'e']), await r.lrange('c:l', 0, -1), await r.lpop('c:l', 2));
    out.push(await r.rpop('c:l'), await r.llen('c:l'), await r.lindex('c:l', 0), await r.lpos('c:l', 'd'));
    out.push(await r.sadd('c:s', 1, 2, 3, 3), await r.sismember('c:s', 2), await r.scard('c:s'), (await r.smembers('c:s')).sort());
    out.push(await r.zadd('c:z', 1, 'a', 2.5, 'b', 3, 'c'), await r.zadd('c:z', 'NX', 'INCR', 1, 'a'), await r.zadd('c:z', 'XX', 'CH', 5, 'a'));
    out.push(await r.zrange('c:z', 0, -1), await r.zrange('c:z', 0, -1, 'WITHSCORES'), await r.zrangebyscore('c:z', 2, '+inf', 'LIMIT', 0, 1));
    out.push(await r.zscore('c:z', 'b'), await r.zincrby('c:z', 0.25, 'b'), await r.zrank('c:z', 'c'), await r.zrevrange('c:z', 0, 0, 'WITHSCORES'));
    out.push(await r.zrangeBuffer('c:z', 0, -1), await r.type('c:z'), await r.object('ENCODING', 'c:z'), await r.zpopmin('c:z'));
    out.push(await r.exists('c:h', 'c:l', 'c:none'), await r.del('c:h2', 'c:none'), await r.expire('c:s', 100), await r.ttl('c:s'));
    out.push(await r.persist('c:s'), await r.ttl('c:s'), await r.rename('c:s', 'c:s2'), await settle(r.rename('c:none', 'x')));
    out.push((await r.keys('c:*')).sort(), await r.dbsize());
    r.disconnect();
    return out;
  },

  async scanning(make) {
    const r = make();
    for (let i = 0; i < 120; i++) await r.set(`scan:${i}`, i);
    await r.sadd('scan:set', ...Array.from({ length: 50 }, (_, i) => `m${i}`));
    await r.hset('scan:hash', { a: 1, b: 2 });
    const collect = (stream: NodeJS.ReadableStream) =>
      new Promise<unknown[]>((resolve, reject) => {
        const items: unknown[] = [];
        stream.on('data', (batch: unknown[]) => items.push(...batch));
        stream.on('end', () => resolve(items));
        stream.on('error', reject);
      });
    const keys = (await collect(r.scanStream({ match: 'scan:1*', count: 7 }))).sort();
    const members = (await collect(r.sscanStream('scan:set', { count: 5 }))).sort();
    const hash = await collect(r.hscanStream('scan:hash'));
    const typed = (await collect(r.scanStream({ type: 'set' }))).sort();
    r.disconnect();
    return [keys, members, hash, typed];
  },

  async pipelines(make) {
    const r = make();
    const out: unknown[] = [];
    out.push(await r.pipeline().set('p:a', 1).incr('p:a').get('p:a').lpush('p:a', 'x').getBuffer('p:a').exec());
    out.push(await r.pipeline([['set', 'p:b', '2'], ['get', 'p:b'], ['hset', 'p:h', { f: 'v' }], ['hgetall', 'p:h']]).exec());
    const callbacks: unknown[] = [];
    const p = r.pipeline();
    p.set('p:c', 'v', (err: Error | null, v: unknown) => callbacks.push([err, v]));
    p.incr('p:c', (err: Error | null, v: unknown) => callbacks.push([err?.message, v]));
    out.push(p.length, await p.exec(), callbacks);
    out.push(await r.pipeline().exec());
    r.disconnect();
    return out;
  },

  async transactions(make) {
    const r = make();
    const other = make();
    const out: unknown[] = [];
    out.push(await r.multi().set('t:a', 1).incr('t:a').lpush('t:a', 'x').hgetall('t:h').exec());
    await r.hset('t:h', 'f', 'v');
    out.push(await r.multi([['get', 't:a'], ['hgetall', 't:h']]).exec());
    out.push(await settle(r.multi().set('t:a').get('t:a').exec()));
    out.push(await r.watch('t:w'), await other.set('t:w', 'changed'), await r.multi().set('t:w', 'mine').exec(), await other.get('t:w'));
    out.push(await r.watch('t:w'), await r.unwatch(), await r.multi().set('t:w', 'mine').exec());
    out.push(await r.multi({ pipeline: false }), await r.set('t:m', 'a'), await r.get('t:m'), await r.exec());
    out.push(await r.multi().exec());
    r.disconnect();
    other.disconnect();
    return out;
  },

  pubsub: (make) => pubsubScenario(make, {}),
  pubsubResp2: (make) => pubsubScenario(make, { protocol: 2 }),

  async blocking(make) {
    const r = make();
    const waiter = make();
    const out: unknown[] = [];
    const order: string[] = [];
    const popped = waiter.blpop('b:q', 0).then((v: unknown) => {
      order.push('blpop');
      return v;
    });
    // Sent after the BLPOP on the same connection: it waits behind it.
    const next = waiter.get('b:after').then((v: unknown) => {
      order.push('get');
      return v;
    });
    await sleep(50);
    out.push(await r.set('b:after', 'v'), await r.rpush('b:q', 'job1', 'job2'));
    out.push(await popped, await next, order);
    out.push(await waiter.brpop('b:empty', 0.1), await r.lrange('b:q', 0, -1));
    out.push(await r.multi().blpop('b:empty', 0).exec());
    r.disconnect();
    waiter.disconnect();
    return out;
  },

  async prefixesAndLifecycle(make) {
    const events: string[] = [];
    const r = make({ keyPrefix: 'app:' });
    r.on('connect', () => events.push('connect'));
    r.on('ready', () => events.push('ready'));
    r.on('close', () => events.push('close'));
    r.on('end', () => events.push('end'));
    const plain = make();
    const out: unknown[] = [];
    out.push(await r.set('k', 'v'), await plain.get('app:k'), await r.mget('k', 'none'), await r.mset({ a: 1, b: 2 }));
    out.push(await plain.mget('app:a', 'app:b'), await r.exists('a', 'b'), await r.rename('a', 'c'), await plain.exists('app:c'));
    out.push(await r.pipeline().set('p', 1).get('p').exec(), await plain.get('app:p'));
    out.push(await r.quit());
    await sleep(50);
    out.push(events, r.status, await settle(r.get('k')));
    const lazy = make({ lazyConnect: true });
    out.push(lazy.status);
    await lazy.connect();
    out.push(lazy.status, await lazy.ping());
    const db3 = make({ db: 3 });
    out.push(await db3.set('indb3', 'x'), await plain.exists('indb3'), await db3.dbsize());
    const dup = db3.duplicate();
    out.push(await dup.get('indb3'));
    for (const c of [plain, lazy, db3, dup]) c.disconnect();
    return out;
  },
};

describe('cairn/ioredis behaves as ioredis against Redis', () => {
  let redis: RunningServer;
  let db: Cairn<string>;
  const realClients: Client[] = [];

  before(async () => {
    redis = await startRedis();
    db = await Cairn.open();
  });
  after(async () => {
    for (const c of realClients) c.disconnect();
    await redis.stop();
    await db.close();
  });

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const real = new IORedis({ port: redis.port, host: '127.0.0.1' });
      await real.flushall();
      real.disconnect();
      db.flushall();
      const expected = normalize(
        await scenario((options = {}) => {
          const c = new IORedis({ port: redis.port, host: '127.0.0.1', ...options });
          realClients.push(c);
          return c;
        }),
      );
      const actual = normalize(await scenario((options = {}) => new Facade({ cairn: db, ...options })));
      assert.deepEqual(actual, expected);
    });
  }

  it('new Redis() without options shares one in-process database', async () => {
    const a = new Facade();
    const b = new Facade();
    await a.set('shared:k', 'v');
    assert.equal(await b.get('shared:k'), 'v');
    a.disconnect();
    b.disconnect();
  });

  it('says plainly what it does not do', async () => {
    const r = new Facade({ cairn: db });
    await assert.rejects(r.monitor(), /not supported/);
    r.disconnect();
  });

  it('eval and defineCommand run Lua in-process, EVALSHA first and EVAL after a flush', async () => {
    const r = new Facade({ cairn: db, keyPrefix: 'lua:' });
    r.defineCommand('setGet', { numberOfKeys: 1, lua: "redis.call('set', KEYS[1], ARGV[1]) return {KEYS[1], redis.call('get', KEYS[1])}" });
    const setGet = (r as unknown as { setGet(k: string, v: string): Promise<unknown> }).setGet.bind(r);
    assert.deepEqual(await setGet('a', '1'), ['lua:a', '1']);
    await r.script('FLUSH');
    assert.deepEqual(await setGet('a', '2'), ['lua:a', '2']);
    assert.deepEqual(await r.eval('return {KEYS[1], ARGV[1]}', 1, 'k', 'v'), ['lua:k', 'v']);
    await assert.rejects(r.eval('return redis.call("nosuch")', 0), /Unknown Redis command/);
    r.disconnect();
  });
});
