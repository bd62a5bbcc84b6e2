import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { differential, type Script } from '../helpers/differential.js';
import { startCairn, startRedis, type RunningServer } from '../helpers/servers.js';
import { RawClient, parseReply } from '../helpers/raw-client.js';

const scripts: Script[] = [
  ['COMMAND INFO save bgsave lastsave dump restore'],
  ['SAVE x', 'BGSAVE foo', 'BGSAVE schedule x', 'LASTSAVE x', 'DUMP', 'DUMP a b', 'RESTORE a 0', 'DUMP missing'],
  ['SET a 1', 'SAVE', 'DBSIZE', '?LASTSAVE', 'BGSAVE SCHEDULE', '#sleep 300', 'GET a'],
  ['CONFIG GET save', 'CONFIG SET save "100 2 50 3"', 'CONFIG GET save', 'CONFIG SET save "+10 1"', 'CONFIG GET save', 'CONFIG SET save ""', 'CONFIG GET save'],
  ['CONFIG SET save "0 1"', 'CONFIG SET save "10"', 'CONFIG SET save "10 -1"', 'CONFIG SET save "10 x"', 'CONFIG SET save "  10 1"', 'CONFIG GET save'],
  ['CONFIG GET dbfilename', 'CONFIG SET dbfilename other.rdb', '%CONFIG GET rdbc*', 'CONFIG GET rdb-save-incremental-fsync', 'CONFIG SET rdb-save-incremental-fsync no', 'CONFIG GET rdb-save-incremental-fsync', 'CONFIG GET stop-writes-on-bgsave-error', 'CONFIG SET rdbcompression no', 'CONFIG GET rdbcompression', 'CONFIG SET rdbchecksum maybe'],
  ['SET s hello', 'SET n 12', 'RPUSH l a b', 'DUMP s', 'DUMP n', '?DUMP l'],
  ['COMMAND INFO bgrewriteaof', 'BGREWRITEAOF x', '%CONFIG GET auto-aof*', 'CONFIG GET appendfsync', 'CONFIG SET appendfsync sometimes', 'CONFIG SET appendfsync always', 'CONFIG GET appendfsync'],
  ['CONFIG GET appendfilename', 'CONFIG GET appenddirname', 'CONFIG SET appendfilename x.aof', 'CONFIG SET appenddirname x', 'CONFIG GET aof-load-truncated', 'CONFIG SET auto-aof-rewrite-percentage -1', 'CONFIG SET auto-aof-rewrite-min-size 1mb', 'CONFIG GET auto-aof-rewrite-min-size', 'CONFIG GET appendonly'],
];

differential('persistence commands', scripts);

describe('rdb_changes_since_last_save counts writes as Redis does', () => {
  let redis: RunningServer;
  let cairn: RunningServer;
  before(async () => {
    [redis, cairn] = await Promise.all([startRedis(), startCairn()]);
  });
  after(async () => {
    await Promise.all([redis.stop(), cairn.stop()]);
  });

  it('after each command of a sequence', async () => {
    const r = await RawClient.connect(redis.port);
    const c = await RawClient.connect(cairn.port);
    const changes = async (client: RawClient) => /rdb_changes_since_last_save:(\d+)/.exec(parseReply(await client.call('INFO', 'persistence')) as string)![1];
    const steps = [
      ['SET', 'a', '1'], ['SET', 'b', '2'], ['FLUSHALL'], ['FLUSHALL'], ['MSET', 'x', '1', 'y', '2', 'z', '3'], ['DEL', 'x', 'nope'],
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LPOP', 'l', '2'], ['FLUSHDB'], ['SAVE'], ['SET', 'k', 'v'], ['EXPIRE', 'k', '100'], ['PERSIST', 'k'],
      ['INCR', 'n'], ['SADD', 's', 'a', 'b', 'a'], ['SELECT', '1'], ['SET', 'q', '1'], ['SWAPDB', '0', '1'], ['FLUSHALL'],
    ];
    for (const step of steps) {
      assert.equal(await c.call(...step), await r.call(...step), step.join(' '));
      assert.equal(await changes(c), await changes(r), `after ${step.join(' ')}`);
    }
    r.close();
    c.close();
  });
});
