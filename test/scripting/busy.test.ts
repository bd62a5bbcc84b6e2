/**
 * Slow scripts, against real Redis: past busy-reply-threshold other clients get BUSY (but
 * for the allow_busy commands), SCRIPT KILL / FUNCTION KILL stop a script that has not
 * written (also one that catches errors with pcall), a script that wrote is UNKILLABLE and
 * finishes, FUNCTION STATS shows the running function, and SHUTDOWN NOSAVE stops the
 * server without keeping the half-done script's writes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withServers, type Servers } from '../helpers/differential.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';
import { startCairn, startRedis, type RunningServer } from '../helpers/servers.js';

const THRESHOLD = ['--busy-reply-threshold', '100'];
const SPIN = 'local i = 0\nwhile true do i = i + 1 end';

/** Waits until the server answers BUSY (the script passed the threshold). */
async function untilBusy(c: RawClient): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if ((await c.call('PING')).startsWith('-BUSY')) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail('the server never answered BUSY');
}


/**
 * Runs one scenario on a server: setup commands, then `script` sent by one client without
 * waiting, then `during` from a second client once it is busy, then the script's own reply,
 * then `after`. Returns every reply, for comparison with Redis's.
 */
async function scenario(port: number, setup: string[][], script: string[], during: string[][], after: string[][], mask: (reply: string) => string = (r) => r): Promise<string[]> {
  // Client ids differ between the servers by construction.
  const masked = (reply: string): string => mask(reply.replace(/(\$2\r\nid\r\n:)\d+/, '$1<id>'));
  const a = await RawClient.connect(port);
  const b = await RawClient.connect(port);
  const out: string[] = [];
  try {
    for (const argv of setup) out.push(await b.call(...argv));
    a.write(encodeCommand(script));
    await untilBusy(b);
    for (const argv of during) out.push(masked(await b.call(...argv)));
    out.push(await a.read(20_000));
    for (const argv of after) out.push(await b.call(...argv));
  } finally {
    a.close();
    b.close();
  }
  return out;
}

async function compare(servers: Servers, ...args: Parameters<typeof scenario> extends [number, ...infer R] ? R : never): Promise<void> {
  const expected = await scenario(servers.redis.port, ...args);
  const actual = await scenario(servers.cairn.port, ...args);
  assert.deepEqual(actual, expected);
}

describe('slow scripts match Redis', () => {
  const servers = withServers(THRESHOLD, THRESHOLD);

  it('EVAL past the threshold: BUSY for others, allow_busy commands answer, SCRIPT KILL stops it', () =>
    compare(
      servers,
      [['FLUSHALL'], ['SET', 'x', 'before']],
      ['EVAL', SPIN, '0'],
      [
        ['SET', 'x', '1'],
        ['GET', 'x'],
        ['EVAL', 'return 1', '0'],
        ['FUNCTION', 'KILL'],
        ['FUNCTION', 'STATS'],
        ['SHUTDOWN'],
        ['MULTI'],
        ['GET', 'x'],
        ['EXEC'],
        ['WATCH', 'x'],
        ['UNWATCH'],
        ['HELLO', '2', 'SETNAME', 'b'],
        ['SCRIPT', 'KILL'],
      ],
      [['GET', 'x'], ['SCRIPT', 'KILL'], ['PING']],
    ));

  it('a script that wrote cannot be killed; it finishes and its writes stay', () =>
    compare(
      servers,
      [['FLUSHALL']],
      ['EVAL', "redis.call('set', 'w', 'written') local t = redis.call('time') local start = t[1] * 1000 + t[2] / 1000 while true do t = redis.call('time') if t[1] * 1000 + t[2] / 1000 - start > 600 then break end end return redis.call('get', 'w')", '0'],
      [
        ['SCRIPT', 'KILL'],
        ['FUNCTION', 'KILL'],
        ['GET', 'w'],
      ],
      [['GET', 'w']],
    ));

  it('SCRIPT KILL stops a script whose loop catches errors with pcall', () =>
    compare(
      servers,
      [['FLUSHALL']],
      ['EVAL', 'local i = 0\nwhile true do pcall(function() for j = 1, 1000 do i = i + 1 end end) end', '0'],
      [['SCRIPT', 'KILL']],
      [['PING']],
    ));

  it('a slow function: FUNCTION STATS shows it, SCRIPT KILL refuses, FUNCTION KILL stops it', () =>
    compare(
      servers,
      [
        ['FUNCTION', 'FLUSH'],
        ['FUNCTION', 'LOAD', `#!lua name=spinlib\nredis.register_function('spin', function(keys, args) ${SPIN} end)`],
      ],
      ['FCALL', 'spin', '1', 'somekey', 'arg'],
      [['PING'], ['SCRIPT', 'KILL'], ['FUNCTION', 'STATS'], ['FUNCTION', 'KILL']],
      [['FCALL', 'spin', 'x'], ['FUNCTION', 'KILL']],
      // FUNCTION STATS's duration_ms differs run to run.
      (reply) => reply.replace(/(duration_ms\r\n:)\d+/, '$1<ms>'),
    ));

  it('a script that ends before the threshold never makes anyone wait', async () => {
    const c = await RawClient.connect(servers.cairn.port);
    try {
      assert.equal(await c.call('EVAL', 'local i = 0 for j = 1, 100000 do i = i + j end return i', '0'), ':5000050000\r\n');
      assert.equal(await c.call('FUNCTION', 'STATS'), '*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:1\r\n');
    } finally {
      c.close();
    }
  });
});

describe('SHUTDOWN NOSAVE during a slow script', () => {
  async function run(start: (dir: string) => Promise<RunningServer>): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-busy-shutdown-'));
    try {
      const first = await start(dir);
      const a = await RawClient.connect(first.port);
      const b = await RawClient.connect(first.port);
      await b.call('SET', 'kept', '1');
      a.write(encodeCommand(['EVAL', "redis.call('set', 'partial', '1')\nwhile true do end", '0']));
      await untilBusy(b);
      b.write(encodeCommand(['SHUTDOWN', 'NOSAVE']));
      await b.waitClosed();
      await first.stop();
      a.close();
      const again = await start(dir);
      const c = await RawClient.connect(again.port);
      const reply = (await c.call('GET', 'kept')) + (await c.call('GET', 'partial'));
      c.close();
      await again.stop();
      return reply;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('the server stops; after a restart the AOF has what was acknowledged, not the half-done script', async () => {
    const args = [...THRESHOLD, '--appendonly', 'yes', '--appendfsync', 'always'];
    const cairn = await run((dir) => startCairn(args, undefined, { dir }));
    const redis = await run((dir) => startRedis(args, { dir }));
    assert.equal(cairn, redis);
    assert.equal(cairn, '$1\r\n1\r\n$-1\r\n');
  });
});
