/**
 * MULTI / EXEC / DISCARD. Commands are queued by the engine while a transaction is open
 * (Engine.lookup); EXEC runs them one after the other with nothing in between: blocked
 * clients are served only once EXEC returns (the engine serves after a whole command),
 * and blocking commands inside it answer at once as on timeout.
 */
import type { CommandDecl } from './types.js';

export const transactionCommands: CommandDecl[] = [
  {
    name: 'multi',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['fast', 'transaction'],
    group: 'transactions',
    summary: 'Starts a transaction.',
    since: '1.2.0',
    complexity: 'O(1)',
    handler: (s) => {
      if (s.multi !== null) return s.reply.error('ERR MULTI calls can not be nested');
      s.multi = [];
      s.multiDirty = false;
      s.reply.ok();
    },
  },
  {
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    acl: ['slow', 'transaction'],
    group: 'transactions',
    summary: 'Executes all commands in a transaction.',
    since: '1.2.0',
    complexity: 'Depends on commands in the transaction',
    handler: (s) => {
      const queue = s.multi;
      if (queue === null) return s.reply.error('ERR EXEC without MULTI');
      s.multi = null;
      if (s.multiDirty) {
        s.multiDirty = false;
        return s.reply.error('EXECABORT Transaction discarded because of previous errors.');
      }
      s.reply.array(queue.length);
      s.inExec = true;
      try {
        for (const argv of queue) s.engine.execute(s, argv);
      } finally {
        s.inExec = false;
      }
    },
  },
  {
    name: 'discard',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['fast', 'transaction'],
    group: 'transactions',
    summary: 'Discards a transaction.',
    since: '2.0.0',
    complexity: 'O(N), when N is the number of queued commands',
    handler: (s) => {
      if (s.multi === null) return s.reply.error('ERR DISCARD without MULTI');
      s.multi = null;
      s.multiDirty = false;
      s.reply.ok();
    },
  },
];
