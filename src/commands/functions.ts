/** Redis functions: FUNCTION (LOAD DELETE LIST DUMP RESTORE FLUSH STATS KILL HELP), FCALL, FCALL_RO. */
import type { Session } from '../engine/session.js';
import type { Functions } from '../scripting/functions.js';
import { FUNCTION_LOAD_TIMEOUT_MS } from '../scripting/functions.js';
import { globMatch } from '../store/glob.js';
import { killScript } from '../scripting/runtime.js';
import type { CommandDecl } from './types.js';
import { replyHelp } from './util.js';
import { LUA_LOADING, scriptCallDecl } from './scripting.js';

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

/** The functions engine, or null after an error reply (the Lua VM not loaded in this process). */
function functions(s: Session): Functions | null {
  const engine = s.engine.functions;
  if (engine === null) s.reply.error(LUA_LOADING);
  return engine;
}

/** Redis's addReplySubcommandSyntaxError: the subcommand as the client spelled it. */
function subcommandSyntax(s: Session, sub: string): void {
  s.reply.error(`ERR unknown subcommand or wrong number of arguments for '${sub}'. Try FUNCTION HELP.`);
}

/** A data change: counted for save points and logged to the AOF, as Redis's server.dirty++. */
function changed(s: Session): void {
  s.engine.keyspace.dirty++;
}

function fcallDecl(name: string, readonly: boolean, summary: string): CommandDecl {
  const docs = { summary, since: '7.0.0', complexity: 'Depends on the function that is executed.', documentsKeys: true };
  return scriptCallDecl(name, readonly, docs, (s, argv) => functions(s)?.call(s, argv, readonly));
}

const ALL_SHARDS = ['request_policy:all_shards', 'response_policy:all_succeeded'];

export const functionCommands: CommandDecl[] = [
  fcallDecl('fcall', false, 'Invoke a function'),
  fcallDecl('fcall_ro', true, 'Invoke a read-only function'),
  {
    name: 'function',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'scripting',
    summary: 'A container for function commands',
    since: '7.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'load',
        arity: -3,
        flags: ['write', 'denyoom', 'noscript'],
        acl: ['write', 'slow', 'scripting'],
        group: 'scripting',
        summary: 'Create a function with the given arguments (name, code, description)',
        since: '7.0.0',
        complexity: 'O(1) (considering compilation time is redundant)',
        tips: ALL_SHARDS,
        handler: (s, argv) => {
          let replace = false;
          let i = 2;
          for (; i < argv.length - 1; i++) {
            if (argv[i]!.toLowerCase() === 'replace') replace = true;
            else return s.reply.error(`ERR Unknown option given: ${argv[i]}`);
          }
          const engine = functions(s);
          if (engine === null) return;
          // Replaying the AOF obeys what was acknowledged once: no time limit then.
          const timeout = s.engine.aof.loading ? 0 : FUNCTION_LOAD_TIMEOUT_MS;
          const created = engine.create(argv[i]!, replace, timeout);
          if ('error' in created) return s.reply.error(created.error);
          changed(s);
          s.reply.bulk(created.name);
        },
      },
      {
        name: 'delete',
        arity: 3,
        flags: ['write', 'noscript'],
        acl: ['write', 'slow', 'scripting'],
        group: 'scripting',
        summary: 'Delete a function by name',
        since: '7.0.0',
        complexity: 'O(1)',
        tips: ALL_SHARDS,
        handler: (s, argv) => {
          const engine = functions(s);
          if (engine === null) return;
          if (!engine.delete(argv[2]!)) return s.reply.error('ERR Library not found');
          changed(s);
          s.reply.ok();
        },
      },
      {
        name: 'dump',
        arity: 2,
        flags: ['noscript'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'Dump all functions into a serialized binary payload',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of functions',
        handler: (s) => {
          const engine = functions(s);
          if (engine !== null) s.reply.bulk(engine.dump());
        },
      },
      {
        name: 'flush',
        arity: -2,
        flags: ['write', 'noscript'],
        acl: ['write', 'slow', 'scripting'],
        group: 'scripting',
        summary: 'Deleting all functions',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of functions deleted',
        tips: ALL_SHARDS,
        handler: (s, argv) => {
          if (argv.length > 3) return subcommandSyntax(s, argv[1]!);
          if (argv.length === 3) {
            const mode = argv[2]!.toLowerCase();
            if (mode !== 'sync' && mode !== 'async') return s.reply.error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
          }
          const engine = functions(s);
          if (engine === null) return;
          engine.flush();
          changed(s);
          s.reply.ok();
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'Show helpful text about the different subcommands',
        since: '7.0.0',
        complexity: 'O(1)',
        handler: (s) => replyHelp(s, 'function', FUNCTION_HELP),
      },
      {
        name: 'kill',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'Kill the function currently in execution.',
        since: '7.0.0',
        complexity: 'O(1)',
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
        handler: (s) => killScript(s, false),
      },
      {
        name: 'list',
        arity: -2,
        flags: ['noscript'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'List information about all the functions',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of functions',
        tips: ['nondeterministic_output_order'],
        handler: (s, argv) => {
          let withCode = false;
          let pattern: string | null = null;
          for (let i = 2; i < argv.length; i++) {
            const arg = argv[i]!.toLowerCase();
            if (!withCode && arg === 'withcode') {
              withCode = true;
              continue;
            }
            if (pattern === null && arg === 'libraryname') {
              if (i >= argv.length - 1) return s.reply.error('ERR library name argument was not given');
              pattern = argv[++i]!;
              continue;
            }
            return s.reply.error(`ERR Unknown argument ${argv[i]}`);
          }
          const engine = functions(s);
          if (engine === null) return;
          const glob = pattern;
          engine.list(s, glob === null ? null : (name) => globMatch(glob, name, true), withCode);
        },
      },
      {
        name: 'restore',
        arity: -3,
        flags: ['write', 'denyoom', 'noscript'],
        acl: ['write', 'slow', 'scripting'],
        group: 'scripting',
        summary: 'Restore all the functions on the given payload',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of functions on the payload',
        tips: ALL_SHARDS,
        handler: (s, argv) => {
          if (argv.length > 4) return subcommandSyntax(s, argv[1]!);
          let policy: 'flush' | 'append' | 'replace' = 'append';
          if (argv.length === 4) {
            const p = argv[3]!.toLowerCase();
            if (p !== 'flush' && p !== 'append' && p !== 'replace') {
              return s.reply.error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
            }
            policy = p;
          }
          const engine = functions(s);
          if (engine === null) return;
          const error = engine.restore(argv[2]!, policy);
          if (error !== null) return s.reply.error(error);
          changed(s);
          s.reply.ok();
        },
      },
      {
        name: 'stats',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'Return information about the function currently running (name, description, duration)',
        since: '7.0.0',
        complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler: (s) => {
          if (s.engine.busyScript?.isEval === true) return s.reply.error(s.engine.busyError());
          functions(s)?.stats(s);
        },
      },
    ],
  },
];
