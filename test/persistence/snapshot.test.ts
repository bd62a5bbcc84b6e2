/**
 * BGSAVE without fork() must still be a point-in-time snapshot: the file holds exactly the
 * dataset as it was when BGSAVE began, whatever commands ran while it was being written
 * (in-place changes, deletes, renames and moves across databases, SWAPDB, FLUSHDB, expiry).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValues } from '../../src/config/config.js';
import { Engine } from '../../src/engine/engine.js';
import { inProcess, rng } from '../helpers/engine.js';
import { ByteSource } from '../../src/persistence/byte-source.js';
import { loadRdb } from '../../src/persistence/rdb-decoder.js';
import { dumpPayload } from '../../src/persistence/dump.js';
import { encodingLimits } from '../../src/persistence/persistence.js';
import { expireTime, type ExpireTime, type Keyspace, type Value } from '../../src/store/keyspace.js';


/** db:key -> serialized value and expiry: a comparable picture of a keyspace. */
function picture(ks: Keyspace): Map<string, string> {
  const out = new Map<string, string>();
  for (const db of ks.dbs) {
    for (const [key, entry] of db.keys) out.set(`${db.id}:${key}`, `${expireTime(entry)}:${dumpPayload(entry.value, ks.arena).toString('latin1')}`);
  }
  return out;
}

function pictureOfFile(engine: Engine, path: string): Map<string, string> {
  const out = new Map<string, string>();
  const src = ByteSource.fromFile(path, statSync(path).size);
  try {
    loadRdb(
      src,
      encodingLimits(engine),
      {
        key: (db: number, key: string, value: Value, expireAt: ExpireTime) => {
          assert.ok(!out.has(`${db}:${key}`), `key ${db}:${key} written twice`);
          out.set(`${db}:${key}`, `${expireAt}:${dumpPayload(value).toString('latin1')}`);
        },
      },
      16,
      0,
    );
  } finally {
    src.close();
  }
  return out;
}

/** An engine saving into a fresh directory, its snapshots walking sliceBytes at a time; close() stops it and removes the directory. */
function savingEngine(sliceBytes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-snap-'));
  const config = new ConfigValues();
  config.dir = dir;
  config.savePoints = [];
  const { engine, run } = inProcess(config);
  engine.persistence.sliceBytes = sliceBytes;
  const close = () => {
    engine.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, engine, run, close };
}

