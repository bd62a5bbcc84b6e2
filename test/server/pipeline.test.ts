/**
 * Pipelines run exactly as in Redis, although Cairn parses a pipeline's next commands
 * before running them to prefetch their keys (server/connection.ts parseBatch): over a
 * keyspace large enough for the prefetch to run, one write of mixed commands (hits,
 * misses, expired keys, arena values, wrong types, SELECT, MULTI/EXEC, arity errors,
 * unknown commands) ending in a protocol error gets the same bytes back from both servers.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { withServers } from '../helpers/differential.js';
import { seededRandom } from '../helpers/engine.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const KEYS = 80_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fill(c: RawClient): Promise<void> {
  for (let i = 0; i < KEYS; i += 1000) {
    const args: string[] = [];
    // Short values stay JS strings; 100-byte ones live in Cairn's arena.
    for (let k = i; k < i + 1000; k++) args.push(`k:${k}`, k % 3 === 0 ? 'x'.repeat(100) : String(k));
    assert.equal(await c.call('MSET', ...args), '+OK\r\n');
  }
  for (let k = 0; k < KEYS; k += 50) assert.equal(await c.call('RPUSH', `l:${k}`, 'a', 'b'), ':2\r\n');
  // Expired before the pipeline arrives, whether or not the active cycle got to them.
  for (let k = 1; k < KEYS; k += 97) assert.equal(await c.call('PEXPIRE', `k:${k}`, '1'), ':1\r\n');
}

function pipeline(seed: number, commands: number): Buffer {
  const random = seededRandom(seed);
  const key = () => `k:${Math.floor(random() * KEYS * 1.1)}`;
  const list = () => `l:${50 * Math.floor(random() * (KEYS / 50))}`;
  const parts: Buffer[] = [];
  for (let i = 0; i < commands; i++) {
    const r = random();
    let argv: string[];
    if (r < 0.4) argv = ['GET', key()];
    else if (r < 0.5) argv = ['SET', key(), random() < 0.5 ? 'y'.repeat(80) : `s${i}`];
    else if (r < 0.55) argv = ['INCR', key()];
    else if (r < 0.6) argv = ['DEL', key()];
    else if (r < 0.65) argv = ['EXISTS', key(), key()];
    else if (r < 0.68) argv = ['TYPE', random() < 0.5 ? list() : key()];
    else if (r < 0.71) argv = ['STRLEN', key()];
    else if (r < 0.74) argv = ['APPEND', key(), 'z'];
    else if (r < 0.77) argv = ['LPUSH', random() < 0.5 ? list() : key(), 'c'];
    else if (r < 0.8) argv = ['GETDEL', key()];
    else if (r < 0.82) argv = ['MGET', key(), key(), list()];
    else if (r < 0.84) argv = ['EXPIRE', key(), '1000'];
    else if (r < 0.86) argv = ['PING'];
    else if (r < 0.87) argv = ['SELECT', random() < 0.5 ? '1' : '0'];
    else if (r < 0.88) argv = ['MULTI'];
    else if (r < 0.89) argv = ['EXEC'];
    else if (r < 0.9) argv = ['GET'];
    else if (r < 0.91) argv = ['NOSUCHCOMMAND', key()];
    else argv = ['GET', key()];
    parts.push(encodeCommand(argv));
  }
  // A protocol error after them all: every command before it runs and is answered first.
  parts.push(Buffer.from('*1\r\n$-5\r\n'));
  return Buffer.concat(parts);
}

describe('pipelines over a large keyspace', () => {
  const servers = withServers();
  before(async () => {
    const [r, c] = await Promise.all([RawClient.connect(servers.redis.port), RawClient.connect(servers.cairn.port)]);
    await Promise.all([r.call('FLUSHALL'), c.call('FLUSHALL')]);
    await Promise.all([fill(r), fill(c)]);
    await sleep(20);
    r.close();
    c.close();
  });

  it('answer byte for byte as Redis, up to a protocol error at the end', async () => {
    for (const seed of [1, 2, 3]) {
      const input = pipeline(seed, 4000);
      const [rp, cp] = await Promise.all([RawClient.connect(servers.redis.port), RawClient.connect(servers.cairn.port)]);
      rp.write(input);
      cp.write(input);
      await Promise.all([rp.waitClosed(), cp.waitClosed()]);
      const expected = rp.pending();
      const actual = cp.pending();
      assert.ok(expected.endsWith('-ERR Protocol error: invalid bulk length\r\n'), expected.slice(-200));
      if (actual !== expected) {
        const at = [...expected].findIndex((ch, i) => actual[i] !== ch);
        assert.fail(`seed ${seed}: replies differ at byte ${at}\n  redis: ${JSON.stringify(expected.slice(at - 80, at + 80))}\n  cairn: ${JSON.stringify(actual.slice(at - 80, at + 80))}`);
      }
    }
  });

  it('hold the rest of a parsed-ahead pipeline behind a write postponed by CLIENT PAUSE and behind a blocked command', async () => {
    // One write: reads, a write that CLIENT PAUSE WRITE postpones, reads of what it wrote,
    // a BLPOP that blocks until another client pushes, and commands after it.
    const input = Buffer.concat(
      [
        ['GET', 'k:10'],
        ['GET', 'k:11'],
        ['SET', 'k:12', 'paused'],
        ['GET', 'k:12'],
        ['INCR', 'k:13'],
        ['GET', 'k:14'],
        ['BLPOP', 'queue', '0'],
        ['GET', 'k:12'],
        ['LPUSH', 'queue', 'again'],
        ['GET', 'k:15'],
      ].map((argv) => encodeCommand(argv)),
    );
    const replies: string[] = [];
    for (const server of [servers.redis, servers.cairn]) {
      const [admin, client] = await Promise.all([RawClient.connect(server.port), RawClient.connect(server.port)]);
      assert.equal(await admin.call('CLIENT', 'PAUSE', '200', 'WRITE'), '+OK\r\n');
      client.write(input);
      await sleep(400);
      assert.equal(await admin.call('RPUSH', 'queue', 'job'), ':1\r\n');
      let out = '';
      for (let i = 0; i < 10; i++) out += await client.read();
      replies.push(out);
      await admin.call('DEL', 'queue');
      admin.close();
      client.close();
    }
    assert.equal(replies[1], replies[0]);
    assert.match(replies[0]!, /\$6\r\npaused\r\n/);
  });
});

describe('pipelines over a large keyspace, with requirepass', () => {
  const servers = withServers(['--requirepass', 'pw'], ['--requirepass', 'pw']);

  it('apply the pre-AUTH limits up to AUTH and not after it, as Redis, in one write', async () => {
    const [r, c] = await Promise.all([RawClient.connect(servers.redis.port), RawClient.connect(servers.cairn.port)]);
    await Promise.all([r.call('AUTH', 'pw'), c.call('AUTH', 'pw')]);
    await Promise.all([fill(r), fill(c)]);
    r.close();
    c.close();
    const mget = encodeCommand(['MGET', ...Array.from({ length: 19 }, (_, i) => `k:${i * 1000}`)]);
    const inputs = [
      // AUTH first: the 20-argument MGET after it is allowed.
      Buffer.concat([encodeCommand(['GET', 'k:3']), encodeCommand(['AUTH', 'pw']), encodeCommand(['GET', 'k:4']), mget, encodeCommand(['GET', 'k:5']), Buffer.from('*1\r\n$-5\r\n')]),
      // No AUTH: NOAUTH for GET, then the MGET's header breaks the unauthenticated limit.
      Buffer.concat([encodeCommand(['GET', 'k:3']), encodeCommand(['GET', 'k:4']), mget]),
      // AUTH, then RESET (unauthenticated again), then the MGET.
      Buffer.concat([encodeCommand(['AUTH', 'pw']), encodeCommand(['GET', 'k:6']), encodeCommand(['GET', 'k:7']), encodeCommand(['RESET']), mget]),
    ];
    for (const [i, input] of inputs.entries()) {
      const [rp, cp] = await Promise.all([RawClient.connect(servers.redis.port), RawClient.connect(servers.cairn.port)]);
      rp.write(input);
      cp.write(input);
      await Promise.all([rp.waitClosed(), cp.waitClosed()]);
      assert.equal(cp.pending(), rp.pending(), `input ${i + 1}`);
      assert.match(rp.pending(), /-ERR Protocol error: (invalid bulk length|unauthenticated multibulk length)\r\n$/);
    }
  });
});
