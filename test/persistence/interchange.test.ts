/**
 * RDB interchange with real Redis 7.0, in both directions: a dump.rdb written by
 * redis-server loads into Cairn with identical content (compact encodings included),
 * and Cairn's dump.rdb passes redis-check-rdb and loads into redis-server identically.
 * DUMP payloads RESTORE across the two servers as well.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCairn, startRedis, type RunningServer } from '../helpers/servers.js';
import { RawClient, parseReply } from '../helpers/raw-client.js';
import { datasetCommands, load, readContents } from '../helpers/contents.js';
import { crc64 } from '../../src/persistence/crc64.js';

/** A payload with a valid footer around an arbitrary body (Redis then judges the body). */
function payloadOf(body: string): string {
  const withVersion = Buffer.from(body + '\x0a\x00', 'latin1');
  return Buffer.concat([withVersion, crc64(withVersion)]).toString('latin1');
}

async function configDir(port: number): Promise<string> {
  const c = await RawClient.connect(port);
  const reply = parseReply(await c.call('CONFIG', 'GET', 'dir')) as string[];
  c.close();
  return reply[1]!;
}

async function save(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  assert.equal(await c.call('SAVE'), '+OK\r\n');
  c.close();
}

describe('RDB files move between Redis 7.0 and Cairn', () => {
  const dirs: string[] = [];
  const running: RunningServer[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'cairn-rdb-'));
    dirs.push(d);
    return d;
  };
  after(async () => {
    for (const s of running) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('Cairn loads a dump.rdb written by redis-server, with the same content and encodings', async () => {
    const redis = await startRedis();
    running.push(redis);
    await load(redis.port, datasetCommands());
    await save(redis.port);
    const expected = await readContents(redis.port);
    const dir = fresh();
    copyFileSync(join(await configDir(redis.port), 'dump.rdb'), join(dir, 'dump.rdb'));
    const cairn = await startCairn([], undefined, { dir });
    running.push(cairn);
    assert.match(cairn.output(), /DB loaded from disk: .*, 35 keys/);
    assert.deepEqual(await readContents(cairn.port), expected);
  });

  for (const variant of [[], ['--rdbcompression', 'no'], ['--rdbchecksum', 'no']]) {
    it(`redis-check-rdb accepts Cairn's dump.rdb and redis-server loads it identically ${variant.join(' ')}`, async () => {
      const cairn = await startCairn(variant);
      running.push(cairn);
      await load(cairn.port, datasetCommands());
      await save(cairn.port);
      const expected = await readContents(cairn.port);
      const file = join(await configDir(cairn.port), 'dump.rdb');
      const check = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /RDB looks OK/);
      assert.match(check.stdout, /35 keys read/);
      const dir = fresh();
      copyFileSync(file, join(dir, 'dump.rdb'));
      const redis = await startRedis([], { dir });
      running.push(redis);
      assert.deepEqual(await readContents(redis.port), expected);
    });
  }

  it('DUMP payloads RESTORE from Redis into Cairn and back, key by key', async () => {
    const redis = await startRedis();
    const cairn = await startCairn();
    running.push(redis, cairn);
    await load(redis.port, datasetCommands());
    const expected = await readContents(redis.port);
    const r = await RawClient.connect(redis.port);
    const c = await RawClient.connect(cairn.port);
    for (const { db, key } of expected) {
      await r.call('SELECT', String(db));
      await c.call('SELECT', String(db));
      const payload = parseReply(await r.call('DUMP', key)) as string;
      // As text: an expiry time past 2^53 must travel exactly.
      const expireAt = (await r.call('PEXPIRETIME', key)).slice(1, -2);
      const ttlArgs = expireAt !== '-1' ? [expireAt, 'ABSTTL'] : ['0'];
      assert.equal(await c.call('RESTORE', key, ttlArgs[0]!, payload, ...ttlArgs.slice(1)), '+OK\r\n', key);
      // And back: Cairn's payload replaces Redis's own key.
      const back = parseReply(await c.call('DUMP', key)) as string;
      assert.equal(await r.call('RESTORE', key, ttlArgs[0]!, back, 'REPLACE', ...ttlArgs.slice(1)), '+OK\r\n', key);
    }
    assert.deepEqual(await readContents(cairn.port), expected);
    assert.deepEqual(await readContents(redis.port), expected);
    r.close();
    c.close();
  });
});