async function scenario(seed: number): Promise<void> {
  const { dir, engine, run, close } = savingEngine(2048);
  const random = rng(seed);
  const key = () => `k${random(400)}`;
  try {
    for (let db = 0; db < 3; db++) {
      run('SELECT', String(db));
      for (let i = 0; i < 400; i++) {
        const k = `k${i}`;
        switch (i % 5) {
          case 0:
            // Lengths from 2 to about 250: short values in the heap, longer ones in the arena.
            run('SET', k, `v${i}`.repeat(1 + (i % 7) * 9));
            break;
          case 1:
            run('RPUSH', k, 'a', 'b', String(i));
            break;
          case 2:
            run('HSET', k, 'f', String(i), 'g', 'x');
            break;
          case 3:
            run('SADD', k, String(i), 'm');
            break;
          default:
            run('ZADD', k, String(i), 'm', '1.5', 'n');
        }
        if (i % 9 === 0) run('EXPIRE', k, '100000');
        // Large bitmaps are mutable buffers written in place: the snapshot must copy them first.
        if (i % 13 === 0) run('SETBIT', `b${i}`, String(9000 + i), '1');
      }
    }
    const before = picture(engine.keyspace);
    assert.equal(run('BGSAVE'), '+Background saving started\r\n');
    let rounds = 0;
    while (engine.persistence.background !== null) {
      for (let j = 0; j < 20; j++) {
        run('SELECT', String(random(3)));
        const k = key();
        switch (random(19)) {
          case 0: run('SET', k, 'changed'); break;
          case 1: run('DEL', k); break;
          case 2: run('APPEND', k, 'more'); break;
          case 3: run('LPUSH', k, 'new'); break;
          case 4: run('RPOP', k); break;
          case 5: run('HSET', k, 'f', 'changed'); break;
          case 6: run('SADD', k, 'added'); break;
          case 7: run('ZADD', k, '99', 'm'); break;
          case 8: run('EXPIRE', k, '5000'); break;
          case 9: run('PERSIST', k); break;
          case 10: run('RENAME', k, key()); break;
          case 11: run('MOVE', k, String(random(3))); break;
          case 12: run('COPY', k, key(), 'DB', String(random(3)), 'REPLACE'); break;
          case 13: if (random(10) === 0) run('SWAPDB', String(random(3)), String(random(3))); break;
          case 14: if (random(40) === 0) run('FLUSHDB'); break;
          case 15: run('SETBIT', `b${13 * random(31)}`, String(random(20000)), String(random(2))); break;
          case 16: run('BITFIELD', `b${13 * random(31)}`, 'INCRBY', 'u8', String(random(10000)), '7'); break;
          // A blob overwritten by one of its size class is rewritten in place: the snapshot must have it first.
          case 17: run('SET', k, String.fromCharCode(97 + random(26)).repeat(45 + random(200))); break;
          default: run('SET', `new${random(100000)}`, 'fresh');
        }
      }
      rounds++;
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(rounds > 3, `the snapshot should span several rounds of writes (${rounds})`);
    assert.equal(engine.persistence.lastBgsaveOk, true);
    const saved = pictureOfFile(engine, join(dir, 'dump.rdb'));
    assert.equal(saved.size, before.size);
    for (const [k, v] of before) assert.equal(saved.get(k), v, `key ${k} differs from its state when BGSAVE began`);
    assert.notDeepEqual(picture(engine.keyspace), before, 'the writes changed the live dataset');
    // Tables flushed during the walk gave their blobs back when it ended: the arena holds
    // exactly the live keys' blobs.
    assert.ok(engine.keyspace.releaseNow());
    let blobs = 0;
    for (const db of engine.keyspace.dbs) for (const entry of db.keys.values()) if (typeof entry.value === 'number') blobs++;
    assert.ok(blobs > 0, `blobs ${blobs}`);
    assert.equal(engine.keyspace.arena.count, blobs);
    // A second snapshot right after sees the new state (the done-bit flipped back cleanly).
    run('BGSAVE');
    while (engine.persistence.background !== null) await new Promise((r) => setImmediate(r));
    assert.deepEqual(pictureOfFile(engine, join(dir, 'dump.rdb')), picture(engine.keyspace));
  } finally {
    close();
  }
}

describe('blob values and a snapshot in progress', () => {
  it('FLUSHALL during BGSAVE stops it and frees the flushed blobs once the walk is gone', async () => {
    const { dir, engine, run, close } = savingEngine(1024);
    try {
      for (let i = 0; i < 2000; i++) run('SET', `k${i}`, 'x'.repeat(50 + (i % 300)));
      assert.equal(engine.keyspace.arena.count, 2000);
      run('BGSAVE');
      await new Promise((r) => setImmediate(r));
      assert.notEqual(engine.persistence.background, null);
      assert.equal(run('FLUSHALL'), '+OK\r\n');
      assert.equal(engine.persistence.background, null);
      // Freed over the next event-loop turns, once the stopped walk let go.
      while (engine.keyspace.arena.count > 0) await new Promise((r) => setImmediate(r));
      assert.equal(engine.keyspace.arena.usedBytes, 0);
      // The freed chunks serve new values, which read back intact.
      for (let i = 0; i < 500; i++) run('SET', `n${i}`, String(i).repeat(60));
      for (let i = 0; i < 500; i += 37) assert.equal(run('GET', `n${i}`), `$${String(i).repeat(60).length}\r\n${String(i).repeat(60)}\r\n`);
      assert.equal(engine.keyspace.arena.count, 500);
    } finally {
      close();
    }
  });
});

describe('blob values flushed during BGSAVE', () => {
  it('FLUSHDB frees its blobs only after the walk, which still writes them as they were', async () => {
    const { dir, engine, run, close } = savingEngine(1024);
    try {
      for (let i = 0; i < 2000; i++) run('SET', `k${i}`, String.fromCharCode(97 + (i % 26)).repeat(50 + (i % 300)));
      const before = picture(engine.keyspace);
      run('BGSAVE');
      assert.equal(run('FLUSHDB'), '+OK\r\n');
      assert.equal(engine.keyspace.arena.count, 2000, 'the walk still needs the flushed blobs');
      // New values of the same sizes would take any chunk freed too early.
      for (let i = 0; i < 2000; i++) run('SET', `n${i}`, 'Z'.repeat(50 + (i % 300)));
      while (engine.persistence.background !== null) await new Promise((r) => setImmediate(r));
      assert.equal(engine.persistence.lastBgsaveOk, true);
      assert.deepEqual(pictureOfFile(engine, join(dir, 'dump.rdb')), before);
      while (engine.keyspace.arena.count > 2000) await new Promise((r) => setImmediate(r));
      assert.equal(engine.keyspace.arena.count, 2000, 'the flushed blobs went after the walk ended');
    } finally {
      close();
    }
  });
});

describe('BGSAVE is a point-in-time snapshot while writes go on', () => {
  const seeds = Number(process.env.CAIRN_RANDOM_SEEDS ?? 6);
  for (let seed = 1; seed <= seeds; seed++) {
    it(`seed ${seed}`, () => scenario(seed * 7919));
  }
});
