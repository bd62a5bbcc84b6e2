import { differential, type Script } from '../helpers/differential.js';

const keys: Script[] = [
  ['DEL a', 'MSET a 1 b 2 c 3', 'DEL a b x', 'EXISTS a b c', 'DEL c c', 'DBSIZE'],
  ['UNLINK a', 'MSET a 1 b 2', 'UNLINK a b a', 'DBSIZE', 'DEL', 'UNLINK'],
  ['MSET a 1 b 2', 'EXISTS a', 'EXISTS a a b x', 'EXISTS x', 'EXISTS'],
  ['TYPE a', 'SET a 1', 'TYPE a', 'TYPE', 'TYPE a b'],
  // RENAME / RENAMENX
  ['RENAME a b', 'SET a 1', 'RENAME a b', 'GET a', 'GET b', 'RENAME b b', 'RENAME x x', 'GET b'],
  ['MSET a 1 b 2', 'RENAME a b', 'GET b', 'EXISTS a', 'SET c 3 EX 100', 'RENAME c d', 'TTL d', 'EXISTS c'],
  ['MSET a 1 b 2', 'RENAMENX a b', 'RENAMENX a c', 'MGET a b c', 'RENAMENX c c', 'RENAMENX x y', 'RENAMENX x x'],
  ['SET a 1 EX 100', 'SET b 2', 'RENAME b a', 'TTL a', 'GET a'],
  // COPY / MOVE across databases
  ['SET a 1', 'COPY a b', 'GET b', 'COPY a b', 'COPY a b REPLACE', 'COPY a a', 'COPY x y', 'COPY a b FOO'],
  ['SET a 1 EX 100', 'COPY a b', 'TTL b', 'COPY a c DB 1', 'SELECT 1', 'GET c', 'TTL c', 'SELECT 0', 'COPY a a DB 0', 'COPY a a DB 1'],
  ['SET a 1', 'COPY a b DB 16', 'COPY a b DB -1', 'COPY a b DB x', 'COPY a b DB', 'COPY a b REPLACE REPLACE', 'COPY a b DB 1 DB 2', 'SELECT 2', 'GET b'],
  ['SET a 1', 'MOVE a 1', 'EXISTS a', 'SELECT 1', 'GET a', 'MOVE a 1', 'MOVE a 0', 'SELECT 0', 'GET a'],
  ['SET a 1', 'MOVE a 16', 'MOVE a -1', 'MOVE a x', 'MOVE x 1', 'SELECT 1', 'SET a 2', 'SELECT 0', 'MOVE a 1', 'GET a'],
  ['SET a 1 EX 100', 'MOVE a 3', 'SELECT 3', 'TTL a'],
  // KEYS and glob patterns
  ['MSET hello 1 hallo 2 hxllo 3 hllo 4 heeeello 5 hbllo 6 a*b 7 "a\\\\b" 8', '~KEYS *', '~KEYS h?llo', '~KEYS h*llo', '~KEYS h[ae]llo', '~KEYS h[^e]llo', '~KEYS h[a-b]llo', '~KEYS a\\*b', '~KEYS nomatch*'],
  ['MSET abc 1 ABC 2 a-c 3 "a]c" 4 "a[c" 5', '~KEYS [a-z]bc', '~KEYS [z-a]bc', '~KEYS a[-]c', '~KEYS a[]]c', '~KEYS a[[]c', '~KEYS a[', '~KEYS a[b', '~KEYS *[', '~KEYS [^a]*', '~KEYS \\a*', '~KEYS a\\'],
  ['MSET x 1 y 2', '~KEYS ?', '~KEYS ??', '~KEYS ***', '~KEYS *?*', 'KEYS', 'KEYS a b'],
  ['SET aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1', 'KEYS *a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b'],
  ['SET k 1 PX 1', '#sleep 20', 'SET other 2', '~KEYS *'],
  // RANDOMKEY / DBSIZE / TOUCH
  ['RANDOMKEY', 'SET only 1', 'RANDOMKEY', 'RANDOMKEY x'],
  ['DBSIZE', 'MSET a 1 b 2', 'DBSIZE', 'SELECT 1', 'DBSIZE', 'DBSIZE x'],
  ['TOUCH a', 'MSET a 1 b 2', 'TOUCH a b c a', 'TOUCH'],
  // SELECT / SWAPDB / FLUSHDB / FLUSHALL
  ['SELECT 0', 'SELECT 15', 'SELECT 16', 'SELECT -1', 'SELECT abc', 'SELECT 1.5', 'SELECT', 'SELECT 1 2'],
  ['SET a 0', 'SELECT 1', 'SET a 1', 'SWAPDB 0 1', 'GET a', 'SELECT 0', 'GET a', 'SWAPDB 0 0', 'GET a'],
  ['SWAPDB 0 16', 'SWAPDB -1 0', 'SWAPDB a 0', 'SWAPDB 0 b', 'SWAPDB 0', 'SWAPDB 1.5 0'],
  ['MSET a 1 b 2', 'SELECT 1', 'SET c 3', 'FLUSHDB', 'DBSIZE', 'SELECT 0', 'DBSIZE', 'FLUSHDB ASYNC', 'DBSIZE'],
  ['SET a 1', 'SELECT 1', 'SET b 1', 'FLUSHALL SYNC', 'DBSIZE', 'SELECT 0', 'DBSIZE', 'FLUSHALL foo', 'FLUSHALL sync async', 'FLUSHDB foo', 'FLUSHALL async', 'FLUSHDB sync'],
  // OBJECT
  ['OBJECT ENCODING x', 'SET a 12345', 'OBJECT ENCODING a', 'SET b hello', 'OBJECT ENCODING b', 'SET c aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'OBJECT ENCODING c'],
  ['SET a -9223372036854775808', 'OBJECT ENCODING a', 'SET a 9223372036854775808', 'OBJECT ENCODING a', 'SET a 0123', 'OBJECT ENCODING a', 'SET a 12345678901234567890123', 'OBJECT ENCODING a'],
  ['SET a 100', 'OBJECT REFCOUNT a', 'SET b 10000', 'OBJECT REFCOUNT b', 'SET c abc', 'OBJECT REFCOUNT c', 'OBJECT REFCOUNT x', 'INCR n', 'OBJECT REFCOUNT n'],
  ['SET a 1', 'OBJECT FREQ a', '?OBJECT IDLETIME a', 'OBJECT IDLETIME x', 'OBJECT', 'OBJECT FOO a', 'OBJECT ENCODING', 'OBJECT ENCODING a b', 'OBJECT HELP', 'object help'],
  // SCAN argument handling (order is unspecified: scanning itself is tested separately)
  ['SCAN 0 COUNT 0', 'SCAN 0 COUNT -1', 'SCAN 0 COUNT abc', 'SCAN abc', 'SCAN 0 FOO', 'SCAN 0 MATCH', 'SCAN 0 TYPE', 'SCAN 1.5', 'SCAN " 0"', 'SCAN', 'SCAN 0 COUNT'],
  ['MSET a 1 b 2', '~SCAN 0 COUNT 100', '~SCAN 0 MATCH a COUNT 100', '~SCAN 0 TYPE string COUNT 100', '~SCAN 0 TYPE list COUNT 100', '~SCAN 0 TYPE nosuchtype COUNT 100'],
];

const expiry: Script[] = [
  ['EXPIRE a 100', 'SET a 1', 'EXPIRE a 100', 'TTL a', 'PTTL missing', 'TTL missing', 'SET b 1', 'TTL b', 'PTTL b'],
  ['SET a 1', 'PEXPIRE a 100000', 'TTL a', 'EXPIREAT a 9999999999', 'TTL a', 'EXPIRETIME a', 'PEXPIREAT a 9999999999999', 'PEXPIRETIME a', 'EXPIRETIME a'],
  ['SET a 1', 'EXPIRE a -1', 'EXISTS a', 'SET a 1', 'EXPIRE a 0', 'EXISTS a', 'SET a 1', 'EXPIREAT a 1', 'GET a', 'SET a 1', 'PEXPIRE a -100', 'GET a'],
  ['SET a 1', 'EXPIRE a abc', 'EXPIRE a 1.5', 'EXPIRE a ""', 'EXPIRE a', 'EXPIRE', 'TTL a'],
  ['SET a 1', 'EXPIRE a 9223372036854775807', 'EXPIRE a 9223372036854775', 'EXPIRE a 9223372036854776', 'PEXPIRE a 9223372036854775807', 'EXPIRE a -9223372036854775808', 'PEXPIREAT a 9223372036854775807', 'EXISTS a'],
  ['SET a 1', 'EXPIREAT a 9223372036854775', 'EXPIREAT a 9223372036854776', 'EXPIRE a -9223372036854775', 'EXISTS a'],
  // Expiry times past 2^53 ms, which no double holds exactly: replies, copies and renames keep them to the millisecond.
  ['SET a 1', 'PEXPIREAT a 9223372036854775807', 'PEXPIRETIME a', 'EXPIRETIME a', '?TTL a', '?PTTL a', 'COPY a b', 'PEXPIRETIME b', 'RENAME b c', 'PEXPIRETIME c', 'MOVE c 1', 'SELECT 1', 'PEXPIRETIME c', 'SELECT 0'],
  ['SET a 1 PXAT 9223372036854775806', 'PEXPIRETIME a', 'SET b 1 EXAT 9223372036854775', 'PEXPIRETIME b', 'GETEX b PXAT 9007199254740993', 'PEXPIRETIME b', 'EXPIREAT b 9007199254740993', 'PEXPIRETIME b', 'SET a 2 KEEPTTL', 'PEXPIRETIME a', 'PERSIST a', 'PEXPIRETIME a'],
  ['SET a 1', 'PEXPIREAT a 9223372036854775807', 'DUMP a', 'PEXPIRE a 9223372036854775807', 'PEXPIRETIME a'],
  ['SET a 1', 'PEXPIREAT a 9223372036854775000', 'PEXPIREAT a 9223372036854775001 GT', 'PEXPIRETIME a', 'PEXPIREAT a 9223372036854775000 LT', 'PEXPIRETIME a', 'PEXPIREAT a 9223372036854775000 GT', 'PEXPIREAT a 9223372036854775001 LT'],
  ['SET a 1', 'EXPIRE a 100 NX', 'EXPIRE a 200 NX', 'TTL a', 'EXPIRE a 300 XX', 'TTL a', 'SET b 1', 'EXPIRE b 100 XX', 'TTL b'],
  ['SET a 1', 'EXPIRE a 100 GT', 'TTL a', 'EXPIRE a 100 LT', 'TTL a', 'EXPIRE a 200 GT', 'TTL a', 'EXPIRE a 100 GT', 'EXPIRE a 50 LT', 'TTL a', 'EXPIRE a 60 LT'],
  ['SET a 1', 'EXPIRE a 100 NX XX', 'EXPIRE a 100 NX GT', 'EXPIRE a 100 NX LT', 'EXPIRE a 100 GT LT', 'EXPIRE a 100 XX GT', 'EXPIRE a 100 FOO', 'EXPIRE a 100 nx', 'TTL a', 'EXPIRE a 100 xx lt', 'EXPIRE a abc FOO'],
  ['SET a 1', 'EXPIRE a -5 LT', 'EXISTS a', 'SET a 1', 'EXPIRE a -5 GT', 'EXISTS a', 'EXPIRE x 10 NX XX'],
  ['SET a 1 EX 100', 'PERSIST a', 'TTL a', 'PERSIST a', 'PERSIST x', 'PERSIST', 'SET b 1 EX 100', 'SET b 2', 'TTL b'],
  ['SET a 1 EX 100', 'APPEND a x', 'TTL a', 'INCR n', 'EXPIRE n 100', 'INCR n', 'TTL n', 'SETRANGE a 0 y', 'TTL a', 'GETSET a z', 'TTL a'],
  ['SET a 1 PX 1', 'SET b 1', 'PEXPIRE b 1', '#sleep 20', 'EXISTS a b', 'TTL a', 'GET a', 'EXPIRE a 100', 'PERSIST b'],
  ['EXPIRE a 100 NX', 'EXPIRETIME a', 'PEXPIRETIME a', 'SET a 1', 'EXPIRETIME a', 'PEXPIRETIME a', 'EXPIRETIME', 'TTL', 'PTTL a b'],
];

differential('generic key commands match Redis', keys);
differential('expiry commands match Redis', expiry);
