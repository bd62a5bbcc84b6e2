/**
 * The append-only file: Redis 7's multi-part layout read and written in both directions
 * (redis-server loads Cairn's appendonlydir and Cairn loads redis-server's), kill -9 under
 * a write load (appendfsync always: every acknowledged write survives; everysec: the loss
 * is counted), a torn tail cut off (or refused with aof-load-truncated no), an incomplete
 * MULTI reverted, corruption in the middle refused with file and offset and nothing
 * changed, and CONFIG SET appendonly at runtime.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis as IORedis } from 'ioredis';
import { CAIRN_BIN, startCairn, startRedis, type RunningServer } from '../helpers/servers.js';
import { datasetCommands, load, readContents } from '../helpers/contents.js';
import { RawClient, parseReply } from '../helpers/raw-client.js';

const AOF = ['--appendonly', 'yes'];
const INCR = join('appendonlydir', 'appendonly.aof.1.incr.aof');

function startFails(dir: string, extra: string[] = []): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [CAIRN_BIN, '--port', '0', '--dir', dir, '--save', '', ...AOF, ...extra], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

async function killHard(server: RunningServer): Promise<void> {
  const exited = new Promise((r) => server.process.once('exit', r));
  server.process.kill('SIGKILL');
  await exited;
}


/** The AOF in dir gives `expected` when Cairn restarts from it and when redis-server loads a copy. */
async function reloadsEverywhere(dir: string, redisDir: string, expected: unknown): Promise<void> {
  const again = await startCairn(AOF, undefined, { dir });
  try {
    assert.deepEqual(await readContents(again.port), expected);
  } finally {
    await again.stop();
  }
  cpSync(join(dir, 'appendonlydir'), join(redisDir, 'appendonlydir'), { recursive: true });
  const redis = await startRedis(['--appendonly', 'yes'], { dir: redisDir });
  try {
    assert.deepEqual(await readContents(redis.port), expected);
  } finally {
    await redis.stop();
  }
}

/** Waits until INFO says no rewrite is in progress. */
async function rewriteDone(c: IORedis): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const info = await c.info('persistence');
    if (info.includes('aof_rewrite_in_progress:0')) return info;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the AOF rewrite did not finish');
}