describe('RESTORE answers bad arguments and payloads as Redis does', () => {
  let redis: RunningServer;
  let cairn: RunningServer;
  before(async () => {
    [redis, cairn] = await Promise.all([startRedis(), startCairn()]);
  });
  after(async () => {
    await Promise.all([redis.stop(), cairn.stop()]);
  });

  it('gives byte-identical replies', async () => {
    const r = await RawClient.connect(redis.port);
    await r.call('SET', 'src', 'hello');
    await r.call('RPUSH', 'srclist', 'a', 'b');
    const good = parseReply(await r.call('DUMP', 'src')) as string;
    const list = parseReply(await r.call('DUMP', 'srclist')) as string;
    const flipped = good.slice(0, 3) + String.fromCharCode(good.charCodeAt(3) ^ 1) + good.slice(4);
    const scripts: string[][] = [
      ['RESTORE', 'k', '0', good],
      ['GET', 'k'],
      ['RESTORE', 'k', '0', good],
      ['RESTORE', 'k', '0', good, 'REPLACE'],
      ['RESTORE', 'k2', '-1', good],
      ['RESTORE', 'k2', 'abc', good],
      ['RESTORE', 'k2', '0', flipped],
      ['RESTORE', 'k2', '0', 'short'],
      ['RESTORE', 'k2', '0', ''],
      ['RESTORE', 'k2', '0', good, 'FOO'],
      ['RESTORE', 'k2', '0', good, 'IDLETIME'],
      ['RESTORE', 'k2', '0', good, 'IDLETIME', '-1'],
      ['RESTORE', 'k2', '0', good, 'IDLETIME', 'x'],
      ['RESTORE', 'k2', '0', good, 'FREQ', '256'],
      ['RESTORE', 'k2', '0', good, 'IDLETIME', '10', 'FREQ', '5'],
      ['RESTORE', 'k2', '0', good, 'IDLETIME', '10'],
      ['OBJECT', 'IDLETIME', 'k2'],
      ['RESTORE', 'k3', '1', good, 'ABSTTL'],
      ['EXISTS', 'k3'],
      ['RESTORE', 'k', '1', good, 'ABSTTL', 'REPLACE'],
      ['EXISTS', 'k'],
      ['RESTORE', 'k4', '100000', good],
      ['PTTL', 'k4'],
      // Times past 2^53: kept exact; a relative TTL that overflows int64 counts as expired.
      ['RESTORE', 'k5', '9223372036854775807', good, 'ABSTTL'],
      ['PEXPIRETIME', 'k5'],
      ['RESTORE', 'k6', '9223372036854775000', good],
      ['EXISTS', 'k6'],
      ['RESTORE', 'k5', '9223372036854775807', good, 'REPLACE'],
      ['EXISTS', 'k5'],
      ['RESTORE', 'l', '0', list],
      ['LRANGE', 'l', '0', '-1'],
      ['RESTORE', 'l', '0', list.slice(0, -10) + '\x0b\x00' + list.slice(-8)],
      ['RESTORE', 'b1', '0', payloadOf('\x00\x7fhello')],
      ['RESTORE', 'b2', '0', payloadOf('\x63\x01a')],
      ['RESTORE', 'b3', '0', payloadOf('\x01\x00')],
      ['RESTORE', 'b4', '0', payloadOf('\x02\x02\x01a\x01a')],
      ['RESTORE', 'b5', '0', payloadOf('\x00\xc3\x05\x0a\x00hello')],
      ['RESTORE', 'b6', '0', payloadOf('\x00\x05hello')],
      ['GET', 'b6'],
      // Lengths from a corrupt payload far beyond the data: an error, never an allocation.
      ['RESTORE', 'h1', '0', payloadOf('\x00\xc3\x05\x81\x00\x00\x10\x00\x00\x00\x00\x00hello')],
      ['RESTORE', 'h2', '0', payloadOf('\x00\x81\x00\x00\x10\x00\x00\x00\x00\x00hello')],
      ['RESTORE', 'h3', '0', payloadOf('\x01\x81\x00\x00\x10\x00\x00\x00\x00\x00\x01a')],
      ['RESTORE', 'h4', '0', payloadOf('\x00\xc3\x05\x80\x7f\xff\xff\xffhello')],
      ['KEYS', 'b*'],
      ['DUMP', 'missing'],
      ['DUMP'],
      ['RESTORE', 'k'],
    ];
    const c = await RawClient.connect(cairn.port);
    for (const argv of scripts) {
      const expected = await r.call(...argv);
      const actual = await c.call(...argv);
      const shown = argv.map((a) => (a.length > 20 ? `<${a.length} bytes>` : a)).join(' ');
      // PTTL may differ by the milliseconds between the two calls.
      if (argv[0] === 'PTTL') assert.ok(Math.abs(Number(actual.slice(1)) - Number(expected.slice(1))) < 1000, shown);
      else assert.equal(actual, expected, shown);
    }
    r.close();
    c.close();
  });
});
