/**
 * Streams against real Redis: replies and errors of every command, node boundaries and
 * approximate trimming (which depend on Redis's listpack layout), randomized sequences,
 * blocking reads, DUMP/RESTORE both ways, and persistence through DEBUG RELOAD.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { seededRandom } from '../helpers/engine.js';
import { differential, runScript, withServers, type Command, type Script } from '../helpers/differential.js';
import { RawClient, parseReply } from '../helpers/raw-client.js';
import { startCairn, type RunningServer } from '../helpers/servers.js';

/** Waits until the server counts `n` blocked clients (a fixed sleep is a guess on a loaded machine). */
async function blockedClients(c: RawClient, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const m = /blocked_clients:(\d+)/.exec(await c.call('INFO', 'clients'));
    if (m !== null && Number(m[1]) >= n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never saw ${n} blocked clients`);
}

/** n entries with explicit IDs, fields varying every `vary` entries (same fields compress in Redis's listpack). */
function fill(key: string, n: number, vary = 0, from = 1): Command[] {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const field = vary > 0 ? `f${Math.floor(k / vary)}` : 'f';
    return ['XADD', key, `${k}-1`, field, `v${k}`, 'g', String(k)];
  });
}

const scripts: Script[] = [
  // XADD and IDs
  ['XADD s 1-1 a 1', 'XADD s 1-2 a 2 b 3', 'XADD s 1-* c 4', 'XADD s 2 d 5', 'XADD s 2-* e 6', 'XRANGE s - +', 'XLEN s', 'TYPE s', 'OBJECT ENCODING s'],
  ['XADD s 0-0 a 1', 'XADD s 0-* a 1', 'XADD s 0-* a 2', 'XADD s 0 a 3', 'XADD s 0-1 a 4', 'XRANGE s - +', 'EXISTS s'],
  ['XADD s 5-5 a 1', 'XADD s 5-5 a 1', 'XADD s 5-4 a 1', 'XADD s 4-9 a 1', 'XADD s 5-* a 1', 'XADD s 4-* a 1', 'XRANGE s - +'],
  ['XADD s 18446744073709551615-18446744073709551614 a 1', 'XADD s 18446744073709551615-* a 2', '?XADD s * a 3', 'XADD s 18446744073709551615-* a 4', 'XRANGE s - +', 'XLEN s'],
  ['XADD s 18446744073709551616-0 a 1', 'XADD s -1 a 1', 'XADD s 1-x a 1', 'XADD s 1-1-1 a 1', 'XADD s + a 1', 'XADD s - a 1', 'XADD s 01-1 a 1', 'XADD s " 7" a 1', 'XADD s +8-1 a 1', 'XRANGE s - +'],
  ['XADD s 9--03 a 1', 'XADD s 10-0 a', 'XADD s 10-0', 'XADD s 10-0 a 1 b', 'XADD s NOMKSTREAM 1-1 a 1', 'EXISTS s', 'XADD s NOMKSTREAM', '?XADD s nomkstream * a 1'],
  ['XADD s 1-1 a 1', 'XADD s NOMKSTREAM 2-1 a 1', 'XADD s MAXLEN 1 3-1 a 1', 'XRANGE s - +', 'XADD s MAXLEN = 0 4-1 a 1', 'XLEN s', 'EXISTS s', 'XRANGE s - +'],
  ['XADD s MAXLEN -1 1-1 a 1', 'XADD s MAXLEN x 1-1 a 1', 'XADD s MAXLEN 1 MINID 1 1-1 a 1', 'XADD s LIMIT 10 1-1 a 1', 'XADD s MAXLEN 1 LIMIT 10 1-1 a 1', 'XADD s MAXLEN ~ 1 LIMIT -1 1-1 a 1', 'XADD s MINID x 1-1 a 1', 'XADD s MINID - 1-1 a 1', 'EXISTS s'],
  ['XADD s MAXLEN', 'XADD s MAXLEN 1', 'XADD s MAXLEN ~ 1', 'XADD s MAXLEN ~ 1 *', 'XADD s FOO * a 1', 'XADD s * a 1 FOO'],
  ['SET str x', 'XADD str * a 1', 'XRANGE str - +', 'XLEN str', 'XDEL str 1-1', 'XTRIM str MAXLEN 1', 'XREAD STREAMS str 0', 'XSETID str 1-1', 'LPUSH l x', 'XADD l 1-1 a 1'],
  // XRANGE / XREVRANGE
  [...fill('s', 10), 'XRANGE s - +', 'XRANGE s 3 5', 'XRANGE s 3-1 5-0', 'XRANGE s (3-1 (5-1', 'XRANGE s - + COUNT 3', 'XRANGE s - + COUNT 0', 'XRANGE s - + COUNT -1', 'XRANGE s 5 3'],
  [...fill('s', 10), 'XREVRANGE s + -', 'XREVRANGE s 5 3', 'XREVRANGE s (5-1 (3-1', 'XREVRANGE s + - COUNT 2', 'XREVRANGE s 3 5', 'XREVRANGE s + - COUNT 0'],
  [...fill('s', 3), 'XRANGE s (- +', 'XRANGE s - (+', 'XRANGE s (18446744073709551615-18446744073709551615 +', 'XRANGE s - (0-0', 'XRANGE s ( +', 'XRANGE s (x +', 'XRANGE s - + COUNT', 'XRANGE s - + COUNT x', 'XRANGE s - + FOO 1', 'XRANGE missing - +'],
  [...fill('s', 3), 'XRANGE s 2 2', 'XRANGE s 18446744073709551615 +', 'XRANGE s 0 0', 'XRANGE s 1-1 1-1', 'XREVRANGE s 2 2', 'XRANGE s 00002 3', 'XRANGE s -1 +'],
  // XDEL
  [...fill('s', 5), 'XDEL s 2-1 4-1 9-9', 'XRANGE s - +', 'XDEL s 2-1', 'XLEN s', 'XDEL s 1-1 3-1 5-1', 'XLEN s', 'EXISTS s', 'XRANGE s - +', '?XADD s * a 1', 'XADD s 5-1 a 1'],
  [...fill('s', 3), 'XDEL s 1-1 x', 'XLEN s', 'XDEL s', 'XDEL missing 1-1', 'XDEL missing x', 'XDEL s -', 'XDEL s +'],
  // XTRIM, exact and approximate (whole nodes of stream-node-max-entries)
  [...fill('s', 10), 'XTRIM s MAXLEN 7', 'XRANGE s - + COUNT 1', 'XTRIM s MAXLEN = 5', 'XLEN s', 'XTRIM s MINID 8', 'XRANGE s - +', 'XTRIM s MINID = 100', 'XLEN s', 'EXISTS s'],
  [...fill('s', 250), 'XTRIM s MAXLEN ~ 180', 'XLEN s', 'XTRIM s MAXLEN ~ 140', 'XLEN s', 'XTRIM s MINID ~ 230', 'XLEN s', 'XRANGE s - + COUNT 1', 'XTRIM s MAXLEN ~ 0', 'XLEN s'],
  [...fill('s', 350), 'XTRIM s MAXLEN ~ 0 LIMIT 150', 'XLEN s', 'XTRIM s MAXLEN ~ 0 LIMIT 99', 'XLEN s', 'XTRIM s MAXLEN ~ 10 LIMIT 0', 'XLEN s'],
  [...fill('s', 10), 'XTRIM s', 'XTRIM s MAXLEN', 'XTRIM s FOO 1', 'XTRIM s MAXLEN 1 LIMIT 1', 'XTRIM s MAXLEN -1', 'XTRIM s MINID x', 'XTRIM s LIMIT 5', 'XTRIM missing MAXLEN 1', 'XTRIM missing FOO', 'XLEN s'],
  // Node boundaries: by entries, by bytes, with same and differing fields
  ['CONFIG SET stream-node-max-entries 7', ...fill('s', 40, 3), 'XTRIM s MAXLEN ~ 20', 'XLEN s', '?XADD s MAXLEN ~ 10 * a b', 'XLEN s', 'CONFIG SET stream-node-max-entries 100'],
  ['CONFIG SET stream-node-max-bytes 300', ...fill('s', 60), 'XTRIM s MAXLEN ~ 30', 'XLEN s', 'XTRIM s MAXLEN ~ 1', 'XLEN s', 'CONFIG SET stream-node-max-bytes 4096', '%CONFIG GET stream-node-max-*'],
  ['CONFIG SET stream-node-max-bytes 200', ...fill('s', 30, 4), ['XADD', 's', '31-1', 'big', 'x'.repeat(300)], ...fill('s', 10, 0, 40), 'XTRIM s MAXLEN ~ 5', 'XLEN s', 'CONFIG SET stream-node-max-bytes 4096'],
  ['CONFIG SET stream-node-max-entries -1', 'CONFIG SET stream-node-max-entries x', 'CONFIG SET stream-node-max-entries 1k', 'CONFIG SET stream-node-max-bytes -1', 'CONFIG SET stream-node-max-bytes 1k', 'CONFIG GET stream-node-max-bytes', 'CONFIG SET stream-node-max-bytes 4096', 'CONFIG SET hll-sparse-max-bytes -5', 'CONFIG SET hll-sparse-max-bytes 2gb', 'CONFIG GET hll-sparse-max-bytes', 'CONFIG SET hll-sparse-max-bytes 3000'],
  ['CONFIG SET stream-node-max-entries 0', ...fill('s', 150), 'XTRIM s MAXLEN ~ 5', 'XLEN s', 'CONFIG SET stream-node-max-entries 100'],
  [...fill('s', 120), 'XDEL s 1-1 2-1 3-1', 'XTRIM s MAXLEN ~ 100', 'XLEN s', 'XTRIM s MINID ~ 110', 'XLEN s', 'XRANGE s - + COUNT 2'],
  // XSETID
  [...fill('s', 3), 'XSETID s 2-1', 'XSETID s 3-1', 'XSETID s 10-0', '?XADD s * a 1', 'XADD s 10-* a 2', 'XRANGE s 10 10'],
  [...fill('s', 3), 'XDEL s 3-1', 'XSETID s 2-5', 'XADD s 2-6 a 1', 'XSETID s 100-0 ENTRIESADDED 2', 'XSETID s 100-0 ENTRIESADDED 10 MAXDELETEDID 50-0', 'XSETID s 100-0 MAXDELETEDID 200-0', 'XSETID s 100-0 ENTRIESADDED -1', 'XSETID s 100-0 FOO', 'XSETID missing 1-1', 'XSETID s x'],
  // XREAD without blocking
  [...fill('a', 3), ...fill('b', 2), 'XREAD STREAMS a b 0 0', 'XREAD COUNT 1 STREAMS a b 1-1 0', 'XREAD STREAMS a b $ $', 'XREAD STREAMS a 3-1', 'XREAD STREAMS missing 0', 'XREAD STREAMS a missing 0 0'],
  [...fill('a', 3), 'XREAD STREAMS a', 'XREAD STREAMS a b 0', 'XREAD COUNT x STREAMS a 0', 'XREAD COUNT -1 STREAMS a 0', 'XREAD BLOCK -1 STREAMS a 0', 'XREAD BLOCK x STREAMS a 0', 'XREAD FOO STREAMS a 0', 'XREAD STREAMS a -', 'XREAD STREAMS a +', 'XREAD STREAMS a x', 'XREAD GROUP g c STREAMS a 0', 'XREAD NOACK STREAMS a 0', 'XREAD COUNT 1', 'XREAD BLOCK 10 STREAMS a 0'],
  ['HELLO 3', ...fill('a', 2), 'XREAD STREAMS a 0', 'XREAD STREAMS a 9', 'XRANGE a - +'],
  // Keyspace, transactions, commands table
  [...fill('s', 3), 'EXPIRE s 100', 'XADD s 4-1 a 1', 'TTL s', 'COPY s c', 'XADD c 5-1 a 1', 'XLEN s', 'XLEN c', 'RENAME c d', 'XRANGE d 4 +', '~SCAN 0 TYPE stream', 'DEL s d', 'EXISTS s'],
  ['MULTI', 'XADD s 1-1 a 1', 'XADD s 2-1 b 2', 'XRANGE s - +', 'XDEL s 1-1', 'XLEN s', 'EXEC'],
  ['COMMAND INFO xadd xrange xrevrange xlen xdel xtrim xread xsetid', 'COMMAND GETKEYS xread COUNT 2 STREAMS a b 0 0', 'COMMAND GETKEYS xread STREAMS a 0'],
];

const groupScripts: Script[] = [
  // XGROUP
  [...fill('s', 5), 'XGROUP CREATE s g 0', 'XGROUP CREATE s g 0', 'XGROUP CREATE s h $', 'XGROUP CREATE s i 3-1 ENTRIESREAD 3', 'XGROUP CREATE s j 0 ENTRIESREAD -2', 'XGROUP CREATE s j 0 FOO', 'XINFO GROUPS s'],
  ['XGROUP CREATE missing g 0', 'XGROUP CREATE missing g $ MKSTREAM', 'TYPE missing', 'XLEN missing', 'XINFO GROUPS missing', 'XGROUP CREATE missing g2 x', 'XGROUP CREATE str g 0 MKSTREAM', 'SET str x', 'XGROUP CREATE str g 0 MKSTREAM'],
  [...fill('s', 5), 'XGROUP CREATE s g 0', 'XGROUP SETID s g 3-1', 'XGROUP SETID s g $ ENTRIESREAD 5', 'XGROUP SETID s g - ', 'XGROUP SETID s nog 0', 'XGROUP SETID s g 0 ENTRIESREAD x', 'XGROUP SETID s g 0 FOO 1', 'XGROUP SETID s g x', 'XINFO GROUPS s'],
  [...fill('s', 5), 'XGROUP CREATE s g 0', 'XGROUP CREATECONSUMER s g alice', 'XGROUP CREATECONSUMER s g alice', 'XGROUP CREATECONSUMER s nog alice', 'XREADGROUP GROUP g bob STREAMS s >', 'XGROUP DELCONSUMER s g bob', 'XGROUP DELCONSUMER s g bob', 'XPENDING s g', 'XGROUP DESTROY s g', 'XGROUP DESTROY s g', 'XINFO GROUPS s'],
  ['XGROUP', 'XGROUP HELP', 'XGROUP FOO', 'XGROUP CREATE s', 'XGROUP DESTROY s g x', 'XGROUP CREATECONSUMER s g', 'XGROUP DELCONSUMER missing g c', 'XGROUP help x'],
  // XREADGROUP: new entries, history, NOACK, COUNT, errors
  [...fill('s', 6), 'XGROUP CREATE s g 0', 'XREADGROUP GROUP g a COUNT 2 STREAMS s >', 'XREADGROUP GROUP g b STREAMS s >', 'XREADGROUP GROUP g b STREAMS s >', 'XREADGROUP GROUP g a STREAMS s 0', 'XREADGROUP GROUP g a COUNT 1 STREAMS s 1-1', 'XREADGROUP GROUP g c STREAMS s 0', 'XPENDING s g', 'XINFO GROUPS s'],
  [...fill('s', 4), 'XGROUP CREATE s g $', 'XREADGROUP GROUP g a STREAMS s >', 'XADD s 9-1 a 1', 'XREADGROUP GROUP g a NOACK STREAMS s >', 'XPENDING s g', 'XINFO GROUPS s', 'XGROUP SETID s g 0', 'XREADGROUP GROUP g b COUNT 2 STREAMS s >', 'XPENDING s g'],
  [...fill('s', 4), 'XGROUP CREATE s g 0', 'XREADGROUP GROUP g a STREAMS s >', 'XDEL s 2-1', 'XREADGROUP GROUP g a STREAMS s 0', 'XGROUP SETID s g 0', 'XREADGROUP GROUP g b STREAMS s >', 'XPENDING s g', 'XINFO GROUPS s'],
  [...fill('s', 2), ...fill('t', 2), 'XGROUP CREATE s g 0', 'XGROUP CREATE t g $', 'XREADGROUP GROUP g a STREAMS s t > >', 'XREADGROUP GROUP g a STREAMS s t 0 0', 'XREADGROUP GROUP g a STREAMS s missing > >', 'XREADGROUP GROUP nog a STREAMS s >'],
  [...fill('s', 2), 'XGROUP CREATE s g 0', 'XREADGROUP GROUP g a STREAMS s $', 'XREADGROUP STREAMS s >', 'XREADGROUP GROUP g STREAMS s >', 'XREADGROUP GROUP g a STREAMS s', 'XREADGROUP GROUP g a STREAMS s > x', 'XREADGROUP GROUP g a STREAMS s x', 'XREAD STREAMS s >', 'XREADGROUP GROUP g a COUNT x STREAMS s >', 'XREADGROUP GROUP g a BLOCK 10 STREAMS s +'],
  ['HELLO 3', ...fill('s', 3), 'XGROUP CREATE s g 0', 'XREADGROUP GROUP g a STREAMS s >', 'XREADGROUP GROUP g a STREAMS s >', 'XINFO GROUPS s', 'XPENDING s g'],
  // XACK
  [...fill('s', 5), 'XGROUP CREATE s g 0', 'XREADGROUP GROUP g a STREAMS s >', 'XACK s g 1-1 2-1 9-9', 'XACK s g 1-1', 'XACK s g x', 'XACK s nog 1-1', 'XACK missing g 1-1', 'XACK s g 3-1 x', 'XPENDING s g', 'SET str x', 'XACK str g 1-1'],
  // XPENDING (deterministic parts: the summary, and the entries of the extended form with COUNT 0)
  [...fill('s', 5), 'XGROUP CREATE s g 0', 'XPENDING s g', 'XREADGROUP GROUP g a COUNT 2 STREAMS s >', 'XREADGROUP GROUP g b STREAMS s >', 'XPENDING s g', 'XPENDING s g - + 0', 'XPENDING s g - + 0 a', 'XPENDING s g - + 10 nobody', 'XPENDING s nog', 'XPENDING missing g', 'XPENDING s g - +', 'XPENDING s g - + x', 'XPENDING s g x + 1', 'XPENDING s g IDLE x - + 1', 'XPENDING s g IDLE 5 - +', 'XPENDING s g (- + 1', 'XPENDING s g - (0-0 1'],
  // XCLAIM / XAUTOCLAIM (min-idle 0, JUSTID or entries, deleted entries)
  [...fill('s', 5), 'XGROUP CREATE s g 0', 'XREADGROUP GROUP g a STREAMS s >', 'XCLAIM s g b 0 1-1 2-1 JUSTID', 'XCLAIM s g b 0 3-1', 'XPENDING s g', 'XCLAIM s g c 3600000 4-1', 'XCLAIM s g c 0 9-9', 'XCLAIM s g c 0 9-9 FORCE', 'XCLAIM s g c 0 5-1 RETRYCOUNT 7 JUSTID', 'XPENDING s g'],
  [...fill('s', 5), 'XGROUP CREATE s g 0', 'XREADGROUP GROUP g a COUNT 2 STREAMS s >', 'XCLAIM s g b 0 4-1 FORCE JUSTID', 'XCLAIM s g b 0 5-1 FORCE LASTID 5-1', 'XINFO GROUPS s', 'XDEL s 1-1', 'XCLAIM s g b 0 1-1 2-1', 'XPENDING s g', 'XCLAIM s g b x 1-1', 'XCLAIM s g b 0 1-1 FOO', 'XCLAIM s g b 0 1-1 IDLE x', 'XCLAIM s g b 0 1-1 TIME x', 'XCLAIM s g b 0 1-1 RETRYCOUNT x', 'XCLAIM s g b 0 1-1 LASTID x', 'XCLAIM s nog b 0 1-1', 'XCLAIM missing g b 0 1-1'],
  [...fill('s', 8), 'XGROUP CREATE s g 0', 'XREADGROUP GROUP g a STREAMS s >', 'XAUTOCLAIM s g b 0 0 COUNT 3', 'XAUTOCLAIM s g b 0 4-1 COUNT 2 JUSTID', 'XDEL s 7-1 8-1', 'XAUTOCLAIM s g c 0 0', 'XPENDING s g', 'XAUTOCLAIM s g c 3600000 0', 'XAUTOCLAIM s g c 0 (6-1', 'XAUTOCLAIM s g c 0 0 COUNT 0', 'XAUTOCLAIM s g c 0 0 COUNT x', 'XAUTOCLAIM s g c x 0', 'XAUTOCLAIM s g c 0 x', 'XAUTOCLAIM s g c 0 0 FOO', 'XAUTOCLAIM s nog c 0 0', 'XAUTOCLAIM missing g c 0 0'],
  // XINFO (parts without clocks), lag and entries-read through deletes and SETID
  [...fill('s', 10), 'XGROUP CREATE s g 0', 'XGROUP CREATE s h $', 'XREADGROUP GROUP g a COUNT 3 STREAMS s >', 'XINFO GROUPS s', 'XDEL s 5-1', 'XINFO GROUPS s', 'XREADGROUP GROUP g a COUNT 4 STREAMS s >', 'XINFO GROUPS s', 'XADD s 20-1 a 1', 'XINFO GROUPS s', 'XGROUP SETID s h 2-1', 'XINFO GROUPS s', 'XTRIM s MAXLEN 3', 'XINFO GROUPS s', 'XINFO STREAM s'],
  [...fill('s', 250, 9), 'XDEL s 10-1 150-1', 'XINFO STREAM s', 'XTRIM s MAXLEN ~ 120', 'XINFO STREAM s', 'XADD e 1-1 a 1', 'XDEL e 1-1', 'XINFO STREAM e', 'XINFO STREAM missing', 'XINFO STREAM s FOO', 'XINFO STREAM s FULL COUNT', 'XINFO STREAM s FULL COUNT x', 'XINFO GROUPS', 'XINFO CONSUMERS s nog', 'XINFO CONSUMERS missing g', 'XINFO HELP', 'XINFO FOO'],
  ['CONFIG SET stream-node-max-entries 3', ...fill('s', 400), 'XINFO STREAM s', 'XDEL s 3-1 100-1 101-1 102-1', 'XTRIM s MINID 200-1', 'XINFO STREAM s', 'CONFIG SET stream-node-max-entries 100'],
  ['CONFIG SET stream-node-max-entries 1', ...fill('s', 40), ['XADD', 's', '18446744073709551615-0', 'a', '1'], 'XINFO STREAM s', 'XADD t 1-1 a 1', 'XADD t 256-1 a 1', 'XADD t 65536-1 a 1', 'XADD t 65537-1 a 1', 'XADD t 65793-1 a 1', 'XINFO STREAM t', 'CONFIG SET stream-node-max-entries 100'],
  // Persistence of groups, and the commands table
  [...fill('s', 6), 'XGROUP CREATE s g 0', 'XGROUP CREATE s h 2-1 ENTRIESREAD 2', 'XREADGROUP GROUP g a COUNT 2 STREAMS s >', 'XREADGROUP GROUP g b COUNT 1 STREAMS s >', 'XGROUP CREATECONSUMER s h idle', 'DEBUG RELOAD', 'XPENDING s g', 'XPENDING s g - + 0', 'XINFO GROUPS s', 'XREADGROUP GROUP g a STREAMS s 0', 'XREADGROUP GROUP h c STREAMS s >'],
  ['~COMMAND INFO xgroup xreadgroup xack xpending xclaim xautoclaim xinfo', 'COMMAND GETKEYS xreadgroup GROUP g c COUNT 1 STREAMS a b > >', 'COMMAND GETKEYS xgroup create k g 0', 'COMMAND GETKEYS xinfo stream k'],
];

differential('streams: differential against real Redis', scripts);
differential('stream consumer groups: differential against real Redis', groupScripts, ['--enable-debug-command', 'yes'], ['--enable-debug-command', 'yes']);

differential('stream keyspace events', [
  [
    'CONFIG SET notify-keyspace-events KEA',
    'HELLO 3',
    'PSUBSCRIBE __keyevent@0__:*',
    'XADD s 1-1 a 1',
    'XADD s MAXLEN 1 2-1 a 1',
    'XDEL s 9-9',
    'XDEL s 2-1',
    'XTRIM s MAXLEN 0',
    'XSETID s 5-5',
    'PING',
  ],
  [
    'CONFIG SET notify-keyspace-events KEA',
    'HELLO 3',
    'PSUBSCRIBE __keyevent@0__:*',
    'XGROUP CREATE s g $ MKSTREAM',
    'XADD s 1-1 a 1',
    // Consumers made beforehand: Redis emits the event of a consumer that XREADGROUP or
    // XCLAIM creates in the middle of their reply, which Cairn does not reproduce.
    'XGROUP CREATECONSUMER s g alice',
    'XGROUP CREATECONSUMER s g carol',
    'XGROUP CREATECONSUMER s g dave',
    'XREADGROUP GROUP g alice STREAMS s >',
    'XGROUP CREATECONSUMER s g bob',
    'XCLAIM s g carol 0 1-1 JUSTID',
    'XAUTOCLAIM s g dave 0 0 JUSTID',
    'XACK s g 1-1',
    'XGROUP SETID s g 0',
    'XGROUP DELCONSUMER s g bob',
    'XGROUP DESTROY s g',
    'PING',
  ],
]);

const ENTRY_SIZES = ['a', 'bb', 'x'.repeat(70), '12', '-3', '99999999999'];

/** Seeded random stream operations over a few keys. */
function randomStreams(seed: number): Command[] {
  const r = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const key = () => ['s1', 's2', 's3'][int(0, 2)]!;
  const id = () => `${int(0, 400)}-${int(0, 3)}`;
  const bound = () => ['-', '+', id(), `(${id()}`, String(int(0, 400))][int(0, 4)]!;
  const fields = () => {
    const n = int(1, 3);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(['f', 'g', 'h', '1'][r() < 0.7 ? i : int(0, 3)]!, ENTRY_SIZES[int(0, ENTRY_SIZES.length - 1)]!);
    return out;
  };
  const script: Command[] = ['CONFIG SET stream-node-max-entries 10'];
  let ms = 1;
  for (let i = 0; i < 600; i++) {
    const p = r();
    if (p < 0.45) {
      ms += int(0, 2);
      const trim = r() < 0.15 ? [r() < 0.5 ? 'MAXLEN' : 'MINID', ['~', '=', ''][int(0, 2)]!, r() < 0.5 ? String(int(0, 60)) : `${ms - int(0, 40)}`].filter((x) => x !== '') : [];
      script.push(['XADD', key(), ...trim, r() < 0.8 ? `${ms}-*` : id(), ...fields()]);
    } else if (p < 0.55) script.push(['XRANGE', key(), bound(), bound(), ...(r() < 0.5 ? ['COUNT', String(int(0, 5))] : [])]);
    else if (p < 0.62) script.push(['XREVRANGE', key(), bound(), bound(), ...(r() < 0.5 ? ['COUNT', String(int(0, 5))] : [])]);
    else if (p < 0.72) script.push(['XDEL', key(), id(), id()]);
    else if (p < 0.78) script.push(['XTRIM', key(), r() < 0.5 ? 'MAXLEN' : 'MINID', ['~', '='][int(0, 1)]!, r() < 0.5 ? String(int(0, 50)) : `${ms - int(0, 50)}`]);
    else if (p < 0.86) script.push(['XLEN', key()]);
    else if (p < 0.92) script.push(['XREAD', 'COUNT', String(int(1, 4)), 'STREAMS', key(), key(), id(), id()]);
    else if (p < 0.95) script.push(['XSETID', key(), `${ms + int(-5, 5)}-0`]);
    else if (p < 0.98) script.push(['XINFO', 'STREAM', key()]);
    else script.push(['DEL', key()]);
  }
  script.push(['XRANGE', 's1', '-', '+'], ['XRANGE', 's2', '-', '+'], ['XRANGE', 's3', '-', '+'], 'CONFIG SET stream-node-max-entries 100');
  return script;
}

/** Seeded random consumer-group traffic: reads, acks, claims, deletes, group resets. */
function randomGroups(seed: number): Command[] {
  const r = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const group = () => ['g1', 'g2'][int(0, 1)]!;
  const consumer = () => ['alice', 'bob', 'carol'][int(0, 2)]!;
  let ms = 1;
  const id = () => `${int(1, ms + 2)}-${int(0, 1)}`;
  const script: Command[] = ['XGROUP CREATE s g1 0 MKSTREAM', 'XGROUP CREATE s g2 $'];
  for (let i = 0; i < 500; i++) {
    const p = r();
    if (p < 0.3) {
      ms += 1;
      script.push(['XADD', 's', `${ms}-${int(0, 1)}`, 'f', String(i)]);
    } else if (p < 0.45) script.push(['XREADGROUP', 'GROUP', group(), consumer(), 'COUNT', String(int(1, 4)), ...(r() < 0.15 ? ['NOACK'] : []), 'STREAMS', 's', r() < 0.8 ? '>' : id()]);
    else if (p < 0.55) script.push(['XACK', 's', group(), id(), id()]);
    else if (p < 0.62) script.push(['XCLAIM', 's', group(), consumer(), '0', id(), id(), ...(r() < 0.5 ? ['JUSTID'] : []), ...(r() < 0.2 ? ['FORCE'] : [])]);
    else if (p < 0.68) script.push(['XAUTOCLAIM', 's', group(), consumer(), '0', id(), 'COUNT', String(int(1, 5)), ...(r() < 0.5 ? ['JUSTID'] : [])]);
    else if (p < 0.74) script.push(['XDEL', 's', id()]);
    else if (p < 0.78) script.push(['XTRIM', 's', 'MAXLEN', String(int(5, 30))]);
    else if (p < 0.83) script.push(['XPENDING', 's', group()]);
    else if (p < 0.88) script.push(['XINFO', 'GROUPS', 's']);
    else if (p < 0.91) script.push(['XGROUP', 'SETID', 's', group(), r() < 0.5 ? '$' : id()]);
    else if (p < 0.93) script.push(['XGROUP', 'DELCONSUMER', 's', group(), consumer()]);
    else if (p < 0.95) script.push(['XGROUP', 'CREATECONSUMER', 's', group(), consumer()]);
    else if (p < 0.97) script.push(['XINFO', 'STREAM', 's']);
    else script.push(['XPENDING', 's', group(), '-', '+', '0']);
  }
  script.push('XINFO GROUPS s', 'XPENDING s g1', 'XPENDING s g2');
  return script;
}

describe('randomized consumer-group sequences match Redis', () => {
  const servers = withServers();
  const seeds = Array.from({ length: Number(process.env.CAIRN_RANDOM_SEEDS ?? 5) }, (_, i) => i + 1);
  for (const seed of seeds) it(`seed ${seed}`, () => runScript(servers, randomGroups(seed)));
});

describe('randomized stream sequences match Redis', () => {
  const servers = withServers();
  const seeds = Array.from({ length: Number(process.env.CAIRN_RANDOM_SEEDS ?? 5) }, (_, i) => i + 1);
  for (const seed of seeds) it(`seed ${seed}`, () => runScript(servers, randomStreams(seed)));
});

describe('streams: blocking XREAD, DUMP/RESTORE interchange, DEBUG RELOAD', () => {
  const servers = withServers(['--enable-debug-command', 'yes'], ['--enable-debug-command', 'yes']);

  it('XREAD BLOCK is woken by XADD with the new entries only; $ means the last ID at call time', async () => {
    for (const port of [servers.redis.port, servers.cairn.port]) {
      const [reader, writer] = await Promise.all([RawClient.connect(port), RawClient.connect(port)]);
      try {
        await writer.call('FLUSHALL');
        await writer.call('XADD', 's', '1-1', 'old', '1');
        reader.write('*6\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$1\r\n0\r\n$7\r\nSTREAMS\r\n$1\r\ns\r\n$1\r\n$\r\n');
        await blockedClients(writer, 1);
        assert.equal(await writer.call('XADD', 's', '2-1', 'new', '2'), '$3\r\n2-1\r\n');
        assert.equal(await reader.read(), '*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$3\r\nnew\r\n$1\r\n2\r\n');
        // A timeout answers a null array; COUNT limits what a wake-up returns.
        assert.equal(await reader.call('XREAD', 'BLOCK', '30', 'STREAMS', 's', '$'), '*-1\r\n');
        reader.write('*8\r\n$5\r\nXREAD\r\n$5\r\nCOUNT\r\n$1\r\n1\r\n$5\r\nBLOCK\r\n$4\r\n5000\r\n$7\r\nSTREAMS\r\n$1\r\ns\r\n$3\r\n2-1\r\n');
        await blockedClients(writer, 1);
        await writer.call('MULTI');
        await writer.call('XADD', 's', '3-1', 'a', '1');
        await writer.call('XADD', 's', '4-1', 'b', '1');
        await writer.call('EXEC');
        assert.equal(await reader.read(), '*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
      } finally {
        reader.close();
        writer.close();
      }
    }
  });

  it('DUMP payloads of streams restore on the other server with the same entries and counters', async () => {
    const setup: Command[] = [...fill('s', 260, 7), 'XDEL s 3-1 100-1 150-1', 'XTRIM s MAXLEN ~ 200', 'XSETID s 999-0 ENTRIESADDED 1000 MAXDELETEDID 150-1'];
    await runScript(servers, [...setup, 'XLEN s']);
    const [r, c] = await Promise.all([RawClient.connect(servers.redis.port), RawClient.connect(servers.cairn.port)]);
    try {
      for (const cmd of setup) await Promise.all([r.call(...(cmd as string[])), c.call(...(cmd as string[]))]);
      const bulk = (reply: string) => reply.slice(reply.indexOf('\r\n') + 2, -2);
      const [fromRedis, fromCairn] = [bulk(await r.call('DUMP', 's')), bulk(await c.call('DUMP', 's'))];
      assert.equal(await c.call('RESTORE', 'copy', '0', fromRedis), '+OK\r\n');
      assert.equal(await r.call('RESTORE', 'copy', '0', fromCairn), '+OK\r\n');
      for (const q of [['XRANGE', 'copy', '-', '+'], ['XLEN', 'copy'], ['XADD', 'copy', '*', 'z', '1'], ['XTRIM', 'copy', 'MAXLEN', '~', '50'], ['XLEN', 'copy']]) {
        const [a, b] = await Promise.all([r.call(...q), c.call(...q)]);
        if (q[0] === 'XADD') assert.match(b, /^\$\d+\r\n\d+-0\r\n$/);
        else assert.equal(b, a, q.join(' '));
      }
    } finally {
      r.close();
      c.close();
    }
  });

  it('DEBUG RELOAD keeps streams, their node layout and counters', () =>
    runScript(servers, [
      ...fill('s', 230, 5),
      'XDEL s 7-1 8-1',
      'XSETID s 500-0 ENTRIESADDED 400 MAXDELETEDID 8-1',
      'XADD e 1-1 a 1',
      'XDEL e 1-1',
      'DEBUG RELOAD',
      'XLEN s',
      'XLEN e',
      'EXISTS e',
      'XRANGE s - + COUNT 3',
      'XADD s 500-* a 1',
      'XTRIM s MAXLEN ~ 100',
      'XLEN s',
    ]));
});

describe('consumer groups: clocks, blocking reads', () => {
  const servers = withServers();

  /** Replies with every integer that is a clock reading (ms since the epoch or idle ms) replaced. */
  async function both(cmds: string[][], clocks: (path: number[]) => boolean): Promise<void> {
    const [r, c] = await Promise.all([RawClient.connect(servers.redis.port), RawClient.connect(servers.cairn.port)]);
    try {
      await Promise.all([r.call('FLUSHALL'), c.call('FLUSHALL')]);
      for (const cmd of cmds) {
        const [a, b] = await Promise.all([r.call(...cmd), c.call(...cmd)]);
        const mask = (v: unknown, path: number[]): unknown => {
          if (Array.isArray(v)) return v.map((x, i) => mask(x, [...path, i]));
          if (typeof v === 'number' && clocks(path)) return 'clock';
          return v;
        };
        assert.deepEqual(mask(parseReply(b), []), mask(parseReply(a), []), cmd.join(' '));
      }
    } finally {
      r.close();
      c.close();
    }
  }

  it('XPENDING extended, XINFO CONSUMERS and XINFO STREAM FULL match Redis but for the clocks', async () => {
    const setup = [
      ...(fill('s', 6) as string[][]),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      ['XCLAIM', 's', 'g', 'carol', '0', '5-1', 'RETRYCOUNT', '9'],
    ];
    // XPENDING rows are [id, consumer, idle, count]: the idle time (index 2) is a clock.
    await both([...setup, ['XPENDING', 's', 'g', '-', '+', '10'], ['XPENDING', 's', 'g', 'IDLE', '0', '-', '+', '10', 'alice']], (p) => p[1] === 2);
    // XINFO CONSUMERS: name, pending, idle (index 5 of each map).
    await both([...setup, ['XINFO', 'CONSUMERS', 's', 'g']], (p) => p[1] === 5);
    // XINFO STREAM FULL: delivery times in the PELs and seen-times of the consumers.
    await both([...setup, ['XINFO', 'STREAM', 's', 'FULL'], ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '2']], (p) => {
      // The reply is a flat map; 'groups' is its 9th pair (value at 17), each group a flat map
      // whose 'pending' value is at 11 and 'consumers' at 13; a consumer's seen-time is at 3
      // and its 'pending' at 7.
      if (p[0] !== 17) return false;
      if (p.length === 5 && p[2] === 11 && p[4] === 2) return true; // [id, consumer, delivery time, count]
      if (p.length === 5 && p[2] === 13 && p[4] === 3) return true; // seen-time
      if (p.length === 7 && p[2] === 13 && p[4] === 7 && p[6] === 1) return true; // [id, delivery time, count]
      return false;
    });
  });

  it('XPENDING IDLE and XCLAIM/XAUTOCLAIM min-idle-time see delivery times', async () => {
    for (const port of [servers.redis.port, servers.cairn.port]) {
      const c = await RawClient.connect(port);
      try {
        await c.call('FLUSHALL');
        for (const cmd of fill('s', 3) as string[][]) await c.call(...cmd);
        await c.call('XGROUP', 'CREATE', 's', 'g', '0');
        await c.call('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>');
        assert.equal(await c.call('XPENDING', 's', 'g', 'IDLE', '60000', '-', '+', '10'), '*0\r\n');
        assert.equal(await c.call('XCLAIM', 's', 'g', 'b', '60000', '1-1', 'JUSTID'), '*0\r\n');
        await new Promise((r) => setTimeout(r, 60));
        assert.equal(await c.call('XCLAIM', 's', 'g', 'b', '50', '1-1', 'JUSTID'), '*1\r\n$3\r\n1-1\r\n');
        assert.equal(await c.call('XAUTOCLAIM', 's', 'g', 'c', '50', '0', 'JUSTID'), '*3\r\n$3\r\n0-0\r\n*2\r\n$3\r\n2-1\r\n$3\r\n3-1\r\n*0\r\n');
        // XCLAIM IDLE sets the idle time it is told.
        await c.call('XCLAIM', 's', 'g', 'd', '0', '1-1', 'IDLE', '500000', 'JUSTID');
        const rows = parseReply(await c.call('XPENDING', 's', 'g', 'IDLE', '400000', '-', '+', '10')) as unknown[][];
        assert.deepEqual(rows.map((row) => [row[0], row[1]]), [['1-1', 'd']]);
        assert.ok((rows[0]![2] as number) >= 500000 && (rows[0]![2] as number) < 510000);
      } finally {
        c.close();
      }
    }
  });

  it('XREADGROUP BLOCK is served by XADD, records the delivery, and times out with a null array', async () => {
    for (const port of [servers.redis.port, servers.cairn.port]) {
      const [reader, writer] = await Promise.all([RawClient.connect(port), RawClient.connect(port)]);
      try {
        await writer.call('FLUSHALL');
        await writer.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
        reader.write('*9\r\n$10\r\nXREADGROUP\r\n$5\r\nGROUP\r\n$1\r\ng\r\n$1\r\nc\r\n$5\r\nBLOCK\r\n$1\r\n0\r\n$7\r\nSTREAMS\r\n$1\r\ns\r\n$1\r\n>\r\n');
        await blockedClients(writer, 1);
        await writer.call('XADD', 's', '7-1', 'k', 'v');
        assert.equal(await reader.read(), '*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n');
        assert.equal(await writer.call('XPENDING', 's', 'g'), '*4\r\n:1\r\n$3\r\n7-1\r\n$3\r\n7-1\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n1\r\n');
        assert.equal(await reader.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '30', 'STREAMS', 's', '>'), '*-1\r\n');
      } finally {
        reader.close();
        writer.close();
      }
    }
  });
});

describe('blocked stream readers when the stream or the group goes', () => {
  const servers = withServers();

  /** What a client blocked in `blocked` receives while `steps` run on another connection. */
  async function blockedSees(port: number, setup: string[][], blocked: string[], steps: string[][]): Promise<string> {
    const [reader, writer] = await Promise.all([RawClient.connect(port), RawClient.connect(port)]);
    try {
      await writer.call('FLUSHALL');
      for (const cmd of setup) await writer.call(...cmd);
      const got = reader.call(...blocked);
      await blockedClients(writer, 1);
      for (const cmd of steps) await writer.call(...cmd);
      return await Promise.race([got, new Promise<string>((r) => setTimeout(() => r('(still blocked)'), 400))]);
    } finally {
      reader.close();
      writer.close();
    }
  }

  const group = [['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']];
  const readGroup = ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'];
  const readPlain = ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'];
  const cases: [string, string[][], string[], string[][]][] = [
    ['XREADGROUP, group destroyed', group, readGroup, [['XGROUP', 'DESTROY', 's', 'g']]],
    ['XREADGROUP, stream deleted', group, readGroup, [['DEL', 's']]],
    ['XREADGROUP, stream replaced by a string', group, readGroup, [['SET', 's', 'x']]],
    ['XREADGROUP, stream deleted and re-created', group, readGroup, [['DEL', 's'], ['XADD', 's', '1-1', 'a', '1']]],
    ['XREADGROUP, FLUSHALL', group, readGroup, [['FLUSHALL']]],
    ['XREADGROUP, FLUSHDB', group, readGroup, [['FLUSHDB']]],
    ['XREADGROUP, stream renamed', group, readGroup, [['RENAME', 's', 't']]],
    ['XREADGROUP, SWAPDB', group, readGroup, [['SWAPDB', '0', '1']]],
    ['XREADGROUP, stream expired by the active cycle', group, readGroup, [['PEXPIRE', 's', '1']]],
    ['XREADGROUP, XGROUP SETID back (waits on)', group, readGroup, [['XADD', 's', '1-1', 'a', '1'], ['XACK', 's', 'g', '1-1'], ['XGROUP', 'SETID', 's', 'g', '0']]],
    ['XREADGROUP, stream replaced within a transaction (waits on)', group, readGroup, [['MULTI'], ['DEL', 's'], ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'], ['EXEC']]],
    ['XREAD, stream deleted (waits on)', [['XADD', 's', '1-1', 'a', '1']], readPlain, [['DEL', 's']]],
    ['XREAD, stream deleted and re-created', [['XADD', 's', '1-1', 'a', '1']], readPlain, [['DEL', 's'], ['XADD', 's', '5-1', 'b', '2']]],
  ];
  for (const [title, setup, blocked, steps] of cases) {
    it(title, async () => {
      const expected = await blockedSees(servers.redis.port, setup, blocked, steps);
      assert.equal(await blockedSees(servers.cairn.port, setup, blocked, steps), expected);
    });
  }
});

describe('streams through ioredis', () => {
  let server: RunningServer;
  before(async () => {
    server = await startCairn();
  });
  after(async () => {
    await server.stop();
  });

  it('an event log: XADD with auto IDs and capped length, XRANGE, XREVRANGE, blocking XREAD', async () => {
    const r = new Redis({ port: server.port, lazyConnect: true });
    const reader = new Redis({ port: server.port, lazyConnect: true });
    await Promise.all([r.connect(), reader.connect()]);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await r.xadd('events', 'MAXLEN', '10', '*', 'type', 'click', 'n', String(i)))!);
      assert.equal(await r.xlen('events'), 10);
      const last = await r.xrevrange('events', '+', '-', 'COUNT', 1);
      assert.deepEqual(last, [[ids[19], ['type', 'click', 'n', '19']]]);
      assert.deepEqual((await r.xrange('events', '-', '+')).map(([id]) => id), ids.slice(10));
      const pending = reader.xread('BLOCK', 5000, 'STREAMS', 'events', '$');
      await new Promise((res) => setTimeout(res, 50));
      const id = await r.xadd('events', '*', 'type', 'view');
      assert.deepEqual(await pending, [['events', [[id, ['type', 'view']]]]]);
      await assert.rejects(r.xadd('events', '1-1', 'a', 'b'), /equal or smaller than the target stream top item/);
    } finally {
      r.disconnect();
      reader.disconnect();
    }
  });

  it('a work queue: consumer group, two workers, acknowledgements, a crashed worker claimed over', async () => {
    const r = new Redis({ port: server.port, lazyConnect: true });
    const w1 = new Redis({ port: server.port, lazyConnect: true });
    const w2 = new Redis({ port: server.port, lazyConnect: true });
    await Promise.all([r.connect(), w1.connect(), w2.connect()]);
    try {
      assert.equal(await r.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM'), 'OK');
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push((await r.xadd('jobs', '*', 'job', String(i)))!);
      const read = async (c: Redis, name: string, count: number) =>
        ((await c.xreadgroup('GROUP', 'workers', name, 'COUNT', count, 'STREAMS', 'jobs', '>')) as [string, [string, string[]][]][])[0]![1];
      const first = await read(w1, 'w1', 3);
      const second = await read(w2, 'w2', 3);
      assert.deepEqual([...first, ...second].map(([id]) => id), ids);
      // w1 finishes its jobs; w2 "crashes" with its jobs pending.
      assert.equal(await w1.xack('jobs', 'workers', ...first.map(([id]) => id)), 3);
      const summary = (await r.xpending('jobs', 'workers')) as [number, string, string, [string, string][]];
      assert.equal(summary[0], 3);
      assert.deepEqual(summary[3], [['w2', '3']]);
      const [cursor, claimed] = (await w1.xautoclaim('jobs', 'workers', 'w1', 0, '0-0')) as [string, [string, string[]][]];
      assert.equal(cursor, '0-0');
      assert.deepEqual(claimed.map(([id, fields]) => [id, fields]), second.map(([id, fields]) => [id, fields]));
      assert.equal(await w1.xack('jobs', 'workers', ...claimed.map(([id]) => id)), 3);
      const groups = (await r.xinfo('GROUPS', 'jobs')) as unknown[][];
      assert.deepEqual(groups[0]!.slice(0, 10), ['name', 'workers', 'consumers', 2, 'pending', 0, 'last-delivered-id', ids[5], 'entries-read', 6]);
      assert.equal(groups[0]![11], 0, 'lag');
    } finally {
      r.disconnect();
      w1.disconnect();
      w2.disconnect();
    }
  });
});
