import { differential, type Script } from '../helpers/differential.js';

const scripts: Script[] = [
  ['RPUSH l 3 1 2 10', 'SORT l', 'SORT l DESC', 'SORT l ALPHA', 'SORT l ALPHA DESC', 'SORT l LIMIT 1 2', 'SORT l LIMIT -5 2', 'SORT l LIMIT 10 2', 'SORT l LIMIT 1 -1', 'SORT l LIMIT 0 0', 'SORT nokey', 'SORT_RO l DESC'],
  ['RPUSH l a b c', 'SORT l', 'SORT l ALPHA', 'RPUSH m 1 2 x', 'SORT m', 'RPUSH n 1.5 1e2 -inf " 3" 2', 'SORT n', 'RPUSH e 1 ""', 'SORT e', 'RPUSH big 1e400', 'SORT big', 'RPUSH tiny 1e-400', 'SORT tiny'],
  ['SADD s 5 3 9 1', 'SORT s', 'SORT s DESC', 'SADD t b a c', 'SORT t ALPHA', 'SORT t BY nosort STORE d', 'LRANGE d 0 -1', 'SORT s BY nosort'],
  ['ZADD z 3 a 1 b 2 c', 'SORT z ALPHA', 'SORT z BY nosort', 'SORT z BY nosort DESC', 'SORT z BY nosort LIMIT 1 1', 'SORT z BY nosort DESC LIMIT 0 2'],
  // BY and GET patterns
  ['RPUSH l 1 2 3', 'MSET w_1 30 w_2 10 w_3 20', 'MSET o_1 one o_2 two o_3 three', 'SORT l BY w_*', 'SORT l BY w_* DESC', 'SORT l BY w_* GET o_*', 'SORT l BY w_* GET # GET o_*', 'SORT l GET o_* GET nope_* GET #', 'SORT l BY nosort GET o_*', 'SORT l BY nosort DESC'],
  ['RPUSH l 1 2 3', 'HSET h_1 f 30 n one', 'HSET h_2 f 10 n two', 'HSET h_3 f 20', 'SORT l BY h_*->f GET h_*->n', 'SORT l BY h_*->f DESC GET # GET h_*->n', 'SORT l BY h_*->nofield', 'SORT l GET h_*->', 'SORT l BY w_* ALPHA', 'MSET w_1 b w_2 a', 'SORT l BY w_* ALPHA', 'SORT l BY w_*'],
  ['RPUSH l b a c', 'SET x_a 2', 'SET x_b 1', 'SORT l BY x_* ALPHA', 'SORT l BY x_*', 'HSET notstr 1 1', 'SORT l BY notstr', 'SORT l GET notstr'],
  // STORE
  ['RPUSH l 3 1 2', 'SORT l STORE dst', 'LRANGE dst 0 -1', 'TYPE dst', 'SORT l GET # GET nope_* STORE dst', 'LRANGE dst 0 -1', 'SORT nokey STORE dst', 'EXISTS dst', 'SORT_RO l STORE dst', 'SET dst x', 'SORT l STORE dst', 'TYPE dst'],
  // Errors
  ['SET s v', 'SORT s', 'HSET h a 1', 'SORT h', 'RPUSH l 1', 'SORT l FOO', 'SORT l LIMIT 1', 'SORT l LIMIT a 1', 'SORT l BY', 'SORT l GET', 'SORT l STORE', 'SORT', 'SORT_RO', 'COMMAND GETKEYS sort l'],
];

differential('SORT matches Redis', scripts);
