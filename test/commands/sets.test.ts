import { differential, type Script } from '../helpers/differential.js';

const scripts: Script[] = [
  // Intsets reply in numeric order, so these compare byte for byte.
  ['SADD s 3 1 2', 'SADD s 2 4', 'SMEMBERS s', 'SCARD s', 'OBJECT ENCODING s', 'SISMEMBER s 2', 'SISMEMBER s 9', 'SMISMEMBER s 1 9 4', 'SMEMBERS nokey', 'SCARD nokey'],
  ['SADD s -5 10 -9223372036854775808 9223372036854775807 0', 'SMEMBERS s', 'OBJECT ENCODING s', 'SADD s 01', 'OBJECT ENCODING s', '~SMEMBERS s'],
  ['SADD s a b c', 'OBJECT ENCODING s', '~SMEMBERS s', 'SREM s a zz', 'SREM s b c', 'EXISTS s', 'SREM s a', 'SREM nokey a'],
  ['SADD s', 'SREM s', 'SISMEMBER s', 'SMISMEMBER s', 'SCARD', 'SMEMBERS'],
  ['CONFIG SET set-max-intset-entries 3', 'SADD s 1 2 3', 'OBJECT ENCODING s', 'SADD s 4', 'OBJECT ENCODING s', 'SREM s 4', 'OBJECT ENCODING s', 'CONFIG SET set-max-intset-entries 512'],
  ['SET str v', 'SADD str a', 'SREM str a', 'SMEMBERS str', 'SCARD str', 'SISMEMBER str a', 'SPOP str', 'SRANDMEMBER str', 'SINTER str', 'SUNION str', 'SDIFF str', 'SSCAN str 0', 'SMOVE str x a'],
  ['SADD s 1', 'GET s', 'HGET s a', 'HSET s a 1', 'TYPE s'],
  // SPOP / SRANDMEMBER, deterministic cases
  ['SADD s 5 1 3', 'SRANDMEMBER s 10', 'SRANDMEMBER s 3', 'SRANDMEMBER s 0', 'SRANDMEMBER nokey', 'SRANDMEMBER nokey 5', 'SRANDMEMBER s abc', 'SRANDMEMBER s 1 2', 'SCARD s'],
  ['SADD s 5 1 3', 'SPOP s 3', 'EXISTS s', 'SADD s 7', 'SPOP s', 'EXISTS s', 'SPOP nokey', 'SPOP nokey 2', 'SPOP s -1', 'SPOP s abc', 'SPOP s 1 2'],
  ['SADD s 1 2 3 4', 'SPOP s 0', '?SPOP s 2', 'SCARD s', '?SRANDMEMBER s -5', '?SRANDMEMBER s 2', 'SCARD s'],
  ['HELLO 3', 'SADD s 3 1 2', 'SMEMBERS s', 'SPOP s 0', 'SRANDMEMBER s 5', 'SRANDMEMBER s 0', 'SPOP nokey 3', 'SMEMBERS nokey', 'SINTER s nokey', 'SPOP s 5'],
  // SMOVE
  ['SADD a 1 2', 'SADD b 3', 'SMOVE a b 1', 'SMEMBERS a', 'SMEMBERS b', 'SMOVE a b 9', 'SMOVE a a 2', 'SMOVE a a 9', 'SMOVE a c 2', 'EXISTS a', 'SMEMBERS c', 'SMOVE nokey b 1'],
  ['SADD a x', 'SET str v', 'SMOVE a str x', 'SMOVE str a x', 'SMISMEMBER a x'],
  // Intersections, unions, differences (intsets reply in order)
  ['SADD a 1 2 3 4', 'SADD b 2 3 5', 'SADD c 3 4 2', 'SINTER a b', 'SINTER a b c', 'SINTER a nokey', 'SINTER nokey a', 'SUNION a b', 'SUNION a nokey', 'SDIFF a b', 'SDIFF a b c', 'SDIFF nokey a', 'SDIFF a a'],
  ['SADD a 1 2 3', 'SET str x', 'SINTER a str', 'SINTER nokey str', 'SUNION a str', 'SDIFF a str', 'SINTERCARD 2 a str', 'SINTERSTORE d a str'],
  ['SADD a x y z', 'SADD b y z w', '~SINTER a b', '~SUNION a b', '~SDIFF a b', 'SINTERSTORE d a b', '~SMEMBERS d', 'SUNIONSTORE e a b', 'SCARD e', 'SDIFFSTORE f a b', 'SMEMBERS f', 'OBJECT ENCODING f'],
  ['SADD a 1 2', 'SADD b 3', 'SINTERSTORE d a b', 'EXISTS d', 'SET d v', 'SINTERSTORE d a b', 'EXISTS d', 'SET d v', 'SUNIONSTORE d a b', 'TYPE d', 'SMEMBERS d', 'OBJECT ENCODING d', 'SDIFFSTORE d nokey', 'EXISTS d'],
  ['SADD a 1 x', 'SADD b 1 2', 'SINTERSTORE d a b', 'OBJECT ENCODING d', 'SMEMBERS d', 'SINTERSTORE a a b', 'SMEMBERS a'],
  ['SADD a 1 2 3 4', 'SADD b 2 3 4 5', 'SINTERCARD 2 a b', 'SINTERCARD 2 a b LIMIT 2', 'SINTERCARD 2 a b LIMIT 0', 'SINTERCARD 1 a', 'SINTERCARD 2 a nokey', 'SINTERCARD 0 a', 'SINTERCARD abc a', 'SINTERCARD 3 a b', 'SINTERCARD 2 a b LIMIT -1', 'SINTERCARD 2 a b LIMIT', 'SINTERCARD 2 a b FOO 1'],
  ['SINTER', 'SUNION', 'SDIFF', 'SINTERSTORE d', 'SUNIONSTORE d', 'SDIFFSTORE d', 'SINTERCARD 1'],
  // SSCAN
  ['SADD s 3 1 2', 'SSCAN s 0', 'SSCAN s 0 MATCH 1*', 'SSCAN s 0 COUNT 1', 'SSCAN nokey 0', 'SSCAN s abc', 'SSCAN s 0 TYPE set', 'SSCAN s 0 COUNT 0'],
  ['SADD s a b c', '~SSCAN s 0 COUNT 100', '~SSCAN s 0 MATCH a COUNT 100'],
  ['COMMAND GETKEYS sintercard 2 a b LIMIT 1', 'COMMAND GETKEYS sinterstore d a b', 'COMMAND GETKEYS smove a b m', 'COMMAND GETKEYSANDFLAGS sunionstore d a b'],
  ['SADD s 1 2', 'COPY s s2', 'SADD s2 3', 'SMEMBERS s', 'SMEMBERS s2', '~SCAN 0 TYPE set COUNT 100'],
];

differential('set commands match Redis', scripts);
