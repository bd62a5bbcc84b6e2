import { differential, type Script } from '../helpers/differential.js';

const scripts: Script[] = [
  ['LPUSH l a b c', 'RPUSH l d e', 'LRANGE l 0 -1', 'LLEN l', 'LLEN nokey', 'OBJECT ENCODING l', 'TYPE l'],
  ['LPUSHX l a', 'RPUSHX l a', 'EXISTS l', 'RPUSH l x', 'LPUSHX l a b', 'RPUSHX l y z', 'LRANGE l 0 -1', 'LPUSH l', 'RPUSHX l'],
  ['RPUSH l a b c d e', 'LRANGE l 1 3', 'LRANGE l -2 -1', 'LRANGE l -100 100', 'LRANGE l 3 1', 'LRANGE l 5 10', 'LRANGE l -1 -3', 'LRANGE l 0 0', 'LRANGE nokey 0 -1', 'LRANGE l a 1', 'LRANGE l 0 b', 'LRANGE l 0 9223372036854775807'],
  ['RPUSH l a b c', 'LINDEX l 0', 'LINDEX l -1', 'LINDEX l 3', 'LINDEX l -4', 'LINDEX nokey 0', 'LINDEX l abc', 'LINDEX nokey abc'],
  ['RPUSH l a b c', 'LSET l 1 B', 'LSET l -1 C', 'LRANGE l 0 -1', 'LSET l 3 x', 'LSET l -4 x', 'LSET nokey 0 x', 'LSET l abc x', 'LSET nokey abc x'],
  // POP with and without count
  ['RPUSH l a b c d e', 'LPOP l', 'RPOP l', 'LPOP l 2', 'RPOP l 5', 'EXISTS l', 'LPOP l', 'LPOP l 2', 'RPOP nokey', 'RPOP nokey 0'],
  ['RPUSH l a b', 'LPOP l 0', 'LPOP l -1', 'LPOP l abc', 'LPOP l 1 2', 'RPOP l 1 2', 'LRANGE l 0 -1', 'HELLO 3', 'LPOP nokey 2', 'LPOP nokey', 'LPOP l 0'],
  // LINSERT / LREM / LTRIM
  ['RPUSH l a b c', 'LINSERT l BEFORE b x', 'LINSERT l AFTER c y', 'LINSERT l after a z', 'LRANGE l 0 -1', 'LINSERT l BEFORE nope q', 'LINSERT nokey BEFORE a b', 'LINSERT l MIDDLE a b', 'LINSERT nokey MIDDLE a b'],
  ['RPUSH l a b a c a d a', 'LREM l 2 a', 'LRANGE l 0 -1', 'LREM l -1 a', 'LRANGE l 0 -1', 'LREM l 0 a', 'LRANGE l 0 -1', 'LREM l 0 zz', 'LREM nokey 0 a', 'LREM l abc a'],
  ['RPUSH l a a', 'LREM l 0 a', 'EXISTS l', 'RPUSH l a b c d e f', 'LTRIM l 1 -2', 'LRANGE l 0 -1', 'LTRIM l -2 100', 'LRANGE l 0 -1', 'LTRIM l 5 10', 'EXISTS l', 'LTRIM nokey 0 1', 'LTRIM l a 1'],
  ['RPUSH l a b c', 'LTRIM l 2 1', 'EXISTS l', 'RPUSH l a b c', 'LTRIM l -100 -50', 'EXISTS l', 'RPUSH l a b c', 'LTRIM l 0 0', 'LRANGE l 0 -1'],
  // LPOS
  ['RPUSH l a b c 1 2 3 c c', 'LPOS l c', 'LPOS l c RANK 2', 'LPOS l c RANK -1', 'LPOS l c COUNT 2', 'LPOS l c COUNT 0', 'LPOS l c RANK -1 COUNT 2', 'LPOS l c COUNT 0 MAXLEN 7', 'LPOS l zz', 'LPOS l zz COUNT 2', 'LPOS nokey a', 'LPOS nokey a COUNT 1'],
  ['RPUSH l a b c', 'LPOS l a RANK 0', 'LPOS l a RANK abc', 'LPOS l a COUNT -1', 'LPOS l a MAXLEN -1', 'LPOS l a COUNT abc', 'LPOS l a FOO 1', 'LPOS l a RANK', 'LPOS l a RANK -9223372036854775808', 'LPOS l c RANK 2', 'LPOS l a MAXLEN 1', 'LPOS l c MAXLEN 2'],
  // LMOVE / RPOPLPUSH / LMPOP
  ['RPUSH a 1 2 3', 'LMOVE a b LEFT RIGHT', 'LMOVE a b RIGHT LEFT', 'LRANGE a 0 -1', 'LRANGE b 0 -1', 'RPOPLPUSH a b', 'EXISTS a', 'LRANGE b 0 -1', 'RPOPLPUSH a b', 'LMOVE nokey b LEFT LEFT'],
  ['RPUSH a 1 2 3', 'LMOVE a a LEFT RIGHT', 'LRANGE a 0 -1', 'RPOPLPUSH a a', 'LRANGE a 0 -1', 'LMOVE a b UP LEFT', 'LMOVE a b LEFT DOWN', 'SET s v', 'LMOVE a s LEFT LEFT', 'LRANGE a 0 -1', 'LMOVE s a LEFT LEFT', 'RPOPLPUSH s a'],
  ['RPUSH x only', 'LMOVE x x RIGHT LEFT', 'LRANGE x 0 -1'],
  ['RPUSH a 1 2 3', 'RPUSH b 4', 'LMPOP 2 nokey a LEFT', 'LMPOP 2 a b RIGHT COUNT 5', 'LMPOP 2 a b LEFT COUNT 10', 'LMPOP 1 b LEFT', 'LMPOP 2 a b LEFT', 'HELLO 3', 'LMPOP 1 nokey LEFT'],
  ['RPUSH a 1', 'LMPOP 0 a LEFT', 'LMPOP abc a LEFT', 'LMPOP 2 a LEFT', 'LMPOP 1 a UP', 'LMPOP 1 a LEFT COUNT 0', 'LMPOP 1 a LEFT COUNT -1', 'LMPOP 1 a LEFT COUNT 1 COUNT 1', 'LMPOP 1 a LEFT FOO', 'LMPOP 1 a LEFT COUNT', 'SET s v', 'LMPOP 2 s a LEFT', 'LMPOP 2 nokey s LEFT'],
  // Wrong types, arity
  ['SET s v', 'LPUSH s a', 'RPUSH s a', 'LPUSHX s a', 'LPOP s', 'RPOP s 1', 'LLEN s', 'LRANGE s 0 1', 'LINDEX s 0', 'LSET s 0 a', 'LINSERT s BEFORE a b', 'LREM s 0 a', 'LTRIM s 0 1', 'LPOS s a'],
  ['RPUSH l a', 'GET l', 'SADD l x', 'HSET l a 1', 'TYPE l', 'LLEN', 'LPOP', 'LRANGE l 0', 'LINDEX l', 'LSET l 0', 'LINSERT l BEFORE a', 'LREM l 0', 'LTRIM l 0', 'LPOS l', 'LMOVE a b LEFT', 'RPOPLPUSH a', 'LMPOP 1'],
  ['COMMAND GETKEYS lmpop 2 a b LEFT', 'COMMAND GETKEYSANDFLAGS lmove a b LEFT RIGHT', 'RPUSH l a b', 'COPY l l2', 'RPUSH l2 c', 'LRANGE l 0 -1', 'LRANGE l2 0 -1'],
];

