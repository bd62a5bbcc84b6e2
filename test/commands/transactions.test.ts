import { differential, type Script } from '../helpers/differential.js';

const scripts: Script[] = [
  ['MULTI', 'SET a 1', 'INCR a', 'GET a', 'EXEC', 'GET a'],
  ['MULTI', 'MULTI', 'SET a 1', 'EXEC', 'GET a'],
  ['MULTI', 'SET a 1', 'NOSUCH', 'GET', 'EXEC', 'GET a', 'EXEC', 'DISCARD'],
  ['MULTI', 'SET a x', 'INCR a', 'LPUSH a y', 'GET a', 'EXEC'],
  ['MULTI', 'SET a 1', 'DISCARD', 'GET a', 'EXEC', 'DISCARD'],
  ['MULTI', 'EXEC', 'MULTI', 'PING', 'ECHO x', 'SELECT 3', 'SET b 1', 'EXEC', 'GET b', 'SELECT 3', 'GET b'],
  ['MULTI', 'BLPOP empty 0', 'BRPOPLPUSH empty other 0', 'BZPOPMIN z 0', 'BLMPOP 0 1 empty LEFT', 'RPUSH l a', 'BLPOP l 0', 'EXEC'],
  ['MULTI', 'SHUTDOWN', 'SET a 1', 'EXEC', 'GET a'],
  ['MULTI', 'SET a 1', 'RESET', 'EXEC', 'GET a'],
  ['HELLO 3', 'MULTI', 'SET a 1', 'GET a', 'HGETALL nokey', 'ZSCORE z m', 'EXEC'],
  ['MULTI', 'SUBSCRIBE ch', 'PUBLISH ch m', 'EXEC'],
  ['MULTI x', 'EXEC x', 'DISCARD x', 'MULTI', 'EXEC x', 'EXEC'],
  ['COMMAND INFO multi exec discard watch unwatch'],
  // WATCH on one connection: its own writes count too.
  ['WATCH a', 'SET a 1', 'MULTI', 'GET a', 'EXEC', 'GET a'],
  ['WATCH a', 'MULTI', 'SET a 2', 'EXEC', 'GET a', 'WATCH a', 'UNWATCH', 'SET a 3', 'MULTI', 'GET a', 'EXEC'],
  ['SET a 1', 'WATCH a', 'SET a 1 NX', 'SADD s x', 'MULTI', 'PING', 'EXEC'],
  ['WATCH a', 'MULTI', 'WATCH b', 'EXEC', 'WATCH', 'UNWATCH x'],
  ['SET a 1 PX 100', 'WATCH a', '#sleep 150', 'MULTI', 'PING', 'EXEC'],
  ['SET a 1', 'WATCH a', 'FLUSHDB', 'MULTI', 'PING', 'EXEC', 'WATCH nokey', 'FLUSHALL', 'MULTI', 'PING', 'EXEC'],
  ['SET a 1', 'SELECT 1', 'SET a 2', 'SELECT 0', 'WATCH a', 'SWAPDB 0 1', 'MULTI', 'PING', 'EXEC', 'WATCH zz', 'SWAPDB 0 1', 'MULTI', 'PING', 'EXEC'],
  ['WATCH a', 'MULTI', 'PING', 'DISCARD', 'SET a 1', 'MULTI', 'PING', 'EXEC', 'WATCH a', 'RESET', 'SET a 2', 'MULTI', 'PING', 'EXEC'],
  ['SET a 1', 'WATCH a', 'EXPIRE a 100', 'MULTI', 'PING', 'EXEC', 'WATCH a', 'PERSIST a', 'PERSIST a', 'MULTI', 'PING', 'EXEC', 'WATCH a', 'RENAME a b', 'MULTI', 'PING', 'EXEC'],
];

differential('transactions match Redis', scripts);
