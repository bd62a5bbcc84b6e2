/**
 * Pub/sub against a real Redis: subscription replies and subscribed-mode rules on one
 * connection (differential), and delivery between connections (raw bytes compared on
 * both servers), plus real clients and the output-buffer limit for slow subscribers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { differential, withServers } from '../helpers/differential.js';
import { RawClient } from '../helpers/raw-client.js';

differential('pub/sub replies match Redis', [
  ['SUBSCRIBE a', 'SUBSCRIBE a', 'PING', 'PING x', 'GET k', 'SET k v', 'PSUBSCRIBE p*', 'SSUBSCRIBE s1', 'UNSUBSCRIBE a', 'PUNSUBSCRIBE', 'UNSUBSCRIBE', 'SUNSUBSCRIBE s1', 'GET k'],
  ['UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE', 'UNSUBSCRIBE x', 'PUBLISH ch msg', 'SPUBLISH ch msg', 'SUBSCRIBE', 'PSUBSCRIBE', 'PUBLISH ch', 'PUBSUB FOO'],
  ['PUBSUB CHANNELS', 'PUBSUB NUMSUB a b', 'PUBSUB NUMPAT', 'PUBSUB SHARDCHANNELS', 'PUBSUB SHARDNUMSUB x', 'PUBSUB HELP', 'PUBSUB NUMPAT x'],
  ['HELLO 3', 'SUBSCRIBE a', 'GET k', 'PING', 'PUBSUB NUMSUB a', 'PUBSUB CHANNELS', 'PUBSUB CHANNELS a*', 'PUBSUB CHANNELS b*', 'UNSUBSCRIBE a', 'SSUBSCRIBE s', 'PUBSUB SHARDNUMSUB s', 'PUBSUB SHARDCHANNELS'],
  ['SUBSCRIBE a', 'RESET', 'GET k', 'PSUBSCRIBE x', 'QUIT'],
]);

describe('pub/sub delivery matches Redis', () => {
  const servers = withServers();

  async function session(port: number): Promise<string[]> {
    const sub = await RawClient.connect(port);
    const psub = await RawClient.connect(port);
    const sub3 = await RawClient.connect(port);
    const pub = await RawClient.connect(port);
    const out: string[] = [];
    out.push(await sub.call('SUBSCRIBE', 'news', 'other'), await sub.read());
    out.push(await psub.call('PSUBSCRIBE', 'n*', 'x?'), await psub.read());
    await sub3.call('HELLO', '3');
    out.push(await sub3.call('SUBSCRIBE', 'news'));
    out.push(await sub3.call('SSUBSCRIBE', 'shard'));
    out.push(await pub.call('PUBLISH', 'news', 'hello\r\nworld'));
    out.push(await sub.read(), await psub.read(), await sub3.read());
    out.push(await pub.call('PUBLISH', 'xy', 'to patterns'));
    out.push(await psub.read());
    out.push(await pub.call('SPUBLISH', 'shard', 'sharded'));
    out.push(await sub3.read());
    out.push(await pub.call('PUBSUB', 'NUMSUB', 'news', 'other', 'none'));
    out.push(await pub.call('PUBSUB', 'NUMPAT'));
    out.push(await pub.call('PUBLISH', 'nobody', 'x'));
    sub.close();
    await new Promise((r) => setTimeout(r, 50));
    out.push(await pub.call('PUBLISH', 'news', 'after close'));
    out.push(await sub3.read(), await psub.read());
    for (const c of [psub, sub3, pub]) c.close();
    return out;
  }

  it('messages, pattern messages, shard messages, counts', async () => {
    const [expected, actual] = [await session(servers.redis.port), await session(servers.cairn.port)];
    assert.deepEqual(actual, expected);
  });

  it('works through ioredis and node-redis (RESP3)', async () => {
    const pub = new Redis({ port: servers.cairn.port, lazyConnect: true });
    const sub = new Redis({ port: servers.cairn.port, lazyConnect: true });
    await pub.connect();
    await sub.connect();
    const got: string[] = [];
    sub.on('message', (ch, msg) => got.push(`${ch}:${msg}`));
    sub.on('pmessage', (pat, ch, msg) => got.push(`${pat}|${ch}:${msg}`));
    await sub.subscribe('io');
    await sub.psubscribe('i*');
    assert.equal(await pub.publish('io', 'one'), 2);
    const nr = createClient({ socket: { port: servers.cairn.port, host: '127.0.0.1' }, RESP: 3 });
    await nr.connect();
    const nrGot: string[] = [];
    await nr.subscribe('io', (msg) => nrGot.push(msg));
    assert.equal(await pub.publish('io', 'two'), 3);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(got, ['io:one', 'i*|io:one', 'io:two', 'i*|io:two']);
    assert.deepEqual(nrGot, ['two']);
    await nr.close();
    pub.disconnect();
    sub.disconnect();
  });

  it('matches a pathological pattern against a long channel quickly (CVE-2022-36021 class)', async () => {
    const sub = await RawClient.connect(servers.cairn.port);
    const pub = await RawClient.connect(servers.cairn.port);
    const pattern = '*a'.repeat(100) + 'b';
    await sub.call('PSUBSCRIBE', pattern);
    const started = performance.now();
    assert.equal(await pub.call('PUBLISH', 'a'.repeat(5000), 'x'), ':0\r\n');
    assert.ok(performance.now() - started < 1000, 'publish returned promptly');
    assert.equal(await pub.call('PING'), '+PONG\r\n');
    sub.close();
    pub.close();
  });

  it('disconnects a subscriber that does not read once past the pubsub output limit', async () => {
    const admin = await RawClient.connect(servers.cairn.port);
    assert.equal(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 512kb 60'), '+OK\r\n');
    const slow = await RawClient.connect(servers.cairn.port);
    await slow.call('SUBSCRIBE', 'flood');
    slow.socket.pause();
    const big = 'x'.repeat(64 * 1024);
    let delivered = 1;
    for (let i = 0; i < 400 && delivered > 0; i++) {
      delivered = Number((await admin.call('PUBLISH', 'flood', big)).slice(1, -2));
    }
    assert.equal(delivered, 0, 'the slow subscriber was dropped');
    assert.equal(await admin.call('PUBSUB', 'NUMSUB', 'flood'), '*2\r\n$5\r\nflood\r\n:0\r\n');
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
    slow.close();
    admin.close();
  });
});
