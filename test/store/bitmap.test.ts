/**
 * Large bitmaps are held as mutable buffers (store/bitmap.ts) while bitmap commands write
 * them, and turned back into strings for every other command. The representation must
 * never show: not in replies, not in the memory figures, not in what persistence writes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AofEncoder } from '../../src/persistence/aof-encoder.js';
import { Bitmap } from '../../src/store/bitmap.js';
import { inProcess } from '../helpers/engine.js';

describe('buffer-backed bitmaps', () => {
  it('a large bitmap write keeps a Bitmap; string commands see the same bytes as a string', () => {
    const { engine, run } = inProcess();
    const db = engine.keyspace.dbs[0]!;
    assert.equal(run('SETBIT', 'big', '20000', '1'), ':0\r\n');
    assert.ok(db.keys.get('big')!.value instanceof Bitmap);
    assert.equal(db.meter.bytes, db.recount());
    // Commands that do not read the value leave it a Bitmap.
    assert.equal(run('EXPIRE', 'big', '100'), ':1\r\n');
    assert.equal(run('TYPE', 'big'), '+string\r\n');
    assert.equal(run('EXISTS', 'big'), ':1\r\n');
    assert.ok(db.keys.get('big')!.value instanceof Bitmap);
    // STRLEN and GETRANGE read it in place.
    assert.equal(run('STRLEN', 'big'), ':2501\r\n');
    assert.equal(run('GETRANGE', 'big', '2500', '2500'), '$1\r\n\x80\r\n');
    assert.equal(run('GETRANGE', 'big', '-1', '-1'), '$1\r\n\x80\r\n');
    assert.ok(db.keys.get('big')!.value instanceof Bitmap);
    // GET needs the string.
    assert.equal(run('GET', 'big').length, 2501 + 9);
    assert.equal(typeof db.keys.get('big')!.value, 'string');
    assert.equal(db.meter.bytes, db.recount());
    assert.equal(run('OBJECT', 'ENCODING', 'big'), '$3\r\nraw\r\n');
    assert.equal(run('SETBIT', 'big', '0', '1'), ':0\r\n');
    assert.ok(db.keys.get('big')!.value instanceof Bitmap);
    assert.ok(Number(run('TTL', 'big').slice(1)) > 0, 'the TTL survives the change of representation');
    assert.equal(run('DEL', 'big'), ':1\r\n');
    assert.equal(db.meter.bytes, 0);
  });

  it('short strings stay strings under bitmap writes', () => {
    const { engine, run } = inProcess();
    run('SETBIT', 'small', '100', '1');
    run('BITFIELD', 'small', 'SET', 'u8', '0', '65');
    assert.equal(typeof engine.keyspace.dbs[0]!.keys.get('small')!.value, 'string');
  });

  it('growing bit by bit to 1 Mbit keeps the memory figures exact', () => {
    const { engine, run } = inProcess();
    const db = engine.keyspace.dbs[0]!;
    for (let bit = 0; bit < 1 << 20; bit += 4099) run('SETBIT', 'g', String(bit), '1');
    const value = db.keys.get('g')!.value as Bitmap;
    assert.equal(value.length, Math.floor((Math.floor(((1 << 20) - 1) / 4099) * 4099) / 8) + 1);
    assert.equal(db.meter.bytes, db.recount());
    assert.equal(run('BITCOUNT', 'g'), `:${Math.floor(((1 << 20) - 1) / 4099) + 1}\r\n`);
    const usage = Number(run('MEMORY', 'USAGE', 'g').slice(1));
    assert.ok(usage >= value.length && usage < value.buf.length + 4096, `MEMORY USAGE ${usage}`);
  });

  it('AOF rewrite writes a Bitmap as the SET of its string', () => {
    const { engine, run } = inProcess();
    run('SETBIT', 'big', '20000', '1');
    const entry = engine.keyspace.dbs[0]!.keys.get('big')!;
    assert.ok(entry.value instanceof Bitmap);
    const enc = new AofEncoder();
    enc.keyValue('big', entry);
    const text = enc.take().toString('latin1');
    assert.ok(text.startsWith('*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$2501\r\n'), JSON.stringify(text.slice(0, 40)));
    assert.equal(text.charCodeAt(text.length - 3), 0x80);
  });

  it('a write past the longest string V8 can hold is refused with the offset error, not a crash', () => {
    const { engine, run } = inProcess();
    // Redis would allocate the 512 MB; a V8 string stops 24 bytes short of it.
    assert.equal(run('SETBIT', 'k', '4294967295', '1'), '-ERR bit offset is not an integer or out of range\r\n');
    assert.equal(run('BITFIELD', 'k', 'SET', 'u8', '4294967280', '1'), '-ERR bit offset is not an integer or out of range\r\n');
    assert.equal(run('EXISTS', 'k'), ':0\r\n');
    assert.equal(run('GETBIT', 'k', '4294967295'), ':0\r\n');
    assert.equal(engine.keyspace.totalKeys, 0);
  });
});
