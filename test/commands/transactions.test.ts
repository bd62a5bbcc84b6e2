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
  ['COMMAND INFO multi exec discard'],
];

differential('transactions match Redis', scripts);
