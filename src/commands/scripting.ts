/** Lua scripting commands: EVAL, EVALSHA, their read-only forms, and SCRIPT. */
import type { Session } from '../engine/session.js';
import type { Scripting } from '../scripting/scripting.js';
import { killScript } from '../scripting/runtime.js';
import type { CommandDecl, KeySpecDecl } from './types.js';
import { SYNTAX, replyHelp } from './util.js';

const SCRIPT_HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

/** The scripting engine, or null after an error reply (the Lua VM not loaded in this process). */
function scripting(s: Session): Scripting | null {
  const engine = s.engine.scripting;
  if (engine === null) s.reply.error(LUA_LOADING);
  return engine;
}

export const LUA_LOADING = 'ERR Lua scripting is not available: the Lua VM is still loading';

/**
 * EVAL, EVALSHA, FCALL and their _RO forms: the same flags (in Redis's order; EVAL's
 * may_replicate is internal and not shown by COMMAND), ACL categories and numkeys key spec.
 */
export function scriptCallDecl(
  name: string,
  readonly: boolean,
  docs: { summary: string; since: string; complexity: string; documentsKeys: boolean },
  handler: CommandDecl['handler'],
): CommandDecl {
  const keyFlags = readonly ? ['RO', 'access'] : ['RW', 'access', 'update'];
  const keySpecs: KeySpecDecl[] = [{ flags: keyFlags, index: 2, lastKey: 0, keyStep: 1, keynum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }];
  return {
    name,
    arity: -3,
    flags: readonly
      ? ['readonly', 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys']
      : ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'],
    acl: ['slow', 'scripting'],
    keys: [0, 0, 0],
    keySpecs,
    keyNotes: docs.documentsKeys ? `We cannot tell how the keys will be used so we assume the worst, ${readonly ? 'RO and ACCESS' : 'RW and UPDATE'}` : undefined,
    group: 'scripting',
    summary: docs.summary,
    since: docs.since,
    complexity: docs.complexity,
    handler,
  };
}

function evalDecl(name: string, bySha: boolean, readonly: boolean, summary: string): CommandDecl {
  // Redis documents the key spec only on EVAL and EVAL_RO.
  const docs = { summary, since: readonly ? '7.0.0' : '2.6.0', complexity: 'Depends on the script that is executed.', documentsKeys: !bySha };
  return scriptCallDecl(name, readonly, docs, (s, argv) => scripting(s)?.run(s, argv, bySha, readonly));
}

export const scriptingCommands: CommandDecl[] = [
  evalDecl('eval', false, false, 'Executes a server-side Lua script.'),
  evalDecl('evalsha', true, false, 'Executes a server-side Lua script by SHA1 digest.'),
  evalDecl('eval_ro', false, true, 'Executes a read-only server-side Lua script.'),
  evalDecl('evalsha_ro', true, true, 'Executes a read-only server-side Lua script by SHA1 digest.'),
  {
    name: 'script',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'scripting',
    summary: 'A container for Lua scripts management commands.',
    since: '2.6.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'load',
        arity: 3,
        flags: ['noscript', 'stale'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'Loads a server-side Lua script to the script cache.',
        since: '2.6.0',
        complexity: 'O(N) with N being the length in bytes of the script body.',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: (s, argv) => {
          const engine = scripting(s);
          if (engine === null) return;
          const sha = engine.load(s, argv[2]!);
          if (sha !== null) s.reply.bulk(sha);
        },
      },
      {
        name: 'exists',
        arity: -3,
        flags: ['noscript'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'Determines whether server-side Lua scripts exist in the script cache.',
        since: '2.6.0',
        complexity: 'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).',
        tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'],
        handler: (s, argv) => {
          const engine = scripting(s);
          if (engine === null) return;
          s.reply.array(argv.length - 2);
          for (let i = 2; i < argv.length; i++) s.reply.integer(engine.exists(argv[i]!) ? 1 : 0);
        },
      },
      {
        name: 'flush',
        arity: -2,
        flags: ['noscript'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'Removes all server-side Lua scripts from the script cache.',
        since: '2.6.0',
        complexity: 'O(N) with N being the number of scripts in cache',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: (s, argv) => {
          if (argv.length > 3) return s.reply.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
          if (argv.length === 3) {
            const mode = argv[2]!.toLowerCase();
            if (mode !== 'sync' && mode !== 'async') return s.reply.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
          }
          const engine = scripting(s);
          if (engine === null) return;
          engine.flush();
          s.reply.ok();
        },
      },
      {
        name: 'kill',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'Terminates a server-side Lua script during execution.',
        since: '2.6.0',
        complexity: 'O(1)',
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
        handler: (s) => killScript(s, true),
      },
      {
        name: 'debug',
        arity: 3,
        flags: ['noscript'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'Sets the debug mode of server-side Lua scripts.',
        since: '3.2.0',
        complexity: 'O(1)',
        handler: (s, argv) => {
          const mode = argv[2]!.toLowerCase();
          if (mode === 'no') return s.reply.ok();
          if (mode !== 'yes' && mode !== 'sync') return s.reply.error(SYNTAX);
          s.reply.error('ERR SCRIPT DEBUG is not supported by Cairn');
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow', 'scripting'],
        group: 'scripting',
        summary: 'Returns helpful text about the different subcommands.',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: (s) => replyHelp(s, 'script', SCRIPT_HELP),
      },
    ],
  },
];
