/**
 * The packed stream store on its own: the bytes it packs are the listpack Redis would
 * hold, IDs past 2^53 survive packing exactly, and the memory figures follow every change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamValue, nodeFromListpack, nodeListpack } from '../../src/store/stream.js';
import { readListpack } from '../../src/persistence/compact-encodings.js';
import { inProcess } from '../helpers/engine.js';

const LIMITS = { nodeMaxBytes: 4096, nodeMaxEntries: 100 };

describe('packed stream nodes', () => {
  it('each node is a well-formed listpack of the size the node-size rule assumes, and reads back the same', () => {
    const stream = new StreamValue();
    for (let i = 1; i <= 350; i++) {
      const fields = i % 3 === 0 ? ['f', String(i), 'g', 'x'.repeat(i % 90)] : ['other', String(-i * 1000), 'n', String(2 ** 40 + i)];
      stream.append({ ms: BigInt(1000 + i), seq: BigInt(i % 4) }, fields, LIMITS);
    }
    stream.delete({ ms: 1010n, seq: 2n });
    assert.ok(stream.nodes.length > 2);
    for (const node of stream.nodes) {
      const lp = nodeListpack(node);
      assert.equal(lp.readUInt32LE(0), lp.length);
      assert.equal(lp.length, node.bytes, 'the size used to cut nodes is the real listpack size');
      assert.equal(lp[lp.length - 1], 0xff);
      const items = readListpack(lp);
      assert.equal(lp.readUInt16LE(4), items.length);
      const again = nodeFromListpack(node.master, items);
      assert.ok(typeof again !== 'string', again as string);
      assert.ok(nodeListpack(again).equals(lp), 'decoding and re-encoding gives the same bytes');
    }
    const all = stream.range({ ms: 0n, seq: 0n }, { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n }, 0);
    assert.equal(all.length, 349);
    assert.deepEqual(all[2]!.fields, ['f', '3', 'g', 'xxx']);
    assert.deepEqual(all[3]!.fields, ['other', '-4000', 'n', String(2 ** 40 + 4)]);
  });

  it('IDs beyond 2^53 and deltas beyond int64 pack and compare exactly', () => {
    const stream = new StreamValue();
    const ids = [
      { ms: 5n, seq: 0n },
      { ms: 2n ** 53n + 1n, seq: 2n ** 63n },
      { ms: 2n ** 64n - 2n, seq: 7n },
      { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n },
    ];
    for (const id of ids) stream.append(id, ['k', 'v'], LIMITS);
    const back = stream.range({ ms: 0n, seq: 0n }, { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n }, 0).map((e) => e.text);
    assert.deepEqual(back, ids.map((id) => `${id.ms}-${id.seq}`));
    assert.equal(stream.entry({ ms: 2n ** 53n + 1n, seq: 2n ** 63n })?.text, `${2n ** 53n + 1n}-${2n ** 63n}`);
    assert.equal(stream.entry({ ms: 2n ** 53n, seq: 2n ** 63n }), undefined);
    assert.ok(stream.delete({ ms: 2n ** 64n - 2n, seq: 7n }));
    assert.equal(stream.length, 3);
  });

  it('the memory figures follow appends, deletes, trims, groups and COPY', () => {
    const { engine, run } = inProcess();
    const db = engine.keyspace.dbs[0]!;
    for (let i = 1; i <= 500; i++) run('XADD', 's', `${i}-1`, 'f', `value ${i}`, ...(i % 7 === 0 ? ['extra', 'y'] : []));
    assert.equal(db.meter.bytes, db.recount());
    run('XDEL', 's', '3-1', '250-1', '499-1');
    run('XTRIM', 's', 'MAXLEN', '~', '300');
    run('XTRIM', 's', 'MINID', '260');
    run('XGROUP', 'CREATE', 's', 'g', '0');
    run('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '5', 'STREAMS', 's', '>');
    run('COPY', 's', 'copy');
    run('XADD', 'copy', '*', 'a', 'b');
    assert.equal(db.meter.bytes, db.recount());
    const usage = Number(run('MEMORY', 'USAGE', 's').slice(1));
    assert.ok(usage > 240 * 10 && usage < 240 * 200, `MEMORY USAGE ${usage} for 240 entries`);
    run('DEL', 's', 'copy');
    assert.equal(db.meter.bytes, 0);
  });
});
