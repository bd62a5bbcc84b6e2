/**
 * Server behaviour no single reply shows: SCAN's guarantee under writes, active expiry,
 * MONITOR, CLIENT KILL/PAUSE, idle timeout, maxclients, start-up configuration, shutdown.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RawClient, parseReply } from '../helpers/raw-client.js';
import { CAIRN_BIN, startCairn, type RunningServer } from '../helpers/servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('server behaviour', () => {
  let server: RunningServer;
  before(async () => {
    server = await startCairn(['--enable-debug-command', 'yes']);
  });
  after(async () => {
    await server.stop();
  });

  it('SCAN returns every key present throughout, while keys are added and deleted', async () => {
    const c = await RawClient.connect(server.port);
    const w = await RawClient.connect(server.port);
    await c.call('SELECT', '5');
    await w.call('SELECT', '5');
    const stable: string[] = [];
    for (let i = 0; i < 5000; i++) stable.push(`stable:${i}`);
    for (let i = 0; i < stable.length; i += 500) await c.call('MSET', ...stable.slice(i, i + 500).flatMap((k) => [k, 'v']));
    for (let i = 0; i < 2000; i++) await c.call('SET', `churn:${i}`, 'v');
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, keys] = parseReply(await c.call('SCAN', cursor, 'COUNT', '50')) as [string, string[]];
      keys.forEach((k) => seen.add(k));
      cursor = next;
      // Between calls, another client deletes and adds keys.
      await w.call('DEL', `churn:${round}`);
      await w.call('SET', `added:${round}`, 'v');
      round++;
    } while (cursor !== '0');
    for (const k of stable) assert.ok(seen.has(k), `SCAN missed ${k}`);
    await c.call('FLUSHDB');
    c.close();
    w.close();
  });

  for (const [type, fill, scanCmd, remove, add] of [
    ['hash', 'HSET', 'HSCAN', 'HDEL', 'HSET'],
    ['set', 'SADD', 'SSCAN', 'SREM', 'SADD'],
  ] as const) {
    it(`${scanCmd} returns every ${type} element present throughout, while others are removed and added`, async () => {
      const c = await RawClient.connect(server.port);
      const key = `scan:${type}`;
      const stable: string[] = [];
      for (let i = 0; i < 3000; i++) stable.push(`stable-${i}`);
      const args = (names: string[]) => (type === 'hash' ? names.flatMap((n) => [n, 'v']) : names);
      for (let i = 0; i < stable.length; i += 500) await c.call(fill, key, ...args(stable.slice(i, i + 500)));
      const churn = Array.from({ length: 1000 }, (_, i) => `churn-${i}`);
      await c.call(fill, key, ...args(churn));
      assert.equal(await c.call('OBJECT', 'ENCODING', key), '$9\r\nhashtable\r\n');
      const seen = new Set<string>();
      let cursor = '0';
      let round = 0;
      do {
        const [next, items] = parseReply(await c.call(scanCmd, key, cursor, 'COUNT', '20')) as [string, string[]];
        const step = type === 'hash' ? 2 : 1;
        for (let i = 0; i < items.length; i += step) seen.add(items[i]!);
        cursor = next;
        // Removing a member moves the set's last member into its slot: the cursor must
        // not lose it.
        await c.call(remove, key, churn[round % churn.length]!);
        await c.call(add, key, ...args([`added-${round}`]));
        round++;
      } while (cursor !== '0');
      for (const m of stable) assert.ok(seen.has(m), `${scanCmd} missed ${m}`);
      await c.call('DEL', key);
      c.close();
    });
  }

  it("reclaims 1,000,000 keys with short TTLs without stalling requests", async (t) => {
    const c = await RawClient.connect(server.port);
    await c.call('SELECT', '6');
    const n = 1_000_000;
    const batch = 10_000;
    for (let i = 0; i < n; i += batch) {
      let frame = '';
      for (let j = i; j < i + batch; j++) {
        const key = `ttl:${j}`;
        frame += `*5\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$1\r\nv\r\n$2\r\nPX\r\n$4\r\n8000\r\n`;
      }
      c.write(frame);
      for (let j = 0; j < batch; j++) await c.read();
    }
    assert.equal(await c.call('DBSIZE'), `:${n}\r\n`);
    // Nobody reads these keys again; only the active cycle can reclaim them. Meanwhile,
    // measure the latency of a PING every few ms, as unix-ms intervals.
    const now = () => performance.timeOrigin + performance.now();
    // Time the two processes' main threads were runnable but waited for a CPU (Linux
    // schedstat): on a 2-core machine the client, V8's helper threads and the kernel's own
    // threads (kdamond was seen holding a core for 8-12 ms at a time) delay a reply with no
    // work of Cairn's in it. Each PING's latency is counted without that wait.
    const cpuWait = () =>
      [server.pid, process.pid].reduce((ms, pid) => ms + Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'latin1').split(' ')[1]) / 1e6, 0);
    // The test's own GC pauses (it built a million commands) delay its reads: a PING that
    // overlapped one says nothing of the server and is left out.
    const ownPauses: [number, number][] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) ownPauses.push([performance.timeOrigin + e.startTime, e.duration]);
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const pings: [number, number][] = [];
    const waits: number[] = [];
    const deadline = Date.now() + 40_000;
    let size = n;
    while (Date.now() < deadline) {
      const waited = cpuWait();
      const started = now();
      await c.call('PING');
      const ended = now();
      waits.push(cpuWait() - waited);
      pings.push([started, ended]);
      size = Number((await c.call('DBSIZE')).slice(1, -2));
      if (size === 0) break;
      await sleep(5);
    }
    gcObserver.disconnect();
    assert.equal(size, 0, 'all expired keys reclaimed');
    // Stalls in Cairn's own work are told apart from V8's pauses: the server lists its GC
    // pauses, and a PING that overlapped one (with 2 ms for the two processes' clocks) is
    // not held against the expiry cycle. Both figures are reported and bounded.
    const pauses = (parseReply(await c.call('DEBUG', 'GC-PAUSES')) as [string, string][]).map(([s, d]) => [Number(s), Number(d)] as const);
    const overlaps = (list: readonly (readonly [number, number])[], [from, to]: [number, number]) => list.some(([s, d]) => s <= to + 2 && s + d >= from - 2);
    const inGc = (p: [number, number]) => overlaps(pauses, p);
    const raw = ([from, to]: [number, number]) => to - from;
    const latency = (p: [number, number], i: number) => (overlaps(ownPauses, p) ? 0 : raw(p) - waits[i]!);
    const worstRaw = Math.max(...pings.map(raw));
    const worst = Math.max(...pings.map(latency));
    const worstOutsideGc = Math.max(0, ...pings.map((p, i) => (inGc(p) ? 0 : latency(p, i))));
    const longestGc = Math.max(0, ...pauses.filter(([s]) => s >= pings[0]![0]).map(([, d]) => d));
    t.diagnostic(
      `worst PING latency while 1M keys expired: ${worst.toFixed(2)} ms (${worstRaw.toFixed(2)} ms with the waits for a CPU and the test's own GC pauses); outside GC pauses: ${worstOutsideGc.toFixed(2)} ms; longest GC pause meanwhile: ${longestGc.toFixed(1)} ms`,
    );
    // A slice of the cycle is 2 ms, and the key tables compact a few entries per delete (a
    // one-shot compaction, index shrink or Set rehash took 20-40 ms here); measured 5-12
    // ms on a development machine, bound set for a loaded, shared CI machine.
    assert.ok(worstOutsideGc < 30, `worst PING latency outside GC pauses during the expiry cycle: ${worstOutsideGc.toFixed(1)} ms`);
    // GC included: when the key tables linked an object per compaction step, the dead links
    // kept young ones alive, scavenges promoted them and full collections paused 40-120 ms;
    // with the steps logged as numbers the worst PING is 12-30 ms (Redis 7.0: 27-31 ms).
    assert.ok(worst < 50, `worst PING latency during the expiry cycle, GC pauses included: ${worst.toFixed(1)} ms`);
    const info = await c.call('INFO', 'stats');
    assert.match(info, /expired_keys:(\d+)/);
    assert.ok(Number(/expired_keys:(\d+)/.exec(info)![1]) >= n);
    c.close();
  });

  it('RANDOMKEY returns live keys and, over many calls, every key of a small keyspace', async () => {
    const c = await RawClient.connect(server.port);
    await c.call('SELECT', '7');
    const keys = Array.from({ length: 50 }, (_, i) => `rk:${i}`);
    await c.call('MSET', ...keys.flatMap((k) => [k, 'v']));
    await c.call('SET', 'rk:gone', 'v', 'PX', '1');
    await sleep(10);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(parseReply(await c.call('RANDOMKEY')) as string);
    assert.ok(!seen.has('rk:gone'), 'an expired key is never returned');
    assert.deepEqual([...seen].sort(), [...keys].sort());
    await c.call('FLUSHDB');
    assert.equal(await c.call('RANDOMKEY'), '$-1\r\n');
    c.close();
  });

  it('MONITOR streams commands of other clients in Redis format', async () => {
    const m = await RawClient.connect(server.port);
    assert.equal(await m.call('MONITOR'), '+OK\r\n');
    const c = await RawClient.connect(server.port);
    await c.call('SET', 'mon:k', 'a "quoted"\nvalue');
    await c.call('AUTH', 'default', 'whatever');
    const line1 = await m.read();
    assert.match(line1, /^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "mon:k" "a \\"quoted\\"\\nvalue"\r\n$/);
    const line2 = await m.read();
    assert.match(line2, /"AUTH" "\(redacted\)" "\(redacted\)"/);
    m.close();
    c.close();
  });

  it('CLIENT LIST, CLIENT KILL by id and address', async () => {
    const a = await RawClient.connect(server.port);
    const b = await RawClient.connect(server.port);
    await b.call('CLIENT', 'SETNAME', 'victim');
    const idB = Number((await b.call('CLIENT', 'ID')).slice(1, -2));
    const list = parseReply(await a.call('CLIENT', 'LIST')) as string;
    const line = list.split('\n').find((l) => l.includes('name=victim'))!;
    assert.match(line, new RegExp(`^id=${idB} addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:${server.port} fd=\\d+ name=victim age=\\d+ idle=\\d+ flags=N db=0 .* cmd=client\\|id .*resp=2`));
    assert.equal(await a.call('CLIENT', 'KILL', 'ID', String(idB)), ':1\r\n');
    await b.waitClosed();
    const c = await RawClient.connect(server.port);
    const addr = /addr=(\S+)/.exec(parseReply(await c.call('CLIENT', 'INFO')) as string)![1]!;
    assert.equal(await a.call('CLIENT', 'KILL', addr), '+OK\r\n');
    await c.waitClosed();
    a.close();
  });

  it('CLIENT PAUSE WRITE holds writes, not reads, until UNPAUSE', async () => {
    const admin = await RawClient.connect(server.port);
    const c = await RawClient.connect(server.port);
    assert.equal(await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE'), '+OK\r\n');
    c.write('*3\r\n$3\r\nSET\r\n$5\r\npause\r\n$1\r\n1\r\n');
    await sleep(100);
    assert.equal(c.pending(), '', 'the write waits');
    assert.equal(await admin.call('GET', 'pause'), '$-1\r\n');
    assert.equal(await admin.call('CLIENT', 'UNPAUSE'), '+OK\r\n');
    assert.equal(await c.read(), '+OK\r\n');
    assert.equal(await admin.call('GET', 'pause'), '$1\r\n1\r\n');
    // A pause with a timeout ends by itself.
    await admin.call('CLIENT', 'PAUSE', '100', 'ALL');
    const started = Date.now();
    assert.equal(await c.call('PING'), '+PONG\r\n');
    assert.ok(Date.now() - started >= 80);
    admin.close();
    c.close();
  });

  it('closes idle clients after timeout seconds', async () => {
    const admin = await RawClient.connect(server.port);
    await admin.call('CONFIG', 'SET', 'timeout', '1');
    const idle = await RawClient.connect(server.port);
    await idle.call('PING');
    await idle.waitClosed(5000);
    // The admin connection sat idle too, and was closed as well.
    await admin.waitClosed(5000);
    const again = await RawClient.connect(server.port);
    await again.call('CONFIG', 'SET', 'timeout', '0');
    again.close();
  });

  it('refuses connections beyond maxclients with Redis error', async () => {
    const admin = await RawClient.connect(server.port);
    const clients = Number((parseReply(await admin.call('INFO', 'clients')) as string).match(/connected_clients:(\d+)/)![1]);
    await admin.call('CONFIG', 'SET', 'maxclients', String(clients));
    const extra = await RawClient.connect(server.port);
    assert.equal(await extra.read(), '-ERR max number of clients reached\r\n');
    await extra.waitClosed();
    await admin.call('CONFIG', 'SET', 'maxclients', '10000');
    admin.close();
  });
});

describe('Redis 7.2 client options, DEBUG, LOLWUT, pidfile', () => {
  let server: RunningServer;
  let pidfile: string;
  before(async () => {
    pidfile = join(mkdtempSync(join(tmpdir(), 'cairn-pid-')), 'cairn.pid');
    server = await startCairn(['--enable-debug-command', 'yes', '--pidfile', pidfile]);
  });
  after(async () => {
    await server.stop();
  });

  it('CLIENT SETINFO shows in CLIENT INFO and refuses bad names', async () => {
    const c = await RawClient.connect(server.port);
    assert.equal(await c.call('CLIENT', 'SETINFO', 'lib-name', 'mylib'), '+OK\r\n');
    assert.equal(await c.call('CLIENT', 'SETINFO', 'LIB-VER', '1.2.3'), '+OK\r\n');
    assert.match(parseReply(await c.call('CLIENT', 'INFO')) as string, / lib-name=mylib lib-ver=1\.2\.3\n$/);
    assert.equal(await c.call('CLIENT', 'SETINFO', 'lib-name', 'a b'), '-ERR lib-name cannot contain spaces, newlines or special characters.\r\n');
    assert.equal(await c.call('CLIENT', 'SETINFO', 'other', 'x'), "-ERR Unrecognized option 'other'\r\n");
    c.close();
  });

  it('CLIENT NO-TOUCH keeps reads from refreshing the idle time', async () => {
    const c = await RawClient.connect(server.port);
    await c.call('SET', 'nt', 'v');
    await sleep(2100);
    assert.equal(await c.call('CLIENT', 'NO-TOUCH', 'ON'), '+OK\r\n');
    await c.call('GET', 'nt');
    assert.ok(Number((await c.call('OBJECT', 'IDLETIME', 'nt')).slice(1, -2)) >= 2);
    await c.call('CLIENT', 'NO-TOUCH', 'OFF');
    await c.call('GET', 'nt');
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'nt'), ':0\r\n');
    c.close();
  });

  it('DEBUG OBJECT, SLEEP and SET-ACTIVE-EXPIRE when enable-debug-command allows them', async () => {
    const c = await RawClient.connect(server.port);
    await c.call('SET', 'dbg', 'hello');
    assert.match(await c.call('DEBUG', 'OBJECT', 'dbg'), /^\+Value at:0x0 refcount:1 encoding:embstr serializedlength:5 lru:\d+ lru_seconds_idle:\d+\r\n$/);
    assert.equal(await c.call('DEBUG', 'OBJECT', 'nokey'), '-ERR no such key\r\n');
    const started = Date.now();
    assert.equal(await c.call('DEBUG', 'SLEEP', '0.2'), '+OK\r\n');
    assert.ok(Date.now() - started >= 190);
    assert.equal(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), '+OK\r\n');
    await c.call('SELECT', '9');
    for (let i = 0; i < 100; i++) await c.call('SET', `ae${i}`, 'v', 'PX', '1');
    await sleep(300);
    // Nobody read them and the active cycle is off: they are still counted.
    assert.equal(await c.call('DBSIZE'), ':100\r\n');
    assert.equal(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1'), '+OK\r\n');
    for (let i = 0; i < 100 && (await c.call('DBSIZE')) !== ':0\r\n'; i++) await sleep(20);
    assert.equal(await c.call('DBSIZE'), ':0\r\n');
    assert.match(await c.call('DEBUG', 'NOSUCH'), /^-ERR unknown subcommand or wrong number of arguments for 'NOSUCH'/);
    c.close();
  });

  it('CONFIG SET dir works where enable-protected-configs allows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-dir-'));
    const other = await startCairn(['--enable-protected-configs', 'local']);
    try {
      const c = await RawClient.connect(other.port);
      assert.equal(await c.call('CONFIG', 'SET', 'dir', '/nonexistent/x'), "-ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory\r\n");
      assert.equal(await c.call('CONFIG', 'SET', 'dir', dir), '+OK\r\n');
      assert.deepEqual(parseReply(await c.call('CONFIG', 'GET', 'dir')), ['dir', dir]);
      c.close();
    } finally {
      await other.stop();
    }
  });

  it('LOLWUT names the version; the pidfile holds the pid', async () => {
    const c = await RawClient.connect(server.port);
    assert.match(parseReply(await c.call('LOLWUT')) as string, /^Cairn ver\. \S+ \(Redis 7\.0\.15 compatible\)\n$/);
    c.close();
    assert.equal(readFileSync(pidfile, 'utf8').trim(), String(server.pid));
  });
});

describe('start-up configuration', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CAIRN_BIN, ...args], { encoding: 'utf8', timeout: 10_000 });

  it('reads a redis.conf-style file; command-line options override it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-conf-'));
    const file = join(dir, 'cairn.conf');
    writeFileSync(file, '# a comment\n\nhz 20\nrequirepass "pass word"\nmaxmemory-policy allkeys-lfu\ndatabases 4\n');
    const server = await startCairn(['--hz', '30'], file);
    try {
      const c = await RawClient.connect(server.port);
      assert.match(await c.call('GET', 'x'), /^-NOAUTH/);
      assert.equal(await c.call('AUTH', 'pass word'), '+OK\r\n');
      assert.equal(await c.call('CONFIG', 'GET', 'hz'), '*2\r\n$2\r\nhz\r\n$2\r\n30\r\n');
      assert.equal(await c.call('SELECT', '4'), '-ERR DB index is out of range\r\n');
      assert.equal(await c.call('SET', 'k', 'v'), '+OK\r\n');
      assert.equal(await c.call('OBJECT', 'FREQ', 'k'), ':5\r\n');
      c.close();
    } finally {
      await server.stop();
    }
  });

  it('stops with a message naming file, line and directive for a bad config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-conf-'));
    const file = join(dir, 'bad.conf');
    writeFileSync(file, 'port 7000\nhz 10\nnosuchdirective yes\n');
    let res = run([file]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}, line 3`));
    assert.match(res.stderr, /nosuchdirective/);
    writeFileSync(file, 'hz abc\n');
    res = run([file]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /line 1[\s\S]*directive 'hz': argument couldn't be parsed into an integer/);
    res = run(['--maxmemory-policy', 'bogus']);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /maxmemory-policy/);
    res = run(['--port']);
    assert.equal(res.status, 1);
  });

  it('shuts down cleanly on SIGTERM and on SHUTDOWN', async () => {
    const a = await startCairn();
    const exitA = new Promise<number | null>((r) => a.process.once('exit', (code) => r(code)));
    a.process.kill('SIGTERM');
    assert.equal(await exitA, 0);
    assert.match(a.output(), /Received SIGTERM/);
    await a.stop();

    const b = await startCairn();
    const exitB = new Promise<number | null>((r) => b.process.once('exit', (code) => r(code)));
    const c = await RawClient.connect(b.port);
    c.write('*1\r\n$8\r\nSHUTDOWN\r\n');
    await c.waitClosed();
    assert.equal(await exitB, 0);
    await b.stop();
  });
});
