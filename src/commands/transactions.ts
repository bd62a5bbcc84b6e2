/**
 * MULTI / EXEC / DISCARD. Commands are queued by the engine while a transaction is open
 * (Engine.lookup); EXEC runs them one after the other with nothing in between: blocked
 * clients are served only once EXEC returns (the engine serves after a whole command),
 * and blocking commands inside it answer at once as on timeout.
 */
import type { CommandDecl } from './types.js';

export const transactionCommands: CommandDecl[] = [
  {
    name: 'watch',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['fast', 'transaction'],
    keys: [1, -1, 1],
    keySpecs: [{ flags: ['RO'], index: 1, lastKey: -1, keyStep: 1 }],
    group: 'transactions',
    summary: 'Monitors changes to keys to determine the execution of a transaction.',
    since: '2.2.0',
    complexity: 'O(1) for every key.',
    handler: (s, argv) => {
      if (s.multi !== null) return s.reply.error('ERR WATCH inside MULTI is not allowed');
      for (let i = 1; i < argv.length; i++) s.engine.watches.watch(s, s.db, argv[i]!);
      s.reply.ok();
    },
  },
  {
    name: 'unwatch',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['fast', 'transaction'],
    group: 'transactions',
    summary: 'Forgets about watched keys of a transaction.',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: (s) => {
      s.engine.watches.unwatchAll(s);
      s.reply.ok();
    },
  },
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
        s.engine.watches.unwatchAll(s);
        return s.reply.error('EXECABORT Transaction discarded because of previous errors.');
      }
      // A watched key was modified, or expired, since WATCH: nothing runs.
      const aborted = s.watchDirty || s.engine.watches.expiredSinceWatch(s, s.engine.clock.now);
      s.engine.watches.unwatchAll(s);
      if (aborted) return s.reply.nilArray();
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
      s.engine.watches.unwatchAll(s);
      s.reply.ok();
    },
  },
];
