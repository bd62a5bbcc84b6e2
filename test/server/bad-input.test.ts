/**
 * Malformed and hostile input, sent as raw bytes to a real Redis and to Cairn: the
 * replies, and whether the server then closes the connection, must be the same; and
 * the server keeps serving everyone else.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { withServers, type Servers } from '../helpers/differential.js';

/** Sends raw bytes, collects all output until the server closes or goes quiet. */
async function exchange(port: number, input: Buffer | string): Promise<{ output: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let output = '';
    let timer: NodeJS.Timeout;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ output, closed });
    };
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), 300);
    };
    socket.on('data', (d) => {
      output += d.toString('latin1');
      quiet();
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      socket.write(typeof input === 'string' ? Buffer.from(input, 'latin1') : input);
      quiet();
    });
  });
}

const inputs: [string, string][] = [
  ['invalid multibulk length', '*abc\r\n'],
  ['multibulk length over INT_MAX', '*2147483648\r\n'],
  ['negative bulk length', '*1\r\n$-5\r\n'],
  ['bulk length over proto-max-bulk-len', '*1\r\n$536870913\r\n'],
  ['non-numeric bulk length', '*1\r\n$1x\r\nab\r\n'],
  ['missing $', '*2\r\n$3\r\nGET\r\n:1\r\n'],
  ['unbalanced quotes', 'SET k "v\r\n'],
  ['closing quote followed by text', "SET k 'v'x\r\n"],
  ['commands before an error still run', 'SET k v\r\nGET k\r\n*1\r\nx\r\nGET k\r\n'],
  ['too big inline request', 'A'.repeat(70 * 1024)],
  ['too big multibulk count line', '*' + '9'.repeat(70 * 1024)],
  ['too big bulk count line', '*1\r\n$' + '9'.repeat(70 * 1024)],
  ['empty lines and *0 are ignored', '\r\n\r\n*0\r\n*-1\r\nPING\r\n'],
  ['leading zeros in lengths', '*01\r\n$04\r\nPING\r\n'],
  ['plus sign in lengths', '*+1\r\n$4\r\nPING\r\n'],
  ['binary garbage', Buffer.from([0xff, 0x00, 0x2a, 0x0d, 0x0a, 0x24, 0x0d, 0x0a]).toString('latin1')],
  ['NUL bytes inline', 'PI\x00NG\r\n'],
  ['bulk data longer than declared', '*1\r\n$4\r\nPINGXX\r\nPING\r\n'],
];

