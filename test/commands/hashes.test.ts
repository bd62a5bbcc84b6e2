import { differential, type Script } from '../helpers/differential.js';

const scripts: Script[] = [
  ['HSET h a 1', 'HSET h b 2 c 3', 'HSET h a 10 d 4', 'HGETALL h', 'HLEN h', 'HKEYS h', 'HVALS h', 'HGET h a', 'HGET h zz', 'HGET nokey a'],
  ['HSET h a', 'HSET h a 1 b', 'HSET h', 'HMSET h a', 'HMSET h a 1 b', 'HMSET h a 1 b 2', 'HGETALL h', 'EXISTS h'],
  ['HSETNX h a 1', 'HSETNX h a 2', 'HGET h a', 'HSETNX h', 'HMGET h a b', 'HMGET nokey a b', 'HMGET h'],
  ['HSET h a 1 b 2 c 3', 'HDEL h a', 'HDEL h a b zz', 'HGETALL h', 'HDEL h c', 'EXISTS h', 'HDEL h c', 'HDEL nokey a'],
  ['HSET h f hello', 'HSTRLEN h f', 'HSTRLEN h zz', 'HSTRLEN nokey f', 'HEXISTS h f', 'HEXISTS h zz', 'HEXISTS nokey f'],
  ['HGETALL nokey', 'HKEYS nokey', 'HVALS nokey', 'HLEN nokey', 'HELLO 3', 'HGETALL nokey', 'HSET h a 1 b 2', 'HGETALL h', 'HKEYS h', 'HRANDFIELD nokey', 'HRANDFIELD nokey 2'],
  // HINCRBY / HINCRBYFLOAT
  ['HINCRBY h n 5', 'HINCRBY h n -10', 'HGET h n', 'HINCRBY h n abc', 'HSET h s foo', 'HINCRBY h s 1', 'HINCRBY h n 1.5', 'HINCRBY h n 9223372036854775807', 'HINCRBY h n -9223372036854775808'],
  ['HSET h n 9223372036854775800', 'HINCRBY h n 7', 'HINCRBY h n 1', 'HSET h m " 1"', 'HINCRBY h m 1', 'HSET h m 01', 'HINCRBY h m 1'],
  ['HINCRBYFLOAT h f 0.1', 'HINCRBYFLOAT h f 0.2', 'HINCRBYFLOAT h f 1e3', 'HINCRBYFLOAT h f abc', 'HINCRBYFLOAT h f inf', 'HINCRBYFLOAT h f nan', 'HSET h s foo', 'HINCRBYFLOAT h s 1', 'HSET h i 5', 'HINCRBYFLOAT h i 0.5', 'HSET h big 1e4900', 'HINCRBYFLOAT h big 1e4900'],
  // Wrong types
  ['SET str v', 'HSET str a 1', 'HGET str a', 'HGETALL str', 'HDEL str a', 'HLEN str', 'HINCRBY str a 1', 'HINCRBYFLOAT str a 1', 'HRANDFIELD str', 'HSCAN str 0', 'HMGET str a', 'HSETNX str a 1', 'HSTRLEN str a', 'HEXISTS str a', 'HKEYS str', 'HVALS str'],
  ['HSET h a 1', 'GET h', 'INCR h', 'APPEND h x', 'TYPE h', 'MGET h', 'SETRANGE h 0 x', 'GETDEL h', 'STRLEN h', 'LCS h h', 'SET h v', 'TYPE h'],
  // Encoding thresholds and conversions
  ['HSET h a 1', 'OBJECT ENCODING h', ['HSET', 'h', 'b', 'x'.repeat(64)], 'OBJECT ENCODING h', ['HSET', 'h', 'c', 'x'.repeat(65)], 'OBJECT ENCODING h', 'HDEL h c', 'OBJECT ENCODING h'],
  [['HSET', 'h', 'f'.repeat(65), '1'], 'OBJECT ENCODING h', ['HSETNX', 'g', 'f'.repeat(65), '1'], 'OBJECT ENCODING g'],
  ['CONFIG SET hash-max-listpack-entries 3', 'HSET h a 1 b 2 c 3', 'OBJECT ENCODING h', 'HSET h d 4', 'OBJECT ENCODING h', 'HDEL h d', 'OBJECT ENCODING h', '~HGETALL h', 'CONFIG SET hash-max-listpack-entries 512'],
  ['%CONFIG GET hash-max-*', '%CONFIG GET hash*ziplist*', 'CONFIG SET hash-max-ziplist-value 10', '%CONFIG GET hash-max-listpack-value', 'CONFIG SET hash-max-listpack-value abc', 'CONFIG SET hash-max-listpack-value 64'],
  // HRANDFIELD (deterministic cases)
  ['HSET h a 1 b 2 c 3', 'HRANDFIELD h 3', 'HRANDFIELD h 10', 'HRANDFIELD h 10 WITHVALUES', 'HRANDFIELD h 0', 'HRANDFIELD h 0 WITHVALUES', 'HRANDFIELD h 1 FOO', 'HRANDFIELD h 1 WITHVALUES x', 'HRANDFIELD h abc', 'HRANDFIELD h -9223372036854775808', 'HRANDFIELD h 9223372036854775807 WITHVALUES'],
  ['HSET h only 1', 'HRANDFIELD h', 'HRANDFIELD h -3', 'HRANDFIELD h -2 WITHVALUES', 'HRANDFIELD h 1', 'HELLO 3', 'HRANDFIELD h -2 WITHVALUES', 'HRANDFIELD h 5 WITHVALUES', 'HRANDFIELD h 0'],
  ['HSET h a 1 b 2 c 3 d 4', '?HRANDFIELD h 2', '?HRANDFIELD h 2 WITHVALUES', '?HRANDFIELD h -5'],
  // HSCAN
  ['HSET h a 1 b 2 c 3', 'HSCAN h 0', 'HSCAN h 0 MATCH a*', 'HSCAN h 0 COUNT 1', 'HSCAN h 0 TYPE string', 'HSCAN h abc', 'HSCAN h 0 COUNT 0', 'HSCAN nokey 0', 'HSCAN nokey 0 FOO', 'HSCAN nokey abc', 'HSCAN h'],
  // Copy, rename, move keep hashes intact
  ['HSET h a 1 b 2', 'COPY h h2', 'HSET h2 c 3', 'HGETALL h', 'HGETALL h2', 'RENAME h h3', 'HGETALL h3', 'MOVE h3 1', 'SELECT 1', 'HGETALL h3', 'TYPE h3', '~SCAN 0 TYPE hash COUNT 100'],
  ['HSET h a 1', 'EXPIRE h 100', 'HSET h b 2', 'TTL h', 'HDEL h a b', 'TTL h', 'EXISTS h'],
];

differential('hash commands match Redis', scripts);
