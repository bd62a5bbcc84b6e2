import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inProcess } from '../helpers/engine.js';


const setup = () => inProcess();

describe('Engine', () => {
  it('answers an error instead of crashing when a command throws, and keeps serving', () => {
    const { engine, run } = setup();
    const echo = engine.commands.get('echo')!;
    const original = echo.handler;
    echo.handler = (s) => {
      s.reply.array(2); // partial output must not reach the client
      throw new Error('boom');
    };
    try {
      assert.equal(run('ECHO', 'x'), "-ERR internal error in 'echo': boom\r\n");
      assert.equal(run('SET', 'k', 'v'), '+OK\r\n');
      assert.equal(run('GET', 'k'), '$1\r\nv\r\n');
    } finally {
      echo.handler = original;
    }
  });

  it('counts calls, failures and rejections per command for INFO commandstats', () => {
    const { engine, run } = setup();
    run('SET', 'k', 'v');
    run('INCR', 'k');
    run('GET');
    const set = engine.commands.get('set')!.stats;
    const incr = engine.commands.get('incr')!.stats;
    const get = engine.commands.get('get')!.stats;
    assert.deepEqual([set.calls, set.failed, set.rejected], [1, 0, 0]);
    assert.deepEqual([incr.calls, incr.failed, incr.rejected], [1, 1, 0]);
    assert.deepEqual([get.calls, get.failed, get.rejected], [0, 0, 1]);
  });
});