describe('bad protocol input gets the same reply and close as Redis', () => {
  const servers: Servers = withServers();
  for (const [name, input] of inputs) {
    it(name, async () => {
      const [expected, actual] = await Promise.all([exchange(servers.redis.port, input), exchange(servers.cairn.port, input)]);
      assert.deepEqual(actual, expected);
    });
  }

  it('keeps serving other clients after protocol errors and abrupt disconnects', async () => {
    const healthy = await RawClient.connect(servers.cairn.port);
    for (const [, input] of inputs) await exchange(servers.cairn.port, input);
    // A client that disconnects mid-frame, in the middle of a large bulk.
    const s = net.connect(servers.cairn.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n' + 'x'.repeat(100_000));
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    assert.equal(await healthy.call('PING'), '+PONG\r\n');
    healthy.close();
  });
});

describe('large and deep requests', () => {
  const servers: Servers = withServers();

  it('answers 10,000 pipelined commands in order', async () => {
    const c = await RawClient.connect(servers.cairn.port);
    let batch = '';
    for (let i = 0; i < 10_000; i++) batch += `*3\r\n$3\r\nSET\r\n$${String(i).length + 2}\r\nk:${i}\r\n$${String(i).length}\r\n${i}\r\n*2\r\n$3\r\nGET\r\n$${String(i).length + 2}\r\nk:${i}\r\n`;
    c.write(batch);
    for (let i = 0; i < 10_000; i++) {
      assert.equal(await c.read(), '+OK\r\n');
      assert.equal(await c.read(), `$${String(i).length}\r\n${i}\r\n`);
    }
    assert.equal(await c.call('DBSIZE'), ':10000\r\n');
    c.close();
  });

  it('stores and returns a 100 MB value intact', async () => {
    const c = await RawClient.connect(servers.cairn.port);
    const value = Buffer.alloc(100 * 1024 * 1024);
    for (let i = 0; i < value.length; i += 4096) value[i] = i % 251;
    assert.equal(await c.call('SET', 'big', value), '+OK\r\n');
    assert.equal(await c.call('STRLEN', 'big'), `:${value.length}\r\n`);
    const reply = await c.call('GET', 'big');
    const header = `$${value.length}\r\n`;
    assert.equal(reply.length, header.length + value.length + 2);
    assert.ok(Buffer.from(reply.slice(header.length, header.length + value.length), 'latin1').equals(value));
    assert.equal(await c.call('GETRANGE', 'big', '4096', '4096'), `$1\r\n${String.fromCharCode(4096 % 251)}\r\n`);
    await c.call('DEL', 'big');
    c.close();
  });

  it('bounds the replies held for a client that pipelines without reading, and loses none', async () => {
    const admin = await RawClient.connect(servers.cairn.port);
    const value = 'v'.repeat(1024 * 1024);
    await admin.call('SET', 'bp', value);
    const socket = net.connect(servers.cairn.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.pause();
    const gets = 100;
    socket.write('*2\r\n$3\r\nGET\r\n$2\r\nbp\r\n'.repeat(gets));
    await new Promise((r) => setTimeout(r, 500));
    const list = (await admin.call('CLIENT', 'LIST')).split('\n');
    const line = list.find((l) => !l.includes('cmd=client|list') && l.includes('cmd=get'))!;
    const omem = Number(/omem=(\d+)/.exec(line)![1]);
    // 100 MB of replies were asked for; the server stops reading past 32 MB unsent.
    assert.ok(omem < 48 * 1024 * 1024, `output held for the non-reading client: ${omem} bytes`);
    const expected = gets * (`$${value.length}\r\n`.length + value.length + 2);
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stalled after ${received} of ${expected} bytes`)), 60_000);
      socket.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= expected) {
          clearTimeout(timer);
          resolve();
        }
      });
      socket.on('close', () => reject(new Error(`closed after ${received} of ${expected} bytes`)));
      socket.resume();
    });
    assert.equal(received, expected);
    socket.destroy();
    admin.close();
  });

  it('closes a client whose unfinished command passes client-query-buffer-limit', async () => {
    const c = await RawClient.connect(servers.cairn.port);
    assert.equal(await c.call('CONFIG', 'SET', 'client-query-buffer-limit', '1mb'), '+OK\r\n');
    c.write('*2\r\n$4\r\nECHO\r\n$3000000\r\n' + 'x'.repeat(2_000_000));
    await c.waitClosed();
    const d = await RawClient.connect(servers.cairn.port);
    assert.equal(await d.call('CONFIG', 'SET', 'client-query-buffer-limit', '1gb'), '+OK\r\n');
    assert.equal(await d.call('PING'), '+PONG\r\n');
    d.close();
  });
});

describe('before AUTH, the small limits of CVE-2021-32675 apply', () => {
  const servers: Servers = withServers(['--requirepass', 'secret'], ['--requirepass', 'secret']);
  const cases: [string, string][] = [
    ['multibulk of 11 before AUTH', '*11\r\n'],
    ['bulk of 16385 before AUTH', '*1\r\n$16385\r\n'],
    ['multibulk of 10 is fine', '*10\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n'],
    ['NOAUTH for commands, not for AUTH/HELLO/QUIT', 'GET k\r\nSET k v\r\nHELLO 3\r\nAUTH wrong\r\nAUTH default wrong\r\nNOSUCH\r\nAUTH secret\r\nSET k v\r\nGET k\r\n'],
    ['after AUTH the limits lift', 'AUTH secret\r\n*11\r\n$4\r\nMSET\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\nMGET a e\r\n'],
    ['HELLO with AUTH', 'HELLO 2 AUTH default wrong\r\nGET a\r\nHELLO 2 AUTH default secret\r\nGET a\r\n'],
    ['RESET drops authentication', 'AUTH secret\r\nRESET\r\nGET a\r\n'],
  ];
  for (const [name, input] of cases) {
    it(name, async () => {
      const [expected, actual] = await Promise.all([exchange(servers.redis.port, input), exchange(servers.cairn.port, input)]);
      // HELLO's reply carries the client id, which differs by construction.
      const mask = (o: { output: string; closed: boolean }) => ({ ...o, output: o.output.replace(/(\$2\r\nid\r\n:)\d+/g, '$1<id>') });
      assert.deepEqual(mask(actual), mask(expected));
    });
  }
});

describe('ordering around a served blocked client matches Redis', () => {
  const servers: Servers = withServers();

  /** A blocks with a command pipelined behind; B pushes and reads in one write. */
  async function run(port: number): Promise<string[]> {
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    await b.call('DEL', 'q');
    a.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*3\r\n$5\r\nRPUSH\r\n$1\r\nq\r\n$1\r\nx\r\n');
    await new Promise((r) => setTimeout(r, 100));
    b.write('*3\r\n$5\r\nRPUSH\r\n$1\r\nq\r\n$1\r\na\r\n*4\r\n$6\r\nLRANGE\r\n$1\r\nq\r\n$1\r\n0\r\n$2\r\n-1\r\n');
    const out = [await b.read(), await b.read(), await a.read(), await a.read(), await b.call('LRANGE', 'q', '0', '-1')];
    a.close();
    b.close();
    return out;
  }

  it("the pusher's pipeline runs on before the served client's", async () => {
    assert.deepEqual(await run(servers.cairn.port), await run(servers.redis.port));
  });
});

