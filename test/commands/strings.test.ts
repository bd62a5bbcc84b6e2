import { differential, type Script } from '../helpers/differential.js';

const scripts: Script[] = [
  // GET / SET basics and options
  ['GET missing', 'SET k v', 'GET k', 'SET k v2', 'GET k'],
  ['SET k ""', 'GET k', 'STRLEN k'],
  [['SET', 'bin', 'a\r\nb\x00c\xff'], 'GET bin', 'STRLEN bin'],
  ['SET k v NX', 'SET k w NX', 'GET k', 'SET k w XX', 'GET k', 'SET n v XX', 'GET n'],
  ['SET k v NX XX', 'SET k v XX NX', 'SET k v NX NX', 'GET k'],
  ['SET k v GET', 'SET k w GET', 'GET k', 'SET k x NX GET', 'SET k y XX GET', 'SET n z XX GET', 'EXISTS n'],
  ['SET k v', 'SET k v2 GET', 'GET k'],
  ['SET k v EX 100', '?TTL k', 'TTL k', 'SET k v', 'TTL k'],
  ['SET k v PX 100000', 'TTL k', 'SET k v2 KEEPTTL', 'TTL k', 'GET k'],
  ['SET k v EX 100', 'SET k v2 KEEPTTL EX 10', 'SET k v EX 10 PX 100', 'SET k v EX 10 KEEPTTL', 'TTL k'],
  ['SET k v EX 0', 'SET k v EX -1', 'SET k v PX 0', 'SET k v EX abc', 'SET k v EX 1.5', 'EXISTS k'],
  ['SET k v EX 9223372036854775807', 'SET k v EX 9223372036854776', 'SET k v PX 9223372036854775807', 'SET k v EX 9223372036854775808'],
  ['SET k v EXAT 1', 'GET k', 'EXISTS k', 'SET k v PXAT 1', 'GET k'],
  ['SET k v EXAT 9999999999', 'TTL k', 'EXPIRETIME k', 'SET k v PXAT 99999999999999', 'PEXPIRETIME k'],
  ['SET k v EX', 'SET k v PX', 'SET k v FOO', 'SET k', 'SET', 'SET k v EX 10 EX 20', 'TTL k'],
  ['SET k v ex 10 nx', 'TTL k', 'set k v Px 100000 xx', 'TTL k', 'SET k v exat 9999999999 get'],
  ['SET k v KEEPTTL GET', 'SET k v PERSIST'],
  // SETNX / SETEX / PSETEX / GETSET / GETDEL
  ['SETNX k v', 'SETNX k w', 'GET k', 'SETNX k'],
  ['SETEX k 100 v', 'TTL k', 'GET k', 'SETEX k 0 v', 'SETEX k -5 v', 'SETEX k abc v', 'SETEX k 10'],
  ['PSETEX k 100000 v', 'TTL k', 'PSETEX k 0 v', 'PSETEX k -1 v'],
  ['GETSET k v', 'GETSET k w', 'GET k', 'SET t x EX 100', 'GETSET t y', 'TTL t'],
  ['GETDEL k', 'SET k v', 'GETDEL k', 'EXISTS k', 'GETDEL k'],
  // GETEX
  ['GETEX k', 'SET k v', 'GETEX k', 'GETEX k EX 100', 'TTL k', 'GETEX k PERSIST', 'TTL k'],
  ['SET k v', 'GETEX k PX 100000', 'TTL k', 'GETEX k EXAT 9999999999', 'TTL k', 'GETEX k PXAT 1', 'EXISTS k'],
  ['SET k v', 'GETEX k EX 0', 'GETEX k EX -1', 'GETEX k EX abc', 'GETEX k NX', 'GETEX k KEEPTTL', 'GETEX k PERSIST EX 10', 'GETEX k EX 10 PERSIST', 'GETEX k FOO'],
  ['GETEX', 'GETEX k EX', 'SET k v', 'GETEX k EX 10 PX 10'],
  // MGET / MSET / MSETNX
  ['MSET a 1 b 2 c 3', 'MGET a b c d', 'MGET a', 'MGET'],
  ['MSET a', 'MSET a 1 b', 'MSET', 'MGET a b'],
  ['MSET a 1 a 2', 'GET a'],
  ['MSETNX a 1 b 2', 'MSETNX b 3 c 4', 'MGET a b c', 'MSETNX c 5 c 6', 'GET c', 'MSETNX a', 'MSETNX x 1 y'],
  // APPEND / STRLEN
  ['APPEND k hello', 'APPEND k " world"', 'GET k', 'STRLEN k', 'STRLEN missing', 'APPEND k ""', 'APPEND e ""', 'EXISTS e'],
  ['SET n 10', 'APPEND n 5', 'GET n', 'INCR n'],
  // INCR family
  ['INCR n', 'INCR n', 'DECR n', 'DECR n', 'DECR n', 'GET n', 'INCRBY n 10', 'DECRBY n 3', 'GET n'],
  ['SET n 9223372036854775806', 'INCR n', 'INCR n', 'GET n', 'SET m -9223372036854775807', 'DECR m', 'DECR m', 'GET m'],
  ['SET n 5', 'INCRBY n 9223372036854775807', 'INCRBY n -9223372036854775808', 'DECRBY n -9223372036854775808', 'DECRBY n 9223372036854775807', 'GET n'],
  ['SET n abc', 'INCR n', 'SET n 1.5', 'INCR n', 'SET n " 1"', 'INCR n', 'SET n 01', 'INCR n', 'SET n +1', 'INCR n', 'SET n -0', 'INCR n', 'SET n ""', 'INCR n'],
  ['SET n 99999999999999999999', 'INCR n', 'SET n 9223372036854775808', 'INCR n', 'SET n -9223372036854775809', 'DECR n'],
  ['INCRBY n abc', 'INCRBY n 1.0', 'INCRBY n 99999999999999999999', 'DECRBY n ""', 'INCRBY n -0', 'INCRBY n 007'],
  ['SET n 0', 'INCRBY n -5', 'DECRBY n -5', 'INCRBY n 4503599627370496', 'INCRBY n 4503599627370496', 'INCRBY n 4503599627370496', 'GET n'],
  // INCRBYFLOAT: long double arithmetic and %.17Lf formatting
  ['INCRBYFLOAT f 0.1', 'INCRBYFLOAT f 0.2', 'INCRBYFLOAT f 0.3', 'INCRBYFLOAT f -0.6', 'GET f'],
  ['INCRBYFLOAT f 10.5', 'INCRBYFLOAT f 5.0e3', 'INCRBYFLOAT f 1E-5', 'INCRBYFLOAT f -5000', 'GET f'],
  ['SET f 3', 'INCRBYFLOAT f 1.5', 'SET f 1e300', 'INCRBYFLOAT f 1', 'SET g 1e4900', 'INCRBYFLOAT g 1e4900'],
  ['INCRBYFLOAT f abc', 'INCRBYFLOAT f ""', 'INCRBYFLOAT f " 1"', 'INCRBYFLOAT f "1 "', 'INCRBYFLOAT f nan', 'INCRBYFLOAT f inf', 'INCRBYFLOAT f -inf', 'INCRBYFLOAT f 1e5000'],
  ['SET f abc', 'INCRBYFLOAT f 1', 'SET f inf', 'INCRBYFLOAT f 1', 'SET f 1.5', 'INCRBYFLOAT f 0x10', 'INCRBYFLOAT f .5', 'INCRBYFLOAT f 5.', 'INCRBYFLOAT f +1'],
  ['INCRBYFLOAT f 3.0000000000000001', 'INCRBYFLOAT f 0.0000000000000001', 'INCRBYFLOAT f 123456789012345678', 'INCRBYFLOAT f -1e-20', 'INCRBYFLOAT f 1.1e-17'],
  ['INCRBYFLOAT f -0.0', 'GET f', 'INCRBYFLOAT g 1.23456789012345678901234', 'INCRBYFLOAT h 9007199254740993', 'INCRBYFLOAT h 0.5'],
  ['SET f 5', 'INCRBYFLOAT f 1e-300', 'INCRBYFLOAT f -5', 'INCRBYFLOAT g 1e-4950'],
  // GETRANGE / SUBSTR / SETRANGE
  ['SET k "Hello World"', 'GETRANGE k 0 4', 'GETRANGE k -5 -1', 'GETRANGE k 0 -1', 'GETRANGE k 5 3', 'GETRANGE k -1 -5', 'GETRANGE k 100 200', 'GETRANGE k -100 3', 'GETRANGE k 3 100'],
  ['GETRANGE missing 0 -1', 'SET k ""', 'GETRANGE k 0 -1', 'SET k 12345', 'GETRANGE k 1 2', 'GETRANGE k a 1', 'GETRANGE k 1 b', 'SUBSTR k 0 2'],
  ['SET k abc', 'GETRANGE k 0 9223372036854775807', 'GETRANGE k -9223372036854775808 1', 'GETRANGE k 0 9223372036854775808'],
  ['SETRANGE k 5 hi', 'GET k', 'STRLEN k', 'SETRANGE k 0 HE', 'GET k', 'SETRANGE k 1 ""', 'SETRANGE e 3 ""', 'EXISTS e'],
  ['SET k hello', 'SETRANGE k 10 x', 'GET k', 'SETRANGE k -1 x', 'SETRANGE k abc x', 'SETRANGE k 2 XYZW', 'GET k'],
  ['SETRANGE k 536870912 x', 'EXISTS k', 'SET n 10', 'SETRANGE n 1 5', 'GET n', 'INCR n'],
  // LCS
  ['MSET k1 ohmytext k2 mynewtext', 'LCS k1 k2', 'LCS k1 k2 LEN', 'LCS k1 k2 IDX', 'LCS k1 k2 IDX MINMATCHLEN 4', 'LCS k1 k2 IDX MINMATCHLEN 4 WITHMATCHLEN', 'LCS k1 k2 IDX WITHMATCHLEN'],
  ['LCS a b', 'LCS a b LEN', 'LCS a b IDX', 'SET a abc', 'LCS a b', 'LCS a a', 'LCS a b LEN IDX', 'LCS a b FOO', 'LCS a b MINMATCHLEN', 'LCS a b MINMATCHLEN x'],
  ['MSET a ABCBDAB b BDCABA', 'LCS a b', 'LCS a b IDX', 'LCS a b IDX MINMATCHLEN -5', 'MSET c aaaa d aa', 'LCS c d IDX WITHMATCHLEN'],
  // Wrong types and arity
  ['GET', 'GET a b', 'SETNX a', 'MGET', 'STRLEN', 'INCR', 'INCRBY a', 'DECRBY a', 'INCRBYFLOAT a', 'APPEND a', 'GETRANGE a 1', 'SETRANGE a 1', 'GETDEL', 'GETSET a', 'PSETEX a 1', 'LCS a'],
];

differential('string commands match Redis', scripts);
