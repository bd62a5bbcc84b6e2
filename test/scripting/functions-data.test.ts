/**
 * Function libraries as data: FUNCTION RESTORE of payloads real Redis dumped (each policy
 * and collision), libraries surviving restarts through RDB and AOF (rewritten with and
 * without an RDB preamble), files exchanged with redis-server both ways, and FCALL
 * through ioredis and node-redis.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { runScript, withServers } from '../helpers/differential.js';
import { RawClient } from '../helpers/raw-client.js';
import { startCairn, startRedis, type RunningServer } from '../helpers/servers.js';

const lib = (name: string, fn: string, result = name): string =>
  `#!lua name=${name}\nredis.register_function('${fn}', function(keys, args) return '${result}' end)`;
const COUNTER = "#!lua name=counter\nredis.register_function('bump', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)";

/** The bulk reply's bytes (payloads are binary), from a raw RESP reply. */
function bulk(reply: string): string {
  const m = /^\$(\d+)\r\n/.exec(reply);
  assert.ok(m, `not a bulk reply: ${JSON.stringify(reply)}`);
  return reply.slice(m[0].length, m[0].length + Number(m[1]));
}

async function redisPayloads(port: number): Promise<{ both: string; one: string; key: string }> {
  const c = await RawClient.connect(port);
  try {
    await c.call('FUNCTION', 'FLUSH');
    await c.call('FUNCTION', 'LOAD', lib('pa', 'pa1'));
    await c.call('FUNCTION', 'LOAD', lib('pb', 'pb1'));
    const both = bulk(await c.call('FUNCTION', 'DUMP'));
    await c.call('FUNCTION', 'DELETE', 'pb');
    const one = bulk(await c.call('FUNCTION', 'DUMP'));
    await c.call('SET', 'k', 'v');
    const key = bulk(await c.call('DUMP', 'k'));
    await c.call('FUNCTION', 'FLUSH');
    return { both, one, key };
  } finally {
    c.close();
  }
}

describe('FUNCTION RESTORE of payloads Redis dumped', () => {
  const servers = withServers();
  it('every policy and collision answers as Redis does', async () => {
    const { both, one, key } = await redisPayloads(servers.redis.port);
    const corrupt = one.slice(0, 5) + String.fromCharCode(one.charCodeAt(5) ^ 1) + one.slice(6);
    await runScript(servers, [
      'FUNCTION FLUSH',
      ['FUNCTION', 'RESTORE', both],
      'FCALL pa1 0',
      'FCALL pb1 0',
      ['FUNCTION', 'RESTORE', one],
      ['FUNCTION', 'RESTORE', one, 'APPEND'],
      ['FUNCTION', 'RESTORE', one, 'REPLACE'],
      'FCALL pa1 0',
      ['FUNCTION', 'RESTORE', one, 'FLUSH'],
      'FUNCTION LIST',
      'FCALL pb1 0',
      'FUNCTION FLUSH',
      ['FUNCTION', 'LOAD', lib('pc', 'pa1', 'from pc')],
      ['FUNCTION', 'RESTORE', one],
      ['FUNCTION', 'RESTORE', one, 'REPLACE'],
      'FCALL pa1 0',
      'FUNCTION LIST',
      ['FUNCTION', 'RESTORE', corrupt],
      ['FUNCTION', 'RESTORE', key],
      ['FUNCTION', 'RESTORE', ''],
      ['FUNCTION', 'RESTORE', one, 'FLUSH'],
      'FCALL pa1 0',
      ['FUNCTION', 'LOAD', lib('pa', 'pa1')],
      'FUNCTION DUMP',
    ]);
  });
});

/** Loads COUNTER and a second library on a fresh server, calls it, and returns what a restart must keep. */
async function populate(server: RunningServer): Promise<void> {
  const c = await RawClient.connect(server.port);
  try {
    assert.equal(await c.call('FUNCTION', 'LOAD', COUNTER), '$7\r\ncounter\r\n');
    assert.equal(await c.call('FUNCTION', 'LOAD', lib('extra', 'hello')), '$5\r\nextra\r\n');
    assert.equal(await c.call('FCALL', 'bump', '1', 'n', '5'), ':5\r\n');
  } finally {
    c.close();
  }
}