// Blocking commands when data is there, their errors, and short timeouts.
scripts.push(
  ['RPUSH l a b c', 'BLPOP l 0', 'BRPOP l 0', 'BLPOP nokey l 0', 'EXISTS l', 'BLPOP nokey 0.05', 'BRPOP nokey1 nokey2 0.02', 'HELLO 3', 'BLPOP nokey 0.01'],
  ['BLPOP l abc', 'BLPOP l -1', 'BLPOP l', 'BRPOP l ""', 'BLPOP l inf', 'BLPOP l -inf', 'BLPOP l 9223372036854775807', 'BLPOP l 1e300', 'SET s v', 'BLPOP s 0', 'BLPOP nokey s 0'],
  ['RPUSH a 1 2', 'BLMOVE a b LEFT RIGHT 0', 'BRPOPLPUSH a b 0', 'LRANGE b 0 -1', 'EXISTS a', 'BLMOVE a b LEFT RIGHT 0.02', 'BRPOPLPUSH a b 0.02', 'BLMOVE a b UP LEFT 0', 'BLMOVE a b LEFT RIGHT abc', 'SET s v', 'BLMOVE s b LEFT LEFT 0'],
  ['RPUSH a 1 2 3', 'BLMPOP 0 2 nokey a LEFT COUNT 2', 'BLMPOP 0.02 1 nokey RIGHT', 'BLMPOP 0 0 a LEFT', 'BLMPOP abc 1 a LEFT', 'BLMPOP -1 1 a LEFT', 'BLMPOP 0 1 a UP', 'BLMPOP 0 1 a LEFT COUNT 0'],
  ['COMMAND GETKEYS blpop a b 0', 'COMMAND GETKEYS blmpop 0 2 a b LEFT', 'COMMAND GETKEYS blmove a b LEFT LEFT 0', 'CLIENT UNBLOCK 999999', 'CLIENT UNBLOCK abc', 'CLIENT UNBLOCK 1 foo', 'CLIENT UNBLOCK 1 timeout x'],
);

// Growth past the ring buffer's initial capacity, and indexes across the wrap-around.
const many = Array.from({ length: 300 }, (_, i) => `e${i}`);
scripts.push(['RPUSH big ' + many.slice(0, 150).join(' '), 'LPUSH big ' + many.slice(150).join(' '), 'LLEN big', 'LINDEX big 0', 'LINDEX big 149', 'LINDEX big 150', 'LINDEX big -1', 'LRANGE big 140 160', 'LPOP big 100', 'RPOP big 100', 'LRANGE big 0 -1', 'LPOS big e10', 'LTRIM big 10 20', 'LRANGE big 0 -1']);

differential('list commands match Redis', scripts);
