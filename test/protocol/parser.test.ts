import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, QUERY_BUFFER_LIMIT, RequestParser, splitArgs } from '../../src/protocol/parser.js';
import { RespWriter, formatDouble } from '../../src/protocol/reply.js';
import { seededRandom } from '../helpers/engine.js';

const limits = () => ({ maxBulkLen: 512 * 1024 * 1024, maxQueryBuffer: 1024 * 1024 * 1024 });

/** Feeds chunks and collects every command until the parser needs more. */
function parseAll(parser: RequestParser, chunks: Buffer[]): string[][] {
  const out: string[][] = [];
  for (const chunk of chunks) {
    // The parser may keep no reference to a fed buffer: scribble over it afterwards.
    const copy = Buffer.from(chunk);
    parser.feed(copy);
    for (;;) {
      const cmd = parser.next();
      if (cmd === null) break;
      if (cmd === QUERY_BUFFER_LIMIT) throw new Error('query buffer limit');
      out.push(cmd);
    }
    copy.fill(0x58);
  }
  return out;
}

function encodeFrame(argv: string[]): Buffer {
  let wire = `*${argv.length}\r\n`;
  for (const a of argv) wire += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(wire, 'latin1');
}

const frames: [string, string[][]][] = [
  ['*1\r\n$4\r\nPING\r\n', [['PING']]],
  ['*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\nal\r\n', [['SET', 'k', 'v\r\nal']]],
  ['*2\r\n$3\r\nGET\r\n$0\r\n\r\n', [['GET', '']]],
  ['*0\r\n*-1\r\n*1\r\n$1\r\na\r\n', [['a']]],
  ['PING\r\n', [['PING']]],
  ['PING\n', [['PING']]],
  ['\r\n\n  \r\nECHO "a b" \'c d\' e\r\n', [['ECHO', 'a b', 'c d', 'e']]],
  ['SET k "\\x41\\n\\t\\\\"\r\n', [['SET', 'k', 'A\n\t\\']]],
  ['*2\r\n$4\r\nECHO\r\n$3\r\n\x00\xff\x80\r\nPING\r\n', [['ECHO', '\x00\xff\x80'], ['PING']]],
];