/** Checks without writing (the next check reads the same files): the key bump wrote, both libraries. */
async function assertRestored(server: RunningServer, label: string, n = 5): Promise<void> {
  const c = await RawClient.connect(server.port);
  try {
    assert.equal(await c.call('GET', 'n'), `$${String(n).length}\r\n${n}\r\n`, `${label}: the key the function wrote`);
    assert.equal(await c.call('FCALL', 'bump', '1', 'n', 'x'), "-ERR value is not an integer or out of range script: bump, on @user_function:2.\r\n", `${label}: the library runs`);
    assert.equal(await c.call('FCALL', 'hello', '0'), '$5\r\nextra\r\n', `${label}: the second library`);
    assert.match(await c.call('FUNCTION', 'LIST', 'LIBRARYNAME', 'counter', 'WITHCODE'), /redis\.register_function\('bump'/);
  } finally {
    c.close();
  }
}

async function withDir(prefix: string, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function restartCheck(dir: string, cairnArgs: string[], redisArgs: string[], label: string, n = 5): Promise<void> {
  const again = await startCairn(cairnArgs, undefined, { dir });
  try {
    await assertRestored(again, `Cairn after ${label}`, n);
  } finally {
    await again.stop();
  }
  const redis = await startRedis(redisArgs, { dir });
  try {
    await assertRestored(redis, `redis-server on Cairn's files after ${label}`, n);
  } finally {
    await redis.stop();
  }
}

describe('function libraries persist', () => {
  it('in the RDB file: Cairn and redis-server load it', () =>
    withDir('cairn-fn-rdb-', async (dir) => {
      const first = await startCairn(['--enable-debug-command', 'yes'], undefined, { dir });
      await populate(first);
      const c = await RawClient.connect(first.port);
      assert.equal(await c.call('SAVE'), '+OK\r\n');
      assert.equal(await c.call('DEBUG', 'RELOAD'), '+OK\r\n', 'DEBUG RELOAD loads the libraries back, not twice');
      c.close();
      await assertRestored(first, 'DEBUG RELOAD');
      await first.stop();
      await restartCheck(dir, [], [], 'SAVE');
    }));

  it("in redis-server's RDB file: Cairn loads it", () =>
    withDir('cairn-fn-redis-rdb-', async (dir) => {
      const redis = await startRedis([], { dir });
      await populate(redis);
      const c = await RawClient.connect(redis.port);
      await c.call('SAVE');
      c.close();
      await redis.stop();
      const cairn = await startCairn([], undefined, { dir });
      try {
        await assertRestored(cairn, "Cairn on redis-server's RDB");
      } finally {
        await cairn.stop();
      }
    }));

  it('in the AOF, as logged commands and after rewrites with and without an RDB preamble', () =>
    withDir('cairn-fn-aof-', async (dir) => {
      const aof = ['--appendonly', 'yes', '--appendfsync', 'always'];
      const first = await startCairn(aof, undefined, { dir });
      await populate(first);
      const c = await RawClient.connect(first.port);
      // Deleted and flushed libraries must stay gone on replay.
      await c.call('FUNCTION', 'LOAD', lib('gone', 'gone'));
      await c.call('FUNCTION', 'DELETE', 'gone');
      c.close();
      await first.stop();
      await restartCheck(dir, aof, ['--appendonly', 'yes'], 'logged FUNCTION LOAD');

      let n = 5;
      for (const preamble of ['yes', 'no']) {
        const server = await startCairn([...aof, '--aof-use-rdb-preamble', preamble], undefined, { dir });
        const r = await RawClient.connect(server.port);
        await r.call('FCALL', 'bump', '1', 'n', '-2');
        n -= 2;
        assert.equal(await r.call('BGREWRITEAOF'), '+Background append only file rewriting started\r\n');
        for (let i = 0; i < 200 && /aof_rewrite_in_progress:1/.test(await r.call('INFO', 'persistence')); i++) await new Promise((res) => setTimeout(res, 25));
        assert.equal(await r.call('FCALL', 'gone', '0'), '-ERR Function not found\r\n');
        r.close();
        await server.stop();
        await restartCheck(dir, aof, ['--appendonly', 'yes'], `a rewrite with aof-use-rdb-preamble ${preamble}`, n);
      }
    }));
});

describe('functions through real clients', () => {
  it('ioredis and node-redis: FUNCTION LOAD, FCALL, FCALL_RO, FUNCTION LIST', async () => {
    const cairn = await startCairn();
    const io = new Redis({ port: cairn.port, lazyConnect: true });
    const nr = createClient({ socket: { port: cairn.port, host: '127.0.0.1' } });
    try {
      await io.connect();
      assert.equal(await io.call('FUNCTION', 'LOAD', COUNTER), 'counter');
      assert.equal(await io.call('FCALL', 'bump', 1, 'hits', 3), 3);
      await assert.rejects(io.call('FCALL_RO', 'bump', 1, 'hits', 3), /Can not execute a script with write flag using \*_ro command/);
      await nr.connect();
      assert.equal(await nr.fCall('bump', { keys: ['hits'], arguments: ['4'] }), 7);
      assert.equal(
        await nr.functionLoad("#!lua name=reader\nredis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}"),
        'reader',
      );
      assert.equal(await nr.fCallRo('peek', { keys: ['hits'] }), '7');
      const list = await nr.functionList();
      assert.deepEqual(list.map((l) => l.library_name).sort(), ['counter', 'reader']);
      assert.deepEqual(list.find((l) => l.library_name === 'reader')!.functions[0]!.flags, ['no-writes']);
    } finally {
      io.disconnect();
      await nr.quit().catch(() => {});
      await cairn.stop();
    }
  });
});
