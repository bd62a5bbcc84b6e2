/**
 * The building blocks of the RDB format, checked against published values: Redis's CRC-64
 * check value, LZF round trips, and the ziplist / zipmap examples from Redis's own source
 * comments (formats Redis 7.0 no longer writes but still loads from old files). Corrupt
 * input of any kind must end in RdbError, never in another exception or a hang.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Crc64, crc64 } from '../../src/persistence/crc64.js';
import { lzfCompress, lzfDecompress } from '../../src/persistence/lzf.js';
import { CorruptBlob, readIntset, readListpack, readZiplist, readZipmap } from '../../src/persistence/compact-encodings.js';
import { ByteSource } from '../../src/persistence/byte-source.js';
import { loadRdb, RdbError } from '../../src/persistence/rdb-decoder.js';
import { Snapshot } from '../../src/persistence/snapshot.js';
import { Keyspace } from '../../src/store/keyspace.js';
import { Clock } from '../../src/store/clock.js';
import { ListValue } from '../../src/store/list.js';
import { HashValue } from '../../src/store/hash.js';
import { ZSetValue } from '../../src/store/zset.js';
import { SetValue } from '../../src/store/set.js';

const LIMITS = { hashMaxListpackEntries: 512, hashMaxListpackValue: 64, setMaxIntsetEntries: 512, zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 };

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');

describe('CRC-64 (Jones)', () => {
  it('matches the check value Redis documents for "123456789"', () => {
    assert.equal(crc64(Buffer.from('123456789')).readBigUInt64LE(0), 0xe9c6d914c4b8d9can);
  });
  it('gives the same result fed in pieces of any size', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
    const whole = crc64(data);
    for (const piece of [1, 3, 7, 8, 9, 64]) {
      const running = new Crc64();
      for (let i = 0; i < data.length; i += piece) running.update(data, i, Math.min(i + piece, data.length));
      assert.deepEqual(running.digest(), whole, `pieces of ${piece}`);
    }
  });
});

describe('LZF', () => {
  it('round-trips repetitive, random and short data, and declines what does not shrink', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), (seed >>> 16) & 0xff);
    const cases = [Buffer.from('abc'.repeat(5000)), Buffer.from('hello world, hello world, hello world!'), Buffer.from(Array.from({ length: 100000 }, (_, i) => (i % 251 < 120 ? 65 : rnd())))];
    for (const input of cases) {
      const out = Buffer.alloc(input.length);
      const n = lzfCompress(input, out);
      assert.ok(n > 0 && n < input.length);
      const back = Buffer.alloc(input.length);
      assert.ok(lzfDecompress(out.subarray(0, n), back));
      assert.deepEqual(back, input);
    }
    const noise = Buffer.from(Array.from({ length: 5000 }, rnd));
    assert.equal(lzfCompress(noise, Buffer.alloc(noise.length - 4)), 0);
  });
  it('rejects back-references before the start and length mismatches', () => {
    assert.equal(lzfDecompress(hex('20 05'), Buffer.alloc(3)), false);
    assert.equal(lzfDecompress(hex('01 61 62'), Buffer.alloc(3)), false);
    assert.equal(lzfDecompress(hex('05 61 62'), Buffer.alloc(6)), false);
  });
});

describe('compact encodings', () => {
  it('reads the ziplist examples from ziplist.c', () => {
    // "[0f 00 00 00] [0c 00 00 00] [02 00] [00 f3] [02 f6] [ff]": the integers 2 and 5.
    assert.deepEqual(readZiplist(hex('0f000000 0c000000 0200 00f3 02f6 ff')), ['2', '5']);
    // The same with "Hello World" appended: [02] [0b] [48 65 6c 6c 6f 20 57 6f 72 6c 64].
    const hello = hex('1c000000 0e000000 0300 00f3 02f6 020b 48656c6c6f20576f726c64 ff');
    assert.deepEqual(readZiplist(hello), ['2', '5', 'Hello World']);
  });
  it('reads every ziplist integer encoding', () => {
    const entries = hex('00 fe85 02 c03412 04 f0563412 05 d078563412 06 e0efcdab9078563412');
    const body = Buffer.concat([hex('00000000 00000000 0500'), entries, hex('ff')]);
    body.writeUInt32LE(body.length, 0);
    assert.deepEqual(readZiplist(body), ['-123', '4660', '1193046', '305419896', '1311768467294899695']);
  });
  it('reads the zipmap example from zipmap.c', () => {
    // "foo" => "bar", "hello" => "world"
    const zm = Buffer.concat([hex('02 03'), Buffer.from('foo'), hex('03 00'), Buffer.from('bar'), hex('05'), Buffer.from('hello'), hex('05 00'), Buffer.from('world'), hex('ff')]);
    assert.deepEqual(readZipmap(zm), ['foo', 'bar', 'hello', 'world']);
  });
  it('reads listpack integers and strings of every width', () => {
    const entries = Buffer.concat([
      hex('05 01'), // 7-bit uint 5
      hex('83'), Buffer.from('abc'), hex('04'), // 6-bit string
      hex('dfff 02'), // 13-bit int -1
      hex('f1 3412 04'), // int16
      hex('f2 563412 05'), // int24
      hex('f3 78563412 06'), // int32
      hex('f4 efcdab9078563412 0a'), // int64
    ]);
    const body = Buffer.concat([hex('00000000 0700'), entries, hex('ff')]);
    body.writeUInt32LE(body.length, 0);
    assert.deepEqual(readListpack(body), ['5', 'abc', '-1', '4660', '1193046', '305419896', '1311768467294899695']);
  });
  it('reads intsets of 16, 32 and 64 bits', () => {
    assert.deepEqual(readIntset(hex('02000000 02000000 ffff 0100')), ['-1', '1']);
    assert.deepEqual(readIntset(hex('04000000 01000000 00000080')), ['-2147483648']);
    assert.deepEqual(readIntset(hex('08000000 01000000 ffffffffffffff7f')), ['9223372036854775807']);
  });
  it('refuses truncated or inconsistent blobs', () => {
    for (const bad of [hex('0f000000 0c000000 0200 00f3 02f6'), hex('10000000 0c000000 0200 00f3 02f6 ff'), hex('0f000000 0c000000 0300 00f3 02f6 ff'), hex('0a000000 0c000000 0100 3f ff')]) {
      assert.throws(() => readZiplist(bad), CorruptBlob);
    }
    assert.throws(() => readIntset(hex('03000000 01000000 000000')), CorruptBlob);
    assert.throws(() => readListpack(hex('0a000000 0100 8f 61 ff')), CorruptBlob);
  });
});

function sampleKeyspace(): Keyspace {
  const ks = new Keyspace(16, new Clock(), { lfu: false, lfuLogFactor: 10, lfuDecayTime: 1 });
  const db = ks.dbs[0]!;
  db.add('str', 'hello');
  db.add('num', '12345', Date.now() + 100000);
  const l = new ListValue();
  for (const x of ['a', 'b', '3']) l.pushTail(x);
  db.add('list', l);
  const h = new HashValue();
  h.set('f', 'v');
  db.add('hash', h);
  const z = new ZSetValue();
  z.add('m', 1.5);
  db.add('zset', z);
  const s = new SetValue(true);
  s.add('1');
  ks.dbs[5]!.add('set', s);
  return ks;
}

function snapshotBytes(ks: Keyspace): Buffer {
  const snap = new Snapshot(ks, { compress: true, accessInfo: 'none' });
  const parts: Buffer[] = [];
  while (!snap.step(1 << 20, Infinity)) parts.push(snap.encoder.take());
  parts.push(snap.trailer());
  return Buffer.concat(parts);
}

describe('corrupt RDB input', () => {
  it('every truncation and every single-byte corruption ends in RdbError or a clean load', () => {
    const file = snapshotBytes(sampleKeyspace());
    const sink = { key: () => {} };
    for (let len = 0; len < file.length; len++) {
      assert.throws(() => loadRdb(ByteSource.fromBuffer(file.subarray(0, len)), LIMITS, sink, 16, 0), RdbError, `truncated to ${len}`);
    }
    for (let at = 0; at < file.length; at++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const bad = Buffer.from(file);
        bad[at]! ^= flip;
        try {
          loadRdb(ByteSource.fromBuffer(bad), LIMITS, sink, 16, 0);
          assert.fail(`corruption at ${at} went unnoticed`);
        } catch (e) {
          assert.ok(e instanceof RdbError, `byte ${at} ^ ${flip}: ${(e as Error).stack}`);
        }
      }
    }
  });
});
