/**
 * Scripting beyond single replies: sandbox escapes that must fail, a runaway allocation
 * that must end in an error while the server keeps serving, durability of script writes
 * through the AOF (also loaded by redis-server), and scripts through real clients.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RawClient, parseReply } from '../helpers/raw-client.js';
import { startCairn, startRedis, type RunningServer } from '../helpers/servers.js';
import { readContents } from '../helpers/contents.js';

describe('Lua sandbox', () => {
  let cairn: RunningServer;
  let c: RawClient;
  before(async () => {
    cairn = await startCairn();
    c = await RawClient.connect(cairn.port);
  });
  after(async () => {
    c?.close();
    await cairn?.stop();
  });
  const evalReply = async (body: string) => parseReply(await c.call('EVAL', body, '0'));

  it('escapes that must fail', async () => {
    const attempts: [string, RegExp][] = [
      ['return os.execute("id")', /nonexistent global variable 'os'/],
      ['return io.open("/etc/passwd")', /nonexistent global variable 'io'/],
      ['return require("os")', /nonexistent global variable 'require'/],
      ['return dofile("/etc/passwd")', /nonexistent global variable 'dofile'/],
      ['return loadfile("/etc/passwd")', /nonexistent global variable 'loadfile'/],
      ['return debug.getregistry()', /nonexistent global variable 'debug'/],
      ['return getfenv(1)', /nonexistent global variable 'getfenv'/],
      ['return package.loaded', /nonexistent global variable 'package'/],
      // Precompiled bytecode bypasses the verifier: never loaded.
      ['local f, e = loadstring(string.dump(function() return 1 end)) if f then return "loaded" end error(e)', /bytecode is not supported/],
      ['local d = string.dump(function() return 1 end) local f, e = load(function() local x = d d = nil return x end) if f then return "loaded" end error(e)', /bytecode is not supported/],
      // Shared state a later script (or another user's) would see.
      ['getmetatable("").__index = { upper = function() return "owned" end }', /readonly table/],
      ['getmetatable("").__index.upper = function() return "owned" end', /readonly table/],
      ['string.upper = function() return "owned" end', /readonly table/],
      ['redis.call = function() return "owned" end', /readonly table/],
      ['rawset(redis, "call", 1)', /readonly table/],
      ['rawset(_G, "x", 1)', /readonly table/],
      ['setmetatable(_G, {})', /readonly table/],
      ['setmetatable(string, {})', /readonly table/],
      ['leaked = 1', /readonly table/],
      ['_G.leaked = 1', /readonly table/],
      ['return getmetatable(_G).__index', /attempt to index/],
    ];
    for (const [body, expected] of attempts) {
      const reply = await evalReply(body);
      assert.ok(reply instanceof Error, `${body} must fail, got ${JSON.stringify(reply)}`);
      assert.match(reply.message, expected, body);
    }
    // Nothing leaked into the next script.
    assert.equal(await evalReply('return string.upper("a")'), 'A');
    assert.equal(await evalReply("return type(rawget(getmetatable('') or {}, 'upper'))"), 'nil');
  });

  it('a script that allocates without bound fails with an error; the server goes on', async () => {
    const other = await RawClient.connect(cairn.port);
    try {
      const reply = await evalReply('local t = {} local s = string.rep("x", 1024 * 1024) for i = 1, 1e9 do t[i] = s .. i end');
      assert.ok(reply instanceof Error);
      assert.match(reply.message, /more than 256 MB/);
      const big = await evalReply('return #string.rep("x", 1024 * 1024 * 1024)');
      assert.ok(big instanceof Error, 'a 1 GB string is refused');
      assert.equal(await other.call('SET', 'after', 'ok'), '+OK\r\n');
      assert.equal(await evalReply("return redis.call('get', 'after')"), 'ok');
    } finally {
      other.close();
    }
  });
});

describe('script writes are durable', () => {
  it('appendonly: script effects survive a restart and redis-server loads them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-lua-aof-'));
    try {
      const first = await startCairn(['--appendonly', 'yes', '--appendfsync', 'always'], undefined, { dir });
      const c = await RawClient.connect(first.port);
      await c.call('SADD', 'set', 'a', 'b', 'c');
      await c.call('EVAL', "redis.call('set', KEYS[1], ARGV[1]) redis.call('incrby', 'n', 5) redis.call('expire', KEYS[1], 1000) redis.call('select', 3) redis.call('lpush', 'l3', 'x') return redis.call('spop', 'set')", '1', 'k', 'v');
      await c.call('EVAL', "redis.set_repl(redis.REPL_NONE) redis.call('set', 'unlogged', '1') redis.set_repl(redis.REPL_ALL) return redis.call('set', 'logged', '1')", '0');
      await c.call('EVAL', "redis.call('set', 'partial', '1') return redis.call('incr', 'set')", '0');
      c.close();
      const before = await readContents(first.port);
      await first.stop();
      const expected = before.filter((k) => k.key !== 'unlogged');
      const again = await startCairn(['--appendonly', 'yes'], undefined, { dir });
      try {
        assert.deepEqual(await readContents(again.port), expected);
      } finally {
        await again.stop();
      }
      const redis = await startRedis(['--appendonly', 'yes'], { dir });
      try {
        assert.deepEqual(await readContents(redis.port), expected);
      } finally {
        await redis.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scripts through real clients', () => {
  let cairn: RunningServer;
  before(async () => {
    cairn = await startCairn();
  });
  after(async () => {
    await cairn?.stop();
  });

  it('ioredis: eval, evalsha and defineCommand (which falls back from EVALSHA to EVAL)', async () => {
    const client = new Redis({ port: cairn.port, lazyConnect: true });
    await client.connect();
    try {
      assert.deepEqual(await client.eval('return {KEYS[1], ARGV[1]}', 1, 'k', 'a'), ['k', 'a']);
      client.defineCommand('incrCapped', {
        numberOfKeys: 1,
        lua: "local v = redis.call('incr', KEYS[1]) if v > tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) return tonumber(ARGV[1]) end return v",
      });
      const incrCapped = (client as unknown as { incrCapped(k: string, cap: number): Promise<number> }).incrCapped.bind(client);
      assert.deepEqual([await incrCapped('c', 2), await incrCapped('c', 2), await incrCapped('c', 2)], [1, 2, 2]);
      await client.script('FLUSH');
      assert.equal(await incrCapped('c', 2), 2, 'NOSCRIPT after a flush is answered by EVAL');
      await assert.rejects(client.eval("return redis.call('incr', 'nokey', 'x')", 0), /Wrong number of args/);
    } finally {
      client.disconnect();
    }
  });

  it('node-redis: eval and evalSha', async () => {
    const client = createClient({ socket: { port: cairn.port, host: '127.0.0.1' } });
    await client.connect();
    try {
      const sha = await client.scriptLoad("return redis.call('set', KEYS[1], ARGV[1])");
      assert.equal(await client.evalSha(sha, { keys: ['nr'], arguments: ['v'] }), 'OK');
      assert.equal(await client.eval("return redis.call('get', KEYS[1])", { keys: ['nr'] }), 'v');
    } finally {
      await client.quit();
    }
  });
});
