/**
 * Blocking list commands with several real clients (ioredis): FIFO service per key,
 * sub-second and infinite timeouts, cleanup of disconnected clients, CLIENT UNBLOCK, and
 * pipelines queued behind a blocked command.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RawClient } from '../helpers/raw-client.js';
import { startCairn, type RunningServer } from '../helpers/servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('blocking list commands', () => {
  let server: RunningServer;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    clients.push(c);
    return c;
  };
  before(async () => {
    server = await startCairn();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await server.stop();
  });

  /** Waits until the server reports n blocked clients. */
  async function blockedClients(admin: Redis, n: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const info = await admin.info('clients');
      if (new RegExp(`blocked_clients:${n}\\r`).test(info)) return;
      await sleep(10);
    }
    throw new Error(`expected ${n} blocked clients`);
  }

  it('serves clients blocked on a key in the order they blocked', async () => {
    const admin = client();
    const waiting = [client(), client(), client()];
    const results: Promise<[string, string] | null>[] = [];
    for (const [i, c] of waiting.entries()) {
      results.push(c.blpop('fifo', 0));
      await blockedClients(admin, i + 1);
    }
    assert.equal(await admin.rpush('fifo', 'first', 'second', 'third'), 3);
    assert.deepEqual(await Promise.all(results), [
      ['fifo', 'first'],
      ['fifo', 'second'],
      ['fifo', 'third'],
    ]);
    assert.equal(await admin.exists('fifo'), 0);
    await blockedClients(admin, 0);
  });

  it('times out with sub-second precision, and 0 waits until data arrives', async () => {
    const c = client();
    const started = Date.now();
    assert.equal(await c.brpop('never', 0.2), null);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 190 && elapsed < 1000, `timed out after ${elapsed} ms`);

    const admin = client();
    const forever = client().blpop('later', 0);
    await sleep(300);
    await admin.lpush('later', 'x');
    assert.deepEqual(await forever, ['later', 'x']);
  });

  it('BLPOP on several keys is served by whichever gets data; BLMOVE and BLMPOP move and pop', async () => {
    const admin = client();
    const multi = client().blpop('k1', 'k2', 'k3', 0);
    await blockedClients(admin, 1);
    await admin.rpush('k2', 'v2');
    assert.deepEqual(await multi, ['k2', 'v2']);

    const mover = client().blmove('src', 'dst', 'RIGHT', 'LEFT', 0);
    await blockedClients(admin, 1);
    await admin.rpush('src', 'a', 'b');
    assert.equal(await mover, 'b');
    assert.deepEqual(await admin.lrange('dst', 0, -1), ['b']);
    assert.deepEqual(await admin.lrange('src', 0, -1), ['a']);

    const mpop = client().call('BLMPOP', '0', '2', 'm1', 'm2', 'LEFT', 'COUNT', '5');
    await blockedClients(admin, 1);
    await admin.rpush('m2', '1', '2', '3');
    assert.deepEqual(await mpop, ['m2', ['1', '2', '3']]);

    // A list created by RENAME wakes the waiting client too.
    const renamed = client().brpop('renamed', 0);
    await blockedClients(admin, 1);
    await admin.rpush('tmp', 'z');
    await admin.rename('tmp', 'renamed');
    assert.deepEqual(await renamed, ['renamed', 'z']);
  });

  it('BZPOPMIN, BZPOPMAX and BZMPOP wake on ZADD', async () => {
    const admin = client();
    const min = client().bzpopmin('zq', 0);
    await blockedClients(admin, 1);
    await admin.zadd('zq', 5, 'five', 1, 'one');
    assert.deepEqual(await min, ['zq', 'one', '1']);
    const max = client().bzpopmax('zq2', 'zq', 0);
    assert.deepEqual(await max, ['zq', 'five', '5']);
    const mpop = client().call('BZMPOP', '0', '1', 'zq3', 'MAX', 'COUNT', '2');
    await blockedClients(admin, 1);
    await admin.zadd('zq3', 1, 'a', 2, 'b', 3, 'c');
    assert.deepEqual(await mpop, ['zq3', [['c', '3'], ['b', '2']]]);
    assert.equal(await client().bzpopmin('zq-empty', 0.1), null);
  });

  it('serves a client whose key arrives in its database through SWAPDB', async () => {
    const admin = client();
    const waiting = client().blpop('swapped', 0);
    await blockedClients(admin, 1);
    await admin.select(1);
    await admin.rpush('swapped', 'from-db-1');
    await admin.swapdb(0, 1);
    assert.deepEqual(await waiting, ['swapped', 'from-db-1']);
    await admin.select(0);
  });

  it('a push inside MULTI/EXEC wakes blocked clients only after the transaction', async () => {
    const admin = client();
    const waiting = client().blpop('txn', 0);
    await blockedClients(admin, 1);
    const results = await admin.multi().rpush('txn', 'a').rpush('txn', 'b').lrange('txn', 0, -1).exec();
    assert.deepEqual(results, [
      [null, 1],
      [null, 2],
      [null, ['a', 'b']],
    ]);
    assert.deepEqual(await waiting, ['txn', 'a']);
    assert.deepEqual(await admin.lrange('txn', 0, -1), ['b']);
  });

  it('timeouts beyond 24.8 days (past a Node timer) really wait, as does a long CLIENT PAUSE', async () => {
    const admin = client();
    const waiting = client().blpop('long-wait', 3_000_000);
    await blockedClients(admin, 1);
    await sleep(300);
    await blockedClients(admin, 1);
    await admin.rpush('long-wait', 'v');
    assert.deepEqual(await waiting, ['long-wait', 'v']);

    assert.equal(await admin.client('PAUSE', 3_000_000_000, 'WRITE'), 'OK');
    const write = client().set('paused-key', '1');
    await sleep(300);
    assert.equal(await admin.get('paused-key'), null);
    assert.equal(await admin.client('UNPAUSE'), 'OK');
    assert.equal(await write, 'OK');
  });

  it('forgets a blocked client that disconnects, losing no element', async () => {
    const admin = client();
    const gone = await RawClient.connect(server.port);
    gone.write('*3\r\n$5\r\nBLPOP\r\n$4\r\ngone\r\n$1\r\n0\r\n');
    await blockedClients(admin, 1);
    gone.close();
    await blockedClients(admin, 0);
    await admin.rpush('gone', 'kept');
    assert.deepEqual(await admin.lrange('gone', 0, -1), ['kept']);
  });

  it('CLIENT UNBLOCK ends a block with the timeout reply or an error', async () => {
    const admin = client();
    const c = client();
    const id = Number(await c.client('ID'));
    const pending = c.blpop('unblock-me', 0);
    await blockedClients(admin, 1);
    assert.equal(await admin.client('UNBLOCK', id, 'TIMEOUT'), 1);
    assert.equal(await pending, null);
    const pendingError = c.blpop('unblock-me', 0).then(
      () => null,
      (e: Error) => e,
    );
    await blockedClients(admin, 1);
    assert.equal(await admin.client('UNBLOCK', id, 'ERROR'), 1);
    assert.match(String(await pendingError), /UNBLOCKED client unblocked via CLIENT UNBLOCK/);
    assert.equal(await admin.client('UNBLOCK', id), 0);
  });

  it('runs commands pipelined behind a blocked command after it is served', async () => {
    const admin = client();
    const raw = await RawClient.connect(server.port);
    raw.write('*3\r\n$5\r\nBLPOP\r\n$4\r\npipe\r\n$1\r\n0\r\n*2\r\n$4\r\nECHO\r\n$5\r\nafter\r\n');
    await blockedClients(admin, 1);
    assert.equal(raw.pending(), '', 'nothing answered while blocked');
    await admin.rpush('pipe', 'v');
    assert.equal(await raw.read(), '*2\r\n$4\r\npipe\r\n$1\r\nv\r\n');
    assert.equal(await raw.read(), '$5\r\nafter\r\n');
    raw.close();
  });
});