describe('append-only file', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'cairn-aof-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("Cairn's appendonlydir loads into redis-server, and redis-server's into Cairn, with identical contents", async () => {
    // Cairn writes: the dataset (every encoding, TTLs, several dbs), a transaction, an SPOP.
    const dir = fresh();
    const cairn = await startCairn(AOF, undefined, { dir });
    let expected;
    try {
      await load(cairn.port, datasetCommands());
      const c = new IORedis({ port: cairn.port, host: '127.0.0.1' });
      await c.multi().incr('tx').incr('tx').expire('tx', 1000).exec();
      await c.sadd('popme', 'a', 'b', 'c', 'd');
      await c.spop('popme');
      await c.spop('popme', 2);
      await c.setex('relative', 500, 'v');
      // Auto IDs and approximate trims are logged as the IDs and cuts they produced.
      for (let i = 0; i < 300; i++) await c.xadd('auto', 'MAXLEN', '~', '150', '*', 'n', String(i));
      c.disconnect();
      expected = await readContents(cairn.port);
    } finally {
      await killHard(cairn);
    }
    // Cairn restarts from its own files.
    const again = await startCairn(AOF, undefined, { dir });
    try {
      assert.deepEqual(await readContents(again.port), expected);
    } finally {
      await again.stop();
    }
    // redis-server 7.0 reads the same directory.
    const redisDir = fresh();
    cpSync(join(dir, 'appendonlydir'), join(redisDir, 'appendonlydir'), { recursive: true });
    const redis = await startRedis(['--appendonly', 'yes'], { dir: redisDir });
    try {
      assert.deepEqual(await readContents(redis.port), expected);
      // And the other way: what redis-server logged (its own base and incr files), Cairn loads.
      const r = new IORedis({ port: redis.port, host: '127.0.0.1' });
      await r.set('from-redis', 'yes');
      await r.hset('h:redis', 'f', 'v');
      await r.bgrewriteaof();
      for (let i = 0; i < 100; i++) {
        const info = await r.info('persistence');
        if (info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrite_scheduled:0')) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      await r.lpush('after-rewrite', 'x');
      expected = await readContents(redis.port);
      r.disconnect();
    } finally {
      await redis.stop();
    }
    const fromRedis = await startCairn(AOF, undefined, { dir: redisDir });
    try {
      assert.deepEqual(await readContents(fromRedis.port), expected);
    } finally {
      await fromRedis.stop();
    }
  });

  for (const fsync of ['always', 'everysec'] as const) {
    it(`kill -9 under a write load, appendfsync ${fsync}: acknowledged writes after restart`, async () => {
      const dir = fresh();
      const cairn = await startCairn([...AOF, '--appendfsync', fsync], undefined, { dir });
      const clients = Array.from({ length: 8 }, () => new IORedis({ port: cairn.port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: false }));
      for (const c of clients) c.on('error', () => {});
      await Promise.all(clients.map((c) => new Promise((r) => c.once('ready', r))));
      const acked = new Map<string, number>();
      let stop = false;
      const writers = clients.map(async (c, w) => {
        for (let i = 0; !stop; i++) {
          try {
            await c.set(`w${w}`, String(i));
            acked.set(`w${w}`, i);
          } catch {
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, 800));
      await killHard(cairn);
      stop = true;
      await Promise.all(writers);
      for (const c of clients) c.disconnect();
      const total = [...acked.values()].reduce((a, b) => a + b + 1, 0);
      const again = await startCairn(AOF, undefined, { dir });
      try {
        const r = new IORedis({ port: again.port, host: '127.0.0.1' });
        let lost = 0;
        for (const [key, value] of acked) {
          const got = Number(await r.get(key));
          // A write sent but not yet acknowledged may be there too: never less than acknowledged.
          if (got < value) lost += value - got;
        }
        r.disconnect();
        // kill -9 takes the process, not the OS: with either policy every write that was
        // acknowledged had reached the file. (everysec bounds an OS crash to about a second.)
        assert.ok(total > 100, `only ${total} writes acknowledged`);
        assert.equal(lost, 0, `${lost} of ${total} acknowledged writes lost with appendfsync ${fsync}`);
        console.log(`appendfsync ${fsync}: ${total} writes acknowledged before kill -9, ${lost} lost`);
      } finally {
        await again.stop();
      }
    });
  }

  it('a torn tail is cut off (aof-load-truncated yes) or refused with the file named (no); an incomplete MULTI is reverted', async () => {
    const dir = fresh();
    const cairn = await startCairn(AOF, undefined, { dir });
    const c = new IORedis({ port: cairn.port, host: '127.0.0.1' });
    await c.set('kept', '1');
    await c.rpush('list', 'a', 'b');
    c.disconnect();
    await cairn.stop();
    const incr = join(dir, INCR);
    const whole = statSync(incr).size;
    const tail = '*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nval';
    appendFileSync(incr, tail);
    const refused = startFails(dir, ['--aof-load-truncated', 'no']);
    assert.equal(refused.status, 1, refused.output);
    assert.match(refused.output, /Unexpected end of file reading the append only file .*appendonly\.aof\.1\.incr\.aof/);
    assert.equal(statSync(incr).size, whole + tail.length, 'nothing is changed when refusing');
    const loaded = await startCairn(AOF, undefined, { dir });
    try {
      assert.match(loaded.output(), /Truncating the AOF at offset \d+/);
      const r = new IORedis({ port: loaded.port, host: '127.0.0.1' });
      assert.equal(await r.get('kept'), '1');
      assert.equal(await r.exists('torn'), 0);
      await r.set('after', 'truncation');
      r.disconnect();
    } finally {
      await loaded.stop();
    }
    // A transaction whose EXEC never reached the file is not applied.
    appendFileSync(incr, '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1\r\n1\r\n');
    const reverted = await startCairn(AOF, undefined, { dir });
    try {
      const r = new IORedis({ port: reverted.port, host: '127.0.0.1' });
      assert.equal(await r.exists('half'), 0);
      assert.equal(await r.get('after'), 'truncation');
      r.disconnect();
    } finally {
      await reverted.stop();
    }
  });

  it('corruption in the middle stops start-up with file and offset; nothing is overwritten', async () => {
    const dir = fresh();
    const cairn = await startCairn(AOF, undefined, { dir });
    const c = new IORedis({ port: cairn.port, host: '127.0.0.1' });
    for (let i = 0; i < 50; i++) await c.set(`k${i}`, `v${i}`);
    c.disconnect();
    await cairn.stop();
    const incr = join(dir, INCR);
    const bytes = readFileSync(incr);
    const corrupt = Buffer.from(bytes);
    const at = bytes.indexOf('*3', Math.floor(bytes.length / 2));
    corrupt[at] = 0x21; // '*' → '!'
    writeFileSync(incr, corrupt);
    const before = readdirSync(join(dir, 'appendonlydir')).sort();
    const r = startFails(dir);
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, new RegExp(`Bad file format reading the append only file .*appendonly\\.aof\\.1\\.incr\\.aof at offset ${at}`));
    assert.ok(readFileSync(incr).equals(corrupt), 'the file is left as it was');
    assert.deepEqual(readdirSync(join(dir, 'appendonlydir')).sort(), before);
  });

  it('BGREWRITEAOF under concurrent writes: a new base, old files removed, same data after restart and in redis-server', async () => {
    const dir = fresh();
    const cairn = await startCairn([...AOF, '--auto-aof-rewrite-percentage', '0'], undefined, { dir });
    let expected;
    try {
      await load(cairn.port, datasetCommands());
      const c = new IORedis({ port: cairn.port, host: '127.0.0.1' });
      const pipeline = c.pipeline();
      for (let i = 0; i < 5_000; i++) pipeline.set(`bulk:${i}`, `value-${i}`);
      await pipeline.exec();
      assert.equal(await c.bgrewriteaof(), 'Background append only file rewriting started');
      // Writes while the base is being written land in the new incremental file.
      for (let i = 0; i < 200; i++) {
        await c.set(`during:${i}`, i);
        await c.del(`bulk:${i}`);
        await c.incr('counter');
      }
      const info = await rewriteDone(c);
      assert.match(info, /aof_last_bgrewrite_status:ok/);
      assert.match(info, /aof_rewrites:1/);
      await c.set('after', 'rewrite');
      c.disconnect();
      expected = await readContents(cairn.port);
    } finally {
      await killHard(cairn);
    }
    const files = readdirSync(join(dir, 'appendonlydir')).sort();
    assert.deepEqual(files, ['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    assert.equal(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'utf8'), 'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
    await reloadsEverywhere(dir, fresh(), expected);
  });

  it('aof-use-rdb-preamble no: the base is commands (.base.aof), loaded by Cairn and by redis-server', async () => {
    const dir = fresh();
    const cairn = await startCairn([...AOF, '--aof-use-rdb-preamble', 'no'], undefined, { dir });
    let expected;
    try {
      await load(cairn.port, datasetCommands());
      const c = new IORedis({ port: cairn.port, host: '127.0.0.1' });
      await c.rpush('long', ...Array.from({ length: 300 }, (_, i) => `e${i}`));
      await c.zadd('zinf', '-inf', 'low', 'inf', 'high', 0.1, 'tenth');
      await c.bgrewriteaof();
      await rewriteDone(c);
      c.disconnect();
      expected = await readContents(cairn.port);
    } finally {
      await killHard(cairn);
    }
    const files = readdirSync(join(dir, 'appendonlydir')).sort();
    assert.deepEqual(files, ['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    assert.ok(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.2.base.aof'), 'latin1').startsWith('*2\r\n$6\r\nSELECT'));
    await reloadsEverywhere(dir, fresh(), expected);
  });

  it('kill -9 during BGREWRITEAOF: the previous files are the data, the half-written base is removed', async () => {
    const dir = fresh();
    const cairn = await startCairn([...AOF, '--auto-aof-rewrite-percentage', '0'], undefined, { dir });
    const c = new IORedis({ port: cairn.port, host: '127.0.0.1' });
    for (let batch = 0; batch < 20; batch++) {
      const p = c.pipeline();
      for (let i = 0; i < 10_000; i++) p.set(`k:${batch * 10_000 + i}`, `v:${'x'.repeat(60)}`);
      await p.exec();
    }
    await c.bgrewriteaof();
    await c.set('during', 'rewrite');
    const info = await c.info('persistence');
    c.disconnect();
    assert.match(info, /aof_rewrite_in_progress:1/, 'still rewriting when killed');
    await killHard(cairn);
    const again = await startCairn(AOF, undefined, { dir });
    try {
      const r = new IORedis({ port: again.port, host: '127.0.0.1' });
      assert.equal(await r.dbsize(), 200_001);
      assert.equal(await r.get('during'), 'rewrite');
      assert.equal(await r.get('k:199999'), `v:${'x'.repeat(60)}`);
      r.disconnect();
      assert.ok(!readdirSync(join(dir, 'appendonlydir')).some((n) => n.startsWith('temp-')));
    } finally {
      await again.stop();
    }
  });

  it('auto-aof-rewrite-min-size/-percentage start a rewrite by themselves', async () => {
    const dir = fresh();
    const cairn = await startCairn([...AOF, '--auto-aof-rewrite-min-size', '100kb', '--auto-aof-rewrite-percentage', '100'], undefined, { dir });
    try {
      const c = new IORedis({ port: cairn.port, host: '127.0.0.1' });
      const p = c.pipeline();
      for (let i = 0; i < 5000; i++) p.set('same-key', `value-${i}-${'y'.repeat(30)}`);
      await p.exec();
      let rewrites = '0';
      for (let i = 0; i < 100 && rewrites === '0'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        rewrites = /aof_rewrites:(\d+)/.exec(await c.info('persistence'))![1]!;
      }
      assert.notEqual(rewrites, '0');
      assert.match(cairn.output(), /Starting automatic rewriting of AOF/);
      c.disconnect();
    } finally {
      await cairn.stop();
    }
  });

  it('a full disk (ENOSPC): the write is not acknowledged, later writes get MISCONF, and all resumes when space returns', async () => {
    const dir = fresh();
    const first = await startCairn(AOF, undefined, { dir });
    await first.stop();
    // Every write to /dev/full fails with ENOSPC: make it the incremental file.
    const incr = join(dir, INCR);
    rmSync(incr);
    symlinkSync('/dev/full', incr);
    const cairn = await startCairn(AOF, undefined, { dir });
    try {
      const writer = await RawClient.connect(cairn.port);
      const other = await RawClient.connect(cairn.port);
      const pending = writer.call('SET', 'k', 'v');
      let settled = false;
      void pending.then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(settled, false, 'a write that is not in the file is not acknowledged');
      assert.equal(await other.call('SET', 'x', '1'), '-MISCONF Errors writing to the AOF file: No space left on device\r\n');
      assert.equal(await other.call('GET', 'k'), '$1\r\nv\r\n', 'reads go on');
      assert.match(parseReply(await other.call('INFO', 'persistence')) as string, /aof_last_write_status:err/);
      // Space is back (a regular file again): the retry writes it, the reply goes out.
      rmSync(incr);
      writeFileSync(incr, '');
      assert.equal(await pending, '+OK\r\n');
      assert.equal(await other.call('SET', 'x', '1'), '+OK\r\n');
      writer.close();
      other.close();
      await killHard(cairn);
    } catch (e) {
      await cairn.stop();
      throw e;
    }
    const again = await startCairn(AOF, undefined, { dir });
    try {
      const r = new IORedis({ port: again.port, host: '127.0.0.1' });
      assert.deepEqual(await r.mget('k', 'x'), ['v', '1']);
      r.disconnect();
    } finally {
      await again.stop();
    }
  });

  it('CONFIG SET appendonly yes starts logging from the current data; no stops it', async () => {
    const dir = fresh();
    const cairn = await startCairn([], undefined, { dir });
    try {
      const c = new IORedis({ port: cairn.port, host: '127.0.0.1' });
      await c.set('before', '1');
      assert.equal(await c.config('SET', 'appendonly', 'yes'), 'OK');
      assert.match(await c.info('persistence'), /aof_enabled:1/);
      await c.set('after', '2');
      c.disconnect();
      await killHard(cairn);
    } catch (e) {
      await cairn.stop();
      throw e;
    }
    const again = await startCairn(AOF, undefined, { dir });
    try {
      const r = new IORedis({ port: again.port, host: '127.0.0.1' });
      assert.deepEqual(await r.mget('before', 'after'), ['1', '2']);
      assert.equal(await r.config('SET', 'appendonly', 'no'), 'OK');
      assert.match(await r.info('persistence'), /aof_enabled:0/);
      r.disconnect();
    } finally {
      await again.stop();
    }
  });
});
