import { differential, type Script } from '../helpers/differential.js';

const scripts: Script[] = [
  ['ZADD z 1 a 2 b 3 c', 'ZRANGE z 0 -1', 'ZRANGE z 0 -1 WITHSCORES', 'ZCARD z', 'ZSCORE z b', 'ZSCORE z x', 'ZSCORE nokey a', 'ZMSCORE z a x c', 'ZMSCORE nokey a', 'OBJECT ENCODING z', 'TYPE z'],
  ['ZADD z 1.1 a 0.1 b -inf c +inf d 1e20 e -0 f 3.0e-5 g', 'ZRANGE z 0 -1 WITHSCORES', 'ZSCORE z a', 'ZSCORE z c', 'HELLO 3', 'ZRANGE z 0 -1 WITHSCORES', 'ZSCORE z a', 'ZMSCORE z a c d zz', 'ZSCORE z zz'],
  ['ZADD z 1 b 1 a 1 c 0 d', 'ZRANGE z 0 -1', 'ZADD z 1 a', 'ZADD z 2 a', 'ZRANGE z 0 -1 WITHSCORES'],
  // ZADD options
  ['ZADD z NX 1 a', 'ZADD z NX 2 a 3 b', 'ZRANGE z 0 -1 WITHSCORES', 'ZADD z XX 5 a 6 c', 'ZRANGE z 0 -1 WITHSCORES', 'ZADD z CH 5 a 7 b 8 d', 'ZADD z XX CH 9 a 9 b'],
  ['ZADD z 5 a', 'ZADD z GT 3 a', 'ZADD z GT 7 a', 'ZSCORE z a', 'ZADD z LT 9 a', 'ZADD z LT 2 a', 'ZSCORE z a', 'ZADD z GT CH 1 a 10 b', 'ZADD z XX GT CH 20 a 1 zz', 'ZRANGE z 0 -1 WITHSCORES'],
  ['ZADD z NX XX 1 a', 'ZADD z GT LT 1 a', 'ZADD z NX GT 1 a', 'ZADD z NX LT 1 a', 'ZADD z INCR 1 a 2 b', 'ZADD z 1', 'ZADD z 1 a 2', 'ZADD z', 'ZADD z abc a', 'ZADD z nan a', 'ZADD z 1 a FOO 2', 'EXISTS z'],
  ['ZADD z INCR 5 a', 'ZADD z INCR 2.5 a', 'ZADD z NX INCR 1 a', 'ZADD z XX INCR 1 b', 'ZADD z GT INCR -1 a', 'ZADD z LT INCR -1 a', 'ZADD z INCR +inf a', 'ZADD z INCR -inf a', 'ZRANGE z 0 -1 WITHSCORES', 'EXISTS z2', 'ZADD z2 XX INCR 1 a', 'EXISTS z2'],
  ['ZINCRBY z 2 a', 'ZINCRBY z 1.5 a', 'ZINCRBY z -10 b', 'ZRANGE z 0 -1 WITHSCORES', 'ZINCRBY z abc a', 'ZADD z inf c', 'ZINCRBY z -inf c', 'ZINCRBY z 1', 'HELLO 3', 'ZINCRBY z 1 a'],
  ['ZADD z 1 a 2 b 3 c', 'ZREM z a x', 'ZREM z b c', 'EXISTS z', 'ZREM z a', 'ZREM nokey a', 'ZREM z'],
  // Ranks
  ['ZADD z 1 a 2 b 3 c', 'ZRANK z a', 'ZRANK z c', 'ZREVRANK z a', 'ZRANK z x', 'ZRANK nokey a', 'ZREVRANK z c'],
  // ZRANGE by rank
  ['ZADD z 1 a 2 b 3 c 4 d 5 e', 'ZRANGE z 1 3', 'ZRANGE z -2 -1', 'ZRANGE z 3 1', 'ZRANGE z -100 100', 'ZRANGE z 5 10', 'ZRANGE z 0 0 REV', 'ZRANGE z 0 1 REV WITHSCORES', 'ZREVRANGE z 0 1', 'ZREVRANGE z 0 -1 WITHSCORES', 'ZRANGE z a 1', 'ZRANGE nokey 0 -1', 'ZRANGE z 0 1 LIMIT 0 1', 'ZREVRANGE z 0 1 REV', 'ZREVRANGE z 0 1 BYSCORE'],
  // ZRANGE by score
  ['ZADD z 1 a 2 b 3 c 4 d 5 e', 'ZRANGEBYSCORE z 2 4', 'ZRANGEBYSCORE z (2 4', 'ZRANGEBYSCORE z 2 (4', 'ZRANGEBYSCORE z -inf +inf', 'ZRANGEBYSCORE z (1 (2', 'ZRANGEBYSCORE z 4 2', 'ZREVRANGEBYSCORE z 4 2', 'ZREVRANGEBYSCORE z (4 2 WITHSCORES', 'ZRANGE z 2 4 BYSCORE', 'ZRANGE z 4 2 BYSCORE REV', 'ZRANGE z -inf inf BYSCORE LIMIT 1 2', 'ZRANGE z +inf -inf BYSCORE REV LIMIT 1 2 WITHSCORES'],
  ['ZADD z 1 a 2 b 3 c', 'ZRANGEBYSCORE z -inf +inf LIMIT 0 -1', 'ZRANGEBYSCORE z -inf +inf LIMIT 0 0', 'ZRANGEBYSCORE z -inf +inf LIMIT -1 2', 'ZRANGEBYSCORE z -inf +inf LIMIT 5 2', 'ZRANGEBYSCORE z -inf +inf LIMIT 2 5', 'ZRANGEBYSCORE z abc 1', 'ZRANGEBYSCORE z 1 (abc', 'ZRANGEBYSCORE z nan 1', 'ZRANGEBYSCORE z "" 2', 'ZRANGEBYSCORE z " 1" 2', 'ZRANGEBYSCORE z "1 " 2', 'ZRANGEBYSCORE z ( 2', 'ZRANGEBYSCORE z 1 2 LIMIT 1', 'ZRANGEBYSCORE z 1 2 LIMIT a 1', 'ZRANGEBYSCORE z 1 2 FOO'],
  // ZRANGE by lex
  ['ZADD z 0 a 0 b 0 c 0 d 0 e 0 ab', 'ZRANGEBYLEX z - +', 'ZRANGEBYLEX z [b [d', 'ZRANGEBYLEX z (b (d', 'ZRANGEBYLEX z [a (b', 'ZRANGEBYLEX z + -', 'ZRANGEBYLEX z - -', 'ZRANGEBYLEX z + +', 'ZREVRANGEBYLEX z + -', 'ZREVRANGEBYLEX z [d [b', 'ZRANGEBYLEX z - + LIMIT 1 2', 'ZRANGE z [b [d BYLEX', 'ZRANGE z [d [b BYLEX REV LIMIT 0 2', 'ZRANGEBYLEX z a c', 'ZRANGEBYLEX z [a c', 'ZRANGEBYLEX z -a +', 'ZRANGE z - + BYLEX WITHSCORES', 'ZRANGEBYLEX z [ [zz'],
  ['ZADD z 1 a 2 b 3 c', 'ZCOUNT z 1 2', 'ZCOUNT z (1 2', 'ZCOUNT z -inf +inf', 'ZCOUNT z 5 10', 'ZCOUNT nokey 0 1', 'ZCOUNT z a 1', 'ZADD l 0 a 0 b 0 c', 'ZLEXCOUNT l - +', 'ZLEXCOUNT l [b +', 'ZLEXCOUNT l (c +', 'ZLEXCOUNT l + -', 'ZLEXCOUNT nokey - +', 'ZLEXCOUNT l a b'],
  // ZRANGESTORE
  ['ZADD src 1 a 2 b 3 c', 'ZRANGESTORE dst src 0 1', 'ZRANGE dst 0 -1 WITHSCORES', 'ZRANGESTORE dst src 2 3 BYSCORE', 'ZRANGE dst 0 -1 WITHSCORES', 'ZRANGESTORE dst src [a [b BYLEX', 'ZRANGESTORE dst src 5 10', 'EXISTS dst', 'ZRANGESTORE dst nokey 0 -1', 'ZRANGESTORE dst src 0 -1 WITHSCORES', 'ZRANGESTORE dst src 0 -1 REV', 'ZRANGE dst 0 -1', 'OBJECT ENCODING dst'],
  // ZREMRANGEBY*
  ['ZADD z 1 a 2 b 3 c 4 d 5 e', 'ZREMRANGEBYRANK z 0 1', 'ZRANGE z 0 -1', 'ZREMRANGEBYSCORE z (3 4', 'ZRANGE z 0 -1', 'ZREMRANGEBYLEX z [a [z', 'ZRANGE z 0 -1', 'ZREMRANGEBYRANK z 0 -1', 'EXISTS z', 'ZREMRANGEBYRANK nokey 0 1', 'ZREMRANGEBYSCORE z a b', 'ZREMRANGEBYLEX z a b', 'ZREMRANGEBYRANK z a 1'],
  // ZPOPMIN / ZPOPMAX
  ['ZADD z 1 a 2 b 3 c', 'ZPOPMIN z', 'ZPOPMAX z', 'ZPOPMIN z 5', 'EXISTS z', 'ZPOPMIN nokey', 'ZPOPMIN z 0', 'ZPOPMIN z -1', 'ZPOPMIN z abc', 'ZPOPMIN z 1 2'],
  ['HELLO 3', 'ZADD z 1 a 2 b 3 c', 'ZPOPMIN z', 'ZPOPMAX z 2', 'ZPOPMIN nokey 2', 'ZADD z 1 a', 'ZPOPMAX z 0'],
  // ZSCAN
  ['ZADD z 1 a 2 b 3 c', 'ZSCAN z 0', 'ZSCAN z 0 MATCH a*', 'ZSCAN nokey 0', 'ZSCAN z abc', 'ZSCAN z 0 TYPE zset', 'HELLO 3', 'ZSCAN z 0'],
  // Encodings
  ['ZADD z 1 a', 'OBJECT ENCODING z', ['ZADD', 'z', '2', 'x'.repeat(65)], 'OBJECT ENCODING z', 'CONFIG SET zset-max-listpack-entries 2', 'ZADD y 1 a 2 b', 'OBJECT ENCODING y', 'ZADD y 3 c', 'OBJECT ENCODING y', 'ZADD w 1 a 2 b 3 c', 'OBJECT ENCODING w', 'CONFIG SET zset-max-listpack-entries 128', '%CONFIG GET zset-max-*'],
  // Wrong types
  ['SET s v', 'ZADD s 1 a', 'ZSCORE s a', 'ZRANGE s 0 1', 'ZCARD s', 'ZREM s a', 'ZINCRBY s 1 a', 'ZRANK s a', 'ZCOUNT s 0 1', 'ZPOPMIN s', 'ZRANGESTORE d s 0 1', 'ZREMRANGEBYRANK s 0 1', 'ZSCAN s 0', 'ZADD z 1 a', 'GET z', 'LPUSH z x', 'ZRANGESTORE s z 0 -1', 'TYPE s'],
  ['COMMAND GETKEYS zrangestore d s 0 1', 'ZADD z 1 a 2 b', 'COPY z z2', 'ZADD z2 3 c', 'ZRANGE z 0 -1', 'ZRANGE z2 0 -1', 'RENAME z z3', 'ZRANGE z3 0 -1 WITHSCORES', '~SCAN 0 TYPE zset COUNT 100'],
];

