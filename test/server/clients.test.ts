/**
 * Cairn through real clients: ioredis, node-redis (RESP2 and RESP3) and redis-cli,
 * including `redis-cli --pipe` mass insertion.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startCairn, type RunningServer } from '../helpers/servers.js';

describe('real clients against Cairn', () => {
  let server: RunningServer;
  before(async () => {
    server = await startCairn();
  });
  after(async () => {
    await server.stop();
  });

  it('ioredis: commands, binary values, pipelines, errors', async () => {
    const r = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    await r.connect();
    try {
      assert.equal(await r.set('io:k', 'v', 'EX', 100), 'OK');
      assert.equal(await r.get('io:k'), 'v');
      assert.equal(await r.ttl('io:k'), 100);
      assert.equal(await r.incrby('io:n', 5), 5);
      assert.equal(await r.incrbyfloat('io:f', '0.1'), '0.1');
      const bin = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x80]);
      await r.set(Buffer.from('io:bin\xff', 'latin1'), bin);
      assert.ok((await r.getBuffer(Buffer.from('io:bin\xff', 'latin1')))!.equals(bin));
      const utf8 = 'héllo wörld ✓ 日本';
      await r.set('io:utf8', utf8);
      assert.equal(await r.get('io:utf8'), utf8);
      assert.equal(await r.strlen('io:utf8'), Buffer.byteLength(utf8));

      const pipeline = r.pipeline();
      for (let i = 0; i < 1000; i++) pipeline.set(`io:p:${i}`, String(i));
      for (let i = 0; i < 1000; i++) pipeline.get(`io:p:${i}`);
      const results = await pipeline.exec();
      assert.equal(results!.length, 2000);
      assert.deepEqual(results![1500], [null, '500']);
      assert.deepEqual(await r.mget('io:p:1', 'io:p:999', 'io:none'), ['1', '999', null]);

      await assert.rejects(r.incr('io:k'), /ERR value is not an integer or out of range/);
      await assert.rejects(r.call('NOSUCHCOMMAND', 'x'), /ERR unknown command 'NOSUCHCOMMAND'/);
      const keys = await r.keys('io:p:99*');
      assert.deepEqual(keys.sort(), ['io:p:99', 'io:p:990', 'io:p:991', 'io:p:992', 'io:p:993', 'io:p:994', 'io:p:995', 'io:p:996', 'io:p:997', 'io:p:998', 'io:p:999']);

      // scanStream walks the whole keyspace through SCAN cursors.
      const seen = new Set<string>();
      await new Promise<void>((resolve, reject) => {
        const stream = r.scanStream({ match: 'io:p:*', count: 37 });
        stream.on('data', (batch: string[]) => batch.forEach((k) => seen.add(k)));
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      assert.equal(seen.size, 1000);
      assert.equal(await r.client('SETNAME', 'ioclient'), 'OK');
      assert.equal(await r.client('GETNAME'), 'ioclient');
    } finally {
      r.disconnect();
    }
  });

  it('node-redis RESP2: commands and pipelines', async () => {
    const c = createClient({ socket: { port: server.port, host: '127.0.0.1' } });
    await c.connect();
    try {
      assert.equal(await c.set('nr:k', 'v', { EX: 50 }), 'OK');
      assert.equal(await c.get('nr:k'), 'v');
      assert.equal(await c.exists(['nr:k', 'nr:none']), 1);
      const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => c.incr('nr:counter').then((n) => n + i * 0)));
      assert.equal(Math.max(...replies), 500);
      assert.deepEqual(await c.mGet(['nr:k', 'nr:none']), ['v', null]);
      assert.equal(await c.dbSize() > 0, true);
    } finally {
      await c.close();
    }
  });

  it('node-redis RESP3: HELLO 3, maps, nulls, doubles', async () => {
    const c = createClient({ socket: { port: server.port, host: '127.0.0.1' }, RESP: 3 });
    await c.connect();
    try {
      assert.equal(await c.set('nr3:k', 'v'), 'OK');
      assert.equal(await c.get('nr3:k'), 'v');
      assert.equal(await c.get('nr3:none'), null);
      const config = (await c.configGet('hz')) as Record<string, string>;
      assert.deepEqual({ ...config }, { hz: '10' });
      const info = await c.info('keyspace');
      assert.match(String(info), /db0:keys=\d+,expires=\d+/);
      assert.equal(await c.incrByFloat('nr3:f', 1.5), '1.5');
      const hello = (await c.sendCommand(['HELLO', '3'])) as Map<string, unknown> | Record<string, unknown>;
      const proto = hello instanceof Map ? hello.get('proto') : hello['proto'];
      assert.equal(proto, 3);
    } finally {
      await c.close();
    }
  });

  it('redis-cli: commands, errors, --pipe mass insertion', () => {
    const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(server.port), ...args], { encoding: 'latin1' });
    assert.equal(cli('SET', 'cli:k', 'hello world'), 'OK\n');
    assert.equal(cli('GET', 'cli:k'), 'hello world\n');
    assert.equal(cli('INCR', 'cli:k'), 'ERR value is not an integer or out of range\n\n');
    assert.equal(cli('--no-raw', 'EXISTS', 'cli:k'), '(integer) 1\n');
    let proto = '';
    const n = 20_000;
    for (let i = 0; i < n; i++) proto += `*3\r\n$3\r\nSET\r\n$${`pipe:${i}`.length}\r\npipe:${i}\r\n$${String(i).length}\r\n${i}\r\n`;
    const res = spawnSync('redis-cli', ['-p', String(server.port), '--pipe'], { input: Buffer.from(proto, 'latin1'), encoding: 'latin1' });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`errors: 0, replies: ${n}`));
    assert.equal(cli('GET', 'pipe:19999'), '19999\n');
    // Interactive redis-cli reads COMMAND DOCS for its hints; a piped session exercises it.
    const piped = spawnSync('redis-cli', ['-p', String(server.port)], { input: 'PING\nECHO "a b"\nDBSIZE\n', encoding: 'latin1' });
    assert.equal(piped.status, 0);
    assert.match(piped.stdout, /^PONG\na b\n\d+\n$/);
  });
});
