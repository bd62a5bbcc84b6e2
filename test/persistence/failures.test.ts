/**
 * What happens to the data when things go wrong: a corrupt or truncated dump.rdb stops
 * start-up with the file and offset named and the file untouched; kill -9 in the middle
 * of BGSAVE leaves the previous snapshot as the data, and the half-written temporary file
 * is never mistaken for it; a full disk (ENOSPC, from /dev/full) fails the save, refuses
 * writes with Redis's MISCONF error, corrupts nothing, and service resumes when saving works again.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAIRN_BIN, startCairn, type RunningServer } from '../helpers/servers.js';
import { RawClient, encodeCommand, parseReply } from '../helpers/raw-client.js';

const MISCONF =
  "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.\r\n";

async function fill(port: number, keys: number): Promise<void> {
  const c = await RawClient.connect(port);
  const batch = 1000;
  for (let i = 0; i < keys; i += batch) {
    const argv = ['MSET'];
    for (let j = i; j < Math.min(keys, i + batch); j++) argv.push(`key:${j}`, `value:${j}:${'x'.repeat(40)}`);
    assert.equal(await c.call(...argv), '+OK\r\n');
  }
  c.close();
}

async function info(c: RawClient, field: string): Promise<string> {
  const text = parseReply(await c.call('INFO', 'persistence')) as string;
  return new RegExp(`${field}:(\\S+)`).exec(text)![1]!;
}

async function waitBgsave(c: RawClient): Promise<void> {
  while ((await info(c, 'rdb_bgsave_in_progress')) !== '0') await new Promise((r) => setTimeout(r, 20));
}

function startFails(dir: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [CAIRN_BIN, '--port', '0', '--dir', dir], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('persistence failures', () => {
  const dirs: string[] = [];
  const running: RunningServer[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'cairn-fail-'));
    dirs.push(d);
    return d;
  };
  after(async () => {
    for (const s of running) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a truncated or bit-flipped dump.rdb stops start-up, names file and offset, and is left as it was', async () => {
    const dir = fresh();
    const cairn = await startCairn([], undefined, { dir });
    await fill(cairn.port, 2000);
    const c = await RawClient.connect(cairn.port);
    assert.equal(await c.call('SAVE'), '+OK\r\n');
    c.close();
    await cairn.stop();
    const good = readFileSync(join(dir, 'dump.rdb'));
    const variants: [string, Buffer][] = [
      ['truncated', good.subarray(0, Math.floor(good.length / 2))],
      ['bit-flipped', Buffer.from(good.map((b, i) => (i === Math.floor(good.length / 3) ? b ^ 0x10 : b)))],
      ['not an RDB file', Buffer.from('this is not a dump\n')],
    ];
    for (const [what, bytes] of variants) {
      writeFileSync(join(dir, 'dump.rdb'), bytes);
      const { status, output } = startFails(dir);
      assert.equal(status, 1, `${what}: ${output}`);
      assert.match(output, new RegExp(`Error loading ${join(dir, 'dump.rdb').replace(/[/.]/g, '\\$&')} at offset \\d+`), what);
      assert.deepEqual(readFileSync(join(dir, 'dump.rdb')), bytes, `${what}: the file must not be rewritten`);
    }
  });

  it('kill -9 during BGSAVE: the previous snapshot stays the data, the temporary file is discarded', async () => {
    const dir = fresh();
    const cairn = await startCairn([], undefined, { dir });
    await fill(cairn.port, 200_000);
    const c = await RawClient.connect(cairn.port);
    assert.equal(await c.call('SAVE'), '+OK\r\n');
    const baseline = readFileSync(join(dir, 'dump.rdb'));
    assert.equal(await c.call('SET', 'key:0', 'changed after the snapshot'), '+OK\r\n');
    assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
    // Let it write part of the file, then kill it without warning.
    const partial = () => readdirSync(dir).some((n) => n.startsWith('temp-') && statSync(join(dir, n)).size > 0);
    while (!partial()) await new Promise((r) => setTimeout(r, 1));
    cairn.process.kill('SIGKILL');
    await new Promise((r) => cairn.process.once('exit', r));
    c.close();
    assert.deepEqual(readFileSync(join(dir, 'dump.rdb')), baseline, 'dump.rdb is the last complete snapshot');
    const restarted = await startCairn([], undefined, { dir });
    running.push(restarted);
    const d = await RawClient.connect(restarted.port);
    assert.equal(await d.call('DBSIZE'), ':200000\r\n');
    assert.equal(await d.call('GET', 'key:0'), `$${'value:0:'.length + 40}\r\nvalue:0:${'x'.repeat(40)}\r\n`);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('temp-')), [], 'temporary files removed at start-up');
    d.close();
  });

  it('a full disk fails the save, refuses writes with MISCONF, corrupts nothing, and recovers', async () => {
    const dir = fresh();
    const cairn = await startCairn(['--save', '3600 1'], undefined, { dir });
    running.push(cairn);
    const c = await RawClient.connect(cairn.port);
    assert.equal(await c.call('SET', 'before', '1'), '+OK\r\n');
    assert.equal(await c.call('SAVE'), '+OK\r\n'); // temp file #1
    const baseline = readFileSync(join(dir, 'dump.rdb'));
    const temp = (n: number) => join(dir, `temp-${cairn.pid}-${n}.rdb`);
    // Every write to /dev/full fails with ENOSPC: the next snapshot's temporary file goes there.
    symlinkSync('/dev/full', temp(2));
    assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
    await waitBgsave(c);
    assert.equal(await info(c, 'rdb_last_bgsave_status'), 'err');
    assert.equal(await c.call('SET', 'during', '1'), MISCONF);
    assert.equal(await c.call('PING'), MISCONF);
    assert.equal(await c.call('GET', 'before'), '$1\r\n1\r\n');
    assert.equal(await c.call('MULTI'), '+OK\r\n');
    assert.equal(await c.call('SET', 'during', '1'), MISCONF);
    assert.equal(await c.call('EXEC'), '-EXECABORT Transaction discarded because of previous errors.\r\n');
    assert.deepEqual(readFileSync(join(dir, 'dump.rdb')), baseline, 'dump.rdb untouched');
    assert.equal(existsSync(temp(2)), false, 'the failed temporary file is removed');
    symlinkSync('/dev/full', temp(3));
    assert.equal(await c.call('SAVE'), '-ERR\r\n');
    symlinkSync('/dev/full', temp(4));
    assert.equal(await c.call('SHUTDOWN'), '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
    // Space is back: the next snapshot succeeds and writes are accepted again.
    assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
    await waitBgsave(c);
    assert.equal(await info(c, 'rdb_last_bgsave_status'), 'ok');
    assert.equal(await c.call('SET', 'after', '1'), '+OK\r\n');
    c.close();
  });

  it('DEBUG RELOAD saves and loads back; FLUSHALL with save points leaves an empty dump.rdb', async () => {
    const dir = fresh();
    const cairn = await startCairn(['--enable-debug-command', 'yes', '--save', '3600 1'], undefined, { dir });
    running.push(cairn);
    const c = await RawClient.connect(cairn.port);
    await c.call('RPUSH', 'l', 'a', 'b');
    await c.call('SET', 's', 'v', 'PX', '100000');
    assert.equal(await c.call('DEBUG', 'RELOAD'), '+OK\r\n');
    assert.equal(await c.call('LRANGE', 'l', '0', '-1'), '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    assert.match(await c.call('PTTL', 's'), /^:(99\d{3}|100000)\r\n$/);
    await c.call('SET', 'unsaved', '1');
    assert.equal(await c.call('DEBUG', 'RELOAD', 'NOSAVE'), '+OK\r\n');
    assert.equal(await c.call('EXISTS', 'unsaved'), ':0\r\n');
    assert.equal(await c.call('FLUSHALL'), '+OK\r\n');
    assert.equal(await info(c, 'rdb_changes_since_last_save'), '0');
    assert.equal(await c.call('DEBUG', 'RELOAD', 'NOSAVE'), '+OK\r\n');
    assert.equal(await c.call('DBSIZE'), ':0\r\n');
    c.close();
  });

  it('save points trigger BGSAVE; SHUTDOWN saves, NOSAVE does not; the next start loads the file', async () => {
    const dir = fresh();
    const cairn = await startCairn(['--save', '1 3'], undefined, { dir });
    const c = await RawClient.connect(cairn.port);
    const lastsave = await c.call('LASTSAVE');
    for (const k of ['a', 'b', 'c']) await c.call('SET', k, k);
    const deadline = Date.now() + 5000;
    while ((await c.call('LASTSAVE')) === lastsave && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.notEqual(await c.call('LASTSAVE'), lastsave, 'a save point fired');
    assert.equal(await info(c, 'rdb_changes_since_last_save'), '0');
    await c.call('SET', 'd', 'd');
    c.write(encodeCommand(['SHUTDOWN']));
    await c.waitClosed();
    await new Promise((r) => cairn.process.once('exit', r));
    const second = await startCairn(['--save', ''], undefined, { dir });
    const d = await RawClient.connect(second.port);
    assert.equal(await d.call('DBSIZE'), ':4\r\n');
    await d.call('SET', 'e', 'e');
    d.write(encodeCommand(['SHUTDOWN', 'NOSAVE']));
    await d.waitClosed();
    await new Promise((r) => second.process.once('exit', r));
    const third = await startCairn([], undefined, { dir });
    running.push(third);
    const e = await RawClient.connect(third.port);
    assert.equal(await e.call('DBSIZE'), ':4\r\n');
    assert.equal(await e.call('EXISTS', 'e'), ':0\r\n');
    e.close();
  });
});