describe('RequestParser', () => {
  for (const [input, expected] of frames) {
    it(`parses ${JSON.stringify(input)} split at every byte`, () => {
      const bytes = Buffer.from(input, 'latin1');
      assert.deepEqual(parseAll(new RequestParser(limits()), [bytes]), expected);
      for (let cut = 1; cut < bytes.length; cut++) {
        const parts = [bytes.subarray(0, cut), bytes.subarray(cut)];
        assert.deepEqual(parseAll(new RequestParser(limits()), parts), expected, `cut at ${cut}`);
      }
      // One byte at a time.
      const single = [...bytes].map((b) => Buffer.from([b]));
      assert.deepEqual(parseAll(new RequestParser(limits()), single), expected);
    });
  }

  it('collects a large bulk split across many reads into one argument', () => {
    const value = Buffer.alloc(300_000, 'x');
    const frame = Buffer.concat([Buffer.from(`*2\r\n$4\r\nECHO\r\n$${value.length}\r\n`), value, Buffer.from('\r\n*1\r\n$4\r\nPING\r\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < frame.length; i += 7919) chunks.push(frame.subarray(i, i + 7919));
    const out = parseAll(new RequestParser(limits()), chunks);
    assert.equal(out.length, 2);
    assert.equal(out[0]![1]!.length, value.length);
    assert.equal(out[0]![1], value.toString('latin1'));
    assert.deepEqual(out[1], ['PING']);
  });

  it('parses thousands of pipelined frames from one buffer', () => {
    const one = '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n';
    const out = parseAll(new RequestParser(limits()), [Buffer.from(one.repeat(10_000))]);
    assert.equal(out.length, 10_000);
    assert.deepEqual(out[9_999], ['SET', 'key', 'value']);
  });

  const errors: [string, string, boolean?][] = [
    ['*abc\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['*2147483648\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['*1\r\nfoo\r\n', "ERR Protocol error: expected '$', got 'f'"],
    ['*1\r\n$-1\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*1\r\n$abc\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*1\r\n$536870913\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*11\r\n', 'ERR Protocol error: unauthenticated multibulk length', true],
    ['*1\r\n$16385\r\n', 'ERR Protocol error: unauthenticated bulk length', true],
    ['SET "unbalanced\r\n', 'ERR Protocol error: unbalanced quotes in request'],
    ['SET "a"b\r\n', 'ERR Protocol error: unbalanced quotes in request'],
    ['x'.repeat(70_000), 'ERR Protocol error: too big inline request'],
    ['*' + '1'.repeat(70_000), 'ERR Protocol error: too big mbulk count string'],
    ['*1\r\n$' + '1'.repeat(70_000), 'ERR Protocol error: too big bulk count string'],
  ];
  for (const [input, message, unauth] of errors) {
    it(`rejects ${JSON.stringify(input.slice(0, 30))} with "${message}"`, () => {
      const parser = new RequestParser(limits());
      parser.authRequired = unauth === true;
      assert.throws(
        () => parseAll(parser, [Buffer.from(input, 'latin1')]),
        (e: unknown) => e instanceof ProtocolError && e.reply === message,
      );
    });
  }

  it('builds arguments of every length byte for byte, frames of every size', () => {
    // Short arguments are built in JS and long ones by Buffer#latin1Slice; frames of up to
    // five arguments start from a preallocated array: every path must give the same strings.
    const random = seededRandom(7);
    const commands: string[][] = [];
    for (let length = 0; length <= 40; length++) {
      for (let argc = 1; argc <= 7; argc++) {
        const argv: string[] = [];
        for (let a = 0; a < argc; a++) {
          let s = '';
          for (let k = 0; k < length + a; k++) s += String.fromCharCode(Math.floor(random() * 256));
          argv.push(s);
        }
        commands.push(argv);
      }
    }
    const wire = Buffer.concat(commands.map(encodeFrame));
    const parsed = parseAll(new RequestParser(limits()), [wire]);
    assert.deepEqual(parsed, commands);
    // And across reads split in odd places.
    const chunks: Buffer[] = [];
    for (let at = 0; at < wire.length; at += 37) chunks.push(wire.subarray(at, at + 37));
    assert.deepEqual(parseAll(new RequestParser(limits()), chunks), commands);
  });

  it('never mixes up command names that share a cache slot', () => {
    // Names of equal length, first and last byte (so equal cache slots) differing inside,
    // and case variants, interleaved.
    const names = ['SET', 'SAT', 'set', 'S\x00T', 'S\xffT', 'SET', 'GETEX', 'GETDX', 'GETEX', 'x'.repeat(24), 'x'.repeat(23) + 'y'];
    const commands = [...names, ...names.reverse()].map((name) => [name, 'k']);
    const parsed = parseAll(new RequestParser(limits()), [Buffer.concat(commands.map(encodeFrame))]);
    assert.deepEqual(parsed, commands);
  });

  it('stops at client-query-buffer-limit', () => {
    const parser = new RequestParser({ maxBulkLen: 512 * 1024 * 1024, maxQueryBuffer: 1024 * 1024 });
    parser.feed(Buffer.from('*1\r\n$2000000\r\n'));
    assert.equal(parser.next(), QUERY_BUFFER_LIMIT);
  });

  it('splits inline arguments like sdssplitargs', () => {
    assert.deepEqual(splitArgs('  a  b\tc '), ['a', 'b', 'c']);
    assert.deepEqual(splitArgs('"a\\"b" \'c\\\'d\''), ['a"b', "c'd"]);
    assert.deepEqual(splitArgs('"\\x4g"'), ['x4g']);
    assert.deepEqual(splitArgs('""'), ['']);
    assert.equal(splitArgs('"abc'), null);
    assert.equal(splitArgs("'abc"), null);
    assert.deepEqual(splitArgs(''), []);
  });
});

describe('RespWriter', () => {
  it('encodes RESP2 and RESP3 types', () => {
    const w = new RespWriter();
    w.nil();
    w.nilArray();
    w.map(1);
    w.set(2);
    w.double(1.5);
    w.boolean(true);
    w.verbatim('hi', 'txt');
    assert.equal(w.take(), '$-1\r\n*-1\r\n*2\r\n*2\r\n$3\r\n1.5\r\n:1\r\n$2\r\nhi\r\n');
    w.resp = 3;
    w.nil();
    w.nilArray();
    w.map(1);
    w.set(2);
    w.double(1.5);
    w.double(Infinity);
    w.boolean(false);
    w.verbatim('hi', 'txt');
    w.push(1);
    assert.equal(w.take(), '_\r\n_\r\n%1\r\n~2\r\n,1.5\r\n,inf\r\n#f\r\n=6\r\ntxt:hi\r\n>1\r\n');
  });

  it('maps newlines in error messages to spaces', () => {
    const w = new RespWriter();
    w.error('ERR a\r\nb');
    assert.equal(w.take(), '-ERR a  b\r\n');
  });

  it('formats doubles like printf %.17g', () => {
    const cases: [number, string][] = [
      [1.1, '1.1000000000000001'],
      [1, '1'],
      [0.1, '0.10000000000000001'],
      [1e20, '1e+20'],
      [1e-5, '1.0000000000000001e-05'],
      [0.0001, '0.0001'],
      [123456789012345680, '1.2345678901234568e+17'],
      [-2.5, '-2.5'],
      [-0, '-0'],
      [3.0e-310, '2.9999999999999908e-310'],
    ];
    for (const [v, s] of cases) assert.equal(formatDouble(v), s, String(v));
  });
});