scripts.push(
  ['ZADD a 1 x 2 y 3 z', 'ZADD b 10 y 20 z 30 w', 'ZUNION 2 a b', 'ZUNION 2 a b WITHSCORES', 'ZINTER 2 a b WITHSCORES', 'ZDIFF 2 a b WITHSCORES', 'ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES', 'ZUNION 2 a b AGGREGATE MIN WITHSCORES', 'ZINTER 2 a b AGGREGATE MAX WITHSCORES', 'ZINTERCARD 2 a b', 'ZINTERCARD 2 a b LIMIT 1', 'ZINTERCARD 1 nokey'],
  ['ZADD a 1 x 2 y', 'SADD s y q', 'ZUNION 2 a s WITHSCORES', 'ZINTER 2 a s WITHSCORES', 'ZDIFF 2 s a', 'ZUNIONSTORE d 2 a s', 'ZRANGE d 0 -1 WITHSCORES', 'ZINTERSTORE d 2 a s WEIGHTS 3 5', 'ZRANGE d 0 -1 WITHSCORES', 'ZDIFFSTORE d 2 a s', 'ZRANGE d 0 -1 WITHSCORES', 'ZINTERSTORE d 2 a nokey', 'EXISTS d', 'OBJECT ENCODING a'],
  ['ZADD a inf x -inf y', 'ZADD b -inf x inf y', 'ZUNION 2 a b WITHSCORES', 'ZINTER 2 a b WITHSCORES', 'ZUNION 2 a b WEIGHTS 0 1 WITHSCORES', 'ZUNION 1 a WEIGHTS 0 WITHSCORES', 'HELLO 3', 'ZUNION 2 a b WITHSCORES', 'ZINTER 2 a nokey WITHSCORES'],
  ['ZUNION 0 a', 'ZUNIONSTORE d 0 a', 'ZINTERCARD 0 a', 'ZUNION abc a', 'ZUNION 3 a b', 'ZUNION 1 a WEIGHTS', 'ZUNION 1 a WEIGHTS x', 'ZUNION 2 a b WEIGHTS 1', 'ZUNION 1 a AGGREGATE avg', 'ZUNION 1 a AGGREGATE', 'ZDIFF 1 a WEIGHTS 1', 'ZDIFF 1 a AGGREGATE SUM', 'ZUNIONSTORE d 1 a WITHSCORES', 'ZINTERCARD 1 a WITHSCORES', 'ZINTERCARD 1 a LIMIT -1', 'ZUNION 1 a LIMIT 1', 'SET str v', 'ZUNION 2 a str', 'LPUSH l x', 'ZINTER 2 l a'],
  ['ZADD a 1 x', 'ZUNIONSTORE a 2 a a', 'ZRANGE a 0 -1 WITHSCORES', 'ZINTERSTORE a 2 a a AGGREGATE MIN', 'ZRANGE a 0 -1 WITHSCORES', 'ZDIFFSTORE a 2 a a', 'EXISTS a'],
  // ZRANDMEMBER (deterministic cases)
  ['ZADD z 1 a 2 b 3 c', 'ZRANDMEMBER z 3', 'ZRANDMEMBER z 10 WITHSCORES', 'ZRANDMEMBER z 0', 'ZRANDMEMBER nokey', 'ZRANDMEMBER nokey 3', 'ZRANDMEMBER z abc', 'ZRANDMEMBER z 1 FOO', 'ZRANDMEMBER z 9223372036854775807 WITHSCORES', 'HELLO 3', 'ZRANDMEMBER z 10 WITHSCORES', 'ZADD o 5 only', 'ZRANDMEMBER o -2 WITHSCORES', 'ZRANDMEMBER o'],
  // ZMPOP / BZPOP* / BZMPOP when data is there, and their errors
  ['ZADD a 1 x 2 y 3 z', 'ZMPOP 1 a MIN', 'ZMPOP 2 nokey a MAX COUNT 5', 'EXISTS a', 'ZMPOP 1 a MIN', 'ZMPOP 0 a MIN', 'ZMPOP 1 a UP', 'ZMPOP 1 a MIN COUNT 0', 'ZMPOP 2 a MIN', 'HELLO 3', 'ZADD a 1 x', 'ZMPOP 1 a MIN', 'ZMPOP 1 a MAX'],
  ['ZADD a 1 x 2 y', 'BZPOPMIN a 0', 'BZPOPMAX nokey a 0', 'BZPOPMIN a 0.01', 'BZPOPMAX a abc', 'BZPOPMIN a -1', 'ZADD b 1 x 2 y 3 z', 'BZMPOP 0 1 b MAX COUNT 2', 'BZMPOP 0.01 1 nokey MIN', 'BZMPOP 0 0 b MIN', 'SET s v', 'BZPOPMIN s 0', 'HELLO 3', 'BZPOPMIN b 0', 'BZPOPMIN b 0.01'],
  ['COMMAND GETKEYS zunionstore d 2 a b WEIGHTS 1 2', 'COMMAND GETKEYS zinter 2 a b', 'COMMAND GETKEYSANDFLAGS zdiffstore d 2 a b', 'COMMAND GETKEYS bzmpop 0 2 a b MIN'],
);

// A larger set, past the listpack limit, to exercise the skiplist's ranks and spans.
const members = Array.from({ length: 300 }, (_, i) => [String((i * 37) % 101), `m${i}`]).flat();
scripts.push([
  ['ZADD', 'big', ...members],
  'ZCARD big',
  'OBJECT ENCODING big',
  'ZRANGE big 0 9 WITHSCORES',
  'ZRANGE big 140 160',
  'ZRANGE big -5 -1 WITHSCORES',
  'ZRANK big m17',
  'ZREVRANK big m250',
  'ZCOUNT big 10 50',
  'ZRANGEBYSCORE big (50 60 LIMIT 3 5',
  'ZREVRANGEBYSCORE big 80 (70 WITHSCORES',
  'ZREMRANGEBYSCORE big 20 30',
  'ZCARD big',
  'ZRANGE big 100 110 WITHSCORES',
  'ZPOPMIN big 3',
  'ZPOPMAX big 3',
  'ZREMRANGEBYRANK big 10 200',
  'ZRANGE big 0 -1 WITHSCORES',
]);

differential('sorted set commands match Redis', scripts);
