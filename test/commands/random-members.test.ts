/**
 * HRANDFIELD, SRANDMEMBER and ZRANDMEMBER on large collections: both of Redis's strategies
 * for distinct picks (sampling, and copy-and-drop when count > size / 3), repeated picks
 * with negative counts, and consistency after deletions (the O(1) random index of large
 * hashes and sets is kept by swap-removal).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RawClient, parseReply } from '../helpers/raw-client.js';
import { startCairn, type RunningServer } from '../helpers/servers.js';

describe('random members of large collections', () => {
  let server: RunningServer;
  let c: RawClient;
  before(async () => {
    server = await startCairn();
    c = await RawClient.connect(server.port);
  });
  after(async () => {
    c.close();
    await server.stop();
  });

  const n = 2000;
  const names = Array.from({ length: n }, (_, i) => `e${i}`);

  async function check(cmd: string, key: string, alive: Set<string>, step = 1): Promise<void> {
    for (const count of [10, 500, 900, alive.size, alive.size + 5]) {
      const reply = parseReply(await c.call(cmd, key, String(count))) as string[];
      const picked = reply.filter((_, i) => i % step === 0);
      assert.equal(picked.length, Math.min(count, alive.size), `${cmd} ${count}`);
      assert.equal(new Set(picked).size, picked.length, `${cmd} ${count}: distinct`);
      for (const p of picked) assert.ok(alive.has(p), `${cmd} returned ${p}, which is not there`);
    }
    const repeated = parseReply(await c.call(cmd, key, '-3000')) as string[];
    assert.equal(repeated.length, 3000);
    for (const p of repeated) assert.ok(alive.has(p));
    const single = parseReply(await c.call(cmd, key)) as string;
    assert.ok(alive.has(single));
  }

  for (const [type, fill, remove, cmd] of [
    ['hash', 'HSET', 'HDEL', 'HRANDFIELD'],
    ['set', 'SADD', 'SREM', 'SRANDMEMBER'],
    ['zset', 'ZADD', 'ZREM', 'ZRANDMEMBER'],
  ] as const) {
    it(`${cmd} returns distinct, existing members, also after deletions`, async () => {
      const key = `rand:${type}`;
      const args = type === 'set' ? names : names.flatMap((m, i) => (type === 'hash' ? [m, 'v'] : [String(i), m]));
      assert.match(await c.call(fill, key, ...args), /^:2000/);
      const alive = new Set(names);
      await check(cmd, key, alive);
      const gone = names.filter((_, i) => i % 3 === 0);
      await c.call(remove, key, ...gone);
      gone.forEach((m) => alive.delete(m));
      await check(cmd, key, alive);
    });
  }
});
