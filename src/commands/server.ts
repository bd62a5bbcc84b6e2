/**
 * Server commands: INFO, CONFIG, COMMAND, TIME, MONITOR, DEBUG, LOLWUT, SHUTDOWN.
 */
import { findParam, matchParams, type ParamDecl } from '../config/config.js';
import type { Session } from '../engine/session.js';
import { CAIRN_VERSION, REDIS_VERSION } from '../engine/version.js';
import { gcPauses } from '../engine/gc-pauses.js';
import { globMatch } from '../store/glob.js';
import { infoText } from './info.js';
import type { Command, CommandDecl, KeySpecDecl } from './types.js';
import { KEEP_BLOB } from '../store/keyspace.js';
import { SYNTAX, replyHelp, stringEncoding } from './util.js';

// ---- COMMAND ----

/** The command's key specs: declared ones, or one range spec from keys and keyFlags. */
function keySpecsOf(cmd: Command): KeySpecDecl[] {
  if (cmd.keySpecs) return cmd.keySpecs;
  const [first, last, step] = cmd.keys;
  if (first === 0) return [];
  const flags = cmd.keyFlags ?? (cmd.isWrite ? ['RW', 'update'] : ['RO', 'access']);
  return [{ flags, index: first, lastKey: last < 0 ? last : last - first, keyStep: step }];
}

function replyCommandInfo(s: Session, cmd: Command): void {
  const r = s.reply;
  r.array(10);
  r.bulk(cmd.fullName);
  r.integer(cmd.arity);
  // 'protected' (DEBUG) and 'may_replicate' (PUBLISH, paused by CLIENT PAUSE WRITE) are
  // internal in Redis 7.0: COMMAND INFO does not list them.
  const flags = cmd.flags.filter((f) => f !== 'protected' && f !== 'may_replicate');
  r.set(flags.length);
  for (const f of flags) r.simple(f);
  r.integer(cmd.keys[0]);
  r.integer(cmd.keys[1]);
  r.integer(cmd.keys[2]);
  r.set(cmd.acl.length);
  for (const a of cmd.acl) r.simple('@' + a);
  const tips = cmd.tips ?? [];
  r.set(tips.length);
  for (const t of tips) r.bulk(t);
  const specs = keySpecsOf(cmd);
  r.set(specs.length);
  for (const spec of specs) {
    const notes = specs.length === 1 ? cmd.keyNotes : undefined;
    r.map(notes ? 4 : 3);
    if (notes) {
      r.bulk('notes');
      r.bulk(notes);
    }
    r.bulk('flags');
    r.set(spec.flags.length);
    for (const f of spec.flags) r.simple(f);
    r.bulk('begin_search');
    r.map(2);
    r.bulk('type');
    if (spec.keyword) {
      r.bulk('keyword');
      r.bulk('spec');
      r.map(2);
      r.bulk('keyword');
      r.bulk(spec.keyword.keyword);
      r.bulk('startfrom');
      r.integer(spec.keyword.startFrom);
    } else {
      r.bulk('index');
      r.bulk('spec');
      r.map(1);
      r.bulk('index');
      r.integer(spec.index);
    }
    r.bulk('find_keys');
    r.map(2);
    r.bulk('type');
    if (spec.keynum) {
      r.bulk('keynum');
      r.bulk('spec');
      r.map(3);
      r.bulk('keynumidx');
      r.integer(spec.keynum.keyNumIdx);
      r.bulk('firstkey');
      r.integer(spec.keynum.firstKey);
      r.bulk('keystep');
      r.integer(spec.keynum.keyStep);
      continue;
    }
    r.bulk('range');
    r.bulk('spec');
    r.map(3);
    r.bulk('lastkey');
    r.integer(spec.lastKey);
    r.bulk('keystep');
    r.integer(spec.keyStep);
    r.bulk('limit');
    r.integer(spec.limit ?? 0);
  }
  const subs = cmd.subcommandTable ? [...cmd.subcommandTable.values()] : [];
  r.set(subs.length);
  for (const sub of subs) replyCommandInfo(s, sub);
}

function replyCommandDocs(s: Session, cmd: Command): void {
  const r = s.reply;
  const fields: [string, () => void][] = [
    ['summary', () => r.bulk(cmd.summary)],
    ['since', () => r.bulk(cmd.since)],
    ['group', () => r.bulk(cmd.group)],
  ];
  if (cmd.complexity) fields.push(['complexity', () => r.bulk(cmd.complexity!)]);
  if (cmd.docFlags) {
    fields.push([
      'doc_flags',
      () => {
        r.set(cmd.docFlags!.length);
        for (const f of cmd.docFlags!) r.simple(f);
      },
    ]);
  }
  if (cmd.deprecatedSince) fields.push(['deprecated_since', () => r.bulk(cmd.deprecatedSince!)]);
  if (cmd.replacedBy) fields.push(['replaced_by', () => r.bulk(cmd.replacedBy!)]);
  if (cmd.subcommandTable) {
    fields.push([
      'subcommands',
      () => {
        r.map(cmd.subcommandTable!.size);
        for (const sub of cmd.subcommandTable!.values()) {
          r.bulk(sub.fullName);
          replyCommandDocs(s, sub);
        }
      },
    ]);
  }
  r.map(fields.length);
  for (const [name, write] of fields) {
    r.bulk(name);
    write();
  }
}

/** The command named by "get" or "client|kill", for COMMAND INFO/DOCS. */
function commandByFullName(s: Session, name: string): Command | undefined {
  const [parent, child] = name.toLowerCase().split('|', 2);
  const cmd = s.engine.commands.get(parent!);
  if (child === undefined) return cmd;
  return cmd?.subcommandTable?.get(child);
}

/** Key positions of argv for cmd, from each of its key specs in turn; null when invalid. */
export function keysOf(cmd: Command, argv: string[]): number[] | null {
  const out: number[] = [];
  for (const spec of keySpecsOf(cmd)) {
    if (spec.keyword) {
      // Redis's keyword search: from startFrom towards the end (or, if negative, from the end backwards).
      const { keyword, startFrom } = spec.keyword;
      const from = startFrom >= 0 ? startFrom : argv.length + startFrom;
      const step = startFrom >= 0 ? 1 : -1;
      for (let i = from; i >= 1 && i < argv.length - 1; i += step) {
        if (argv[i]!.toLowerCase() !== keyword.toLowerCase()) continue;
        // The range after the keyword: lastKey 0 is one key, negative counts from the end.
        const first = i + 1;
        let last = spec.lastKey < 0 ? argv.length + spec.lastKey : first + spec.lastKey;
        if (spec.limit !== undefined && spec.limit > 1) last = first + Math.floor((last - first + 1) / spec.limit) - 1;
        for (let k = first; k <= last; k += spec.keyStep) out.push(k);
        break;
      }
      continue;
    }
    if (spec.keynum) {
      const n = Number(argv[spec.index + spec.keynum.keyNumIdx]);
      const from = spec.index + spec.keynum.firstKey;
      if (!Number.isInteger(n) || n < 0 || from + (n - 1) * spec.keynum.keyStep >= argv.length) return null;
      for (let i = 0; i < n; i++) out.push(from + i * spec.keynum.keyStep);
      continue;
    }
    const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.index + spec.lastKey;
    if (spec.index >= argv.length || last >= argv.length) return null;
    for (let i = spec.index; i <= last; i += spec.keyStep) out.push(i);
  }
  return out;
}

const COMMAND_HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

function getKeys(s: Session, argv: string[], withFlags: boolean): void {
  const args = argv.slice(2);
  let cmd = s.engine.commands.get(args[0]!);
  if (cmd?.subcommandTable && args.length >= 2) cmd = cmd.subcommandTable.get(args[1]!.toLowerCase());
  if (cmd === undefined) return s.reply.error('ERR Invalid command specified');
  if (keySpecsOf(cmd).length === 0) return s.reply.error('ERR The command has no key arguments');
  if ((cmd.arity > 0 && cmd.arity !== args.length) || args.length < -cmd.arity) {
    return s.reply.error('ERR Invalid number of arguments specified for command');
  }
  const positions = keysOf(cmd, args);
  if (positions === null) return s.reply.error('ERR Invalid arguments specified for command');
  const specs = keySpecsOf(cmd);
  const covers = (sp: KeySpecDecl, p: number) => {
    if (sp.keynum) return p > sp.index + sp.keynum.keyNumIdx;
    const last = sp.lastKey < 0 ? args.length + sp.lastKey : sp.index + sp.lastKey;
    return p >= sp.index && p <= last && (p - sp.index) % sp.keyStep === 0;
  };
  s.reply.array(positions.length);
  for (const p of positions) {
    const flags = (specs.find((sp) => covers(sp, p)) ?? specs[0]!).flags;
    if (!withFlags) {
      s.reply.bulk(args[p]!);
      continue;
    }
    s.reply.array(2);
    s.reply.bulk(args[p]!);
    s.reply.set(flags.length);
    for (const f of flags) s.reply.simple(f);
  }
}

// ---- CONFIG ----

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
];

function configSet(s: Session, argv: string[]): void {
  if (argv.length % 2 !== 0) return s.reply.error(SYNTAX);
  const config = s.engine.config;
  const pairs: [ParamDecl, string][] = [];
  for (let i = 2; i < argv.length; i += 2) {
    const param = findParam(argv[i]!);
    if (param === undefined) {
      return s.reply.error(`ERR Unknown option or number of arguments for CONFIG SET - '${argv[i]}'`);
    }
    if (pairs.some(([p]) => p === param)) {
      return s.reply.error(`ERR CONFIG SET failed (possibly related to argument '${argv[i]}') - duplicate parameter`);
    }
    pairs.push([param, argv[i + 1]!]);
  }
  for (const [param] of pairs) {
    if (param.immutable) {
      return s.reply.error(`ERR CONFIG SET failed (possibly related to argument '${param.name}') - can't set immutable config`);
    }
    if (param.protected && !s.engine.allowedBy(config.enableProtectedConfigs, s)) {
      return s.reply.error(`ERR CONFIG SET failed (possibly related to argument '${param.name}') - can't set protected config`);
    }
  }
  // All or nothing: validate on a copy, then apply.
  const trial = Object.assign(Object.create(Object.getPrototypeOf(config)), config);
  for (const [param, value] of pairs) {
    const error = param.set(trial, clampSpecial(param, value));
    if (error !== null) return s.reply.error(`ERR CONFIG SET failed (possibly related to argument '${param.name}') - ${error}`);
  }
  Object.assign(config, trial);
  s.engine.configChanged();
  s.reply.ok();
}

/** Redis clamps hz to 1..500 when set, without an error. */
function clampSpecial(param: ParamDecl, value: string): string {
  if (param.name === 'hz' && /^\d+$/.test(value)) {
    const n = Number(value);
    if (n <= 2147483647) return String(Math.min(500, Math.max(1, n)));
  }
  return value;
}

// ---- DEBUG ----

const DEBUG_HELP = [
  'GC-PAUSES',
  '    (Cairn) The last garbage-collection pauses of 1 ms or more: unix start time in ms',
  '    and duration in ms, oldest first.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level info about the <key> and associated value.',
  'RELOAD [NOSAVE]',
  '    Save the RDB on disk and reload it back to memory. With NOSAVE, load the',
  '    existing RDB file without saving first.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
];

function debug(s: Session, argv: string[]): void {
  const sub = argv[1]!.toLowerCase();
  if (sub === 'help' && argv.length === 2) return replyHelp(s, 'debug', DEBUG_HELP);
  if (sub === 'sleep' && argv.length === 3) {
    const seconds = Number(argv[2]);
    if (Number.isFinite(seconds) && seconds > 0) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
    }
    return s.reply.ok();
  }
  if (sub === 'object' && argv.length === 3) {
    const entry = s.db.find(argv[2]!, KEEP_BLOB);
    if (entry === undefined) return s.reply.error('ERR no such key');
    const v = entry.value;
    const encoding = typeof v === 'string' ? stringEncoding(v, entry.stringKind) : typeof v === 'number' ? 'raw' : v.encoding();
    const length = typeof v === 'string' ? v.length : typeof v === 'number' ? s.engine.keyspace.arena.length(v) : 0;
    return s.reply.simple(
      `Value at:0x0 refcount:1 encoding:${encoding} serializedlength:${length} lru:${entry.lru & 0xffffff} lru_seconds_idle:${s.engine.keyspace.idleSeconds(entry)}`,
    );
  }
  if (sub === 'reload' && (argv.length === 2 || (argv.length === 3 && argv[2]!.toLowerCase() === 'nosave'))) {
    const error = s.engine.persistence.reload(argv.length === 2);
    return error === null ? s.reply.ok() : s.reply.error(error);
  }
  if (sub === 'set-active-expire' && argv.length === 3) {
    if (argv[2] === '0') s.engine.expirer.stop();
    else s.engine.expirer.start(s.engine.config.hz);
    return s.reply.ok();
  }
  if (sub === 'gc-pauses' && argv.length === 2) {
    const pauses = gcPauses();
    s.reply.array(pauses.length);
    for (const [start, ms] of pauses) {
      s.reply.array(2);
      s.reply.bulk(start.toFixed(3));
      s.reply.bulk(ms.toFixed(3));
    }
    return;
  }
  if (sub === 'log' && argv.length === 3) {
    s.engine.log.warning(`DEBUG LOG: ${argv[2]}`);
    return s.reply.ok();
  }
  s.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
}

export const serverCommands: CommandDecl[] = [
  {
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    acl: ['slow', 'dangerous'],
    group: 'server',
    summary: 'Returns information and statistics about the server.',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    handler: (s, argv) => s.reply.verbatim(infoText(s.engine, argv.slice(1)), 'txt'),
  },
  {
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast'],
    group: 'server',
    summary: 'Returns the server time.',
    since: '2.6.0',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler: (s) => {
      const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
      s.reply.array(2);
      s.reply.bulk(String(Math.floor(us / 1e6)));
      s.reply.bulk(String(us % 1e6));
    },
  },
  {
    name: 'monitor',
    arity: 1,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    summary: 'Listens for all requests received by the server in real-time.',
    since: '1.0.0',
    handler: (s) => {
      s.monitor = true;
      s.engine.monitors.add(s);
      s.reply.ok();
    },
  },
  {
    name: 'lolwut',
    arity: -1,
    flags: ['readonly', 'fast'],
    acl: ['read', 'fast'],
    group: 'server',
    summary: 'Displays computer art and the Redis version',
    since: '5.0.0',
    handler: (s) => s.reply.verbatim(`Cairn ver. ${CAIRN_VERSION} (Redis ${REDIS_VERSION} compatible)\n`, 'txt'),
  },
  {
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    summary: 'Synchronously saves the database(s) to disk and shuts down the Redis server.',
    since: '1.0.0',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    handler: (s, argv) => {
      let abort = false;
      let mode: 'default' | 'save' | 'nosave' = 'default';
      let force = false;
      for (let i = 1; i < argv.length; i++) {
        const opt = argv[i]!.toLowerCase();
        if (opt === 'nosave' && mode !== 'save') mode = 'nosave';
        else if (opt === 'save' && mode !== 'nosave') mode = 'save';
        else if (opt === 'now') continue;
        else if (opt === 'force') force = true;
        else if (opt === 'abort') abort = true;
        else return s.reply.error(SYNTAX);
      }
      if (abort) {
        if (argv.length !== 2) return s.reply.error(SYNTAX);
        return s.reply.error('ERR No shutdown in progress.');
      }
      // Only SHUTDOWN NOSAVE may stop a server running a slow script (nothing half-done is saved).
      if (s.engine.busyScript !== null && mode !== 'nosave') return s.reply.error(s.engine.busyError());
      if (s.engine.shutdownHandler === null) return s.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
      if (!s.engine.persistence.shutdownSave(mode, force)) return s.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
      s.engine.log.warning('User requested shutdown...');
      s.engine.shutdownHandler('SHUTDOWN command');
    },
  },
  {
    name: 'debug',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale', 'protected'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    summary: 'A container for debugging commands.',
    since: '1.0.0',
    complexity: 'Depends on subcommand.',
    docFlags: ['syscmd'],
    handler: debug,
  },
  {
    name: 'config',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'server',
    summary: 'A container for server configuration commands.',
    since: '2.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'get',
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['admin', 'slow', 'dangerous'],
        group: 'server',
        summary: 'Returns the effective values of configuration parameters.',
        since: '2.0.0',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        handler: (s, argv) => {
          const found = matchParams(argv.slice(2));
          s.reply.map(found.length);
          for (const { param, name } of found) {
            s.reply.bulk(name);
            s.reply.bulk(param.get(s.engine.config));
          }
        },
      },
      {
        name: 'set',
        arity: -4,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['admin', 'slow', 'dangerous'],
        group: 'server',
        summary: 'Sets configuration parameters in-flight.',
        since: '2.0.0',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: configSet,
      },
      {
        name: 'resetstat',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['admin', 'slow', 'dangerous'],
        group: 'server',
        summary: 'Resets the server\'s statistics.',
        since: '2.0.0',
        complexity: 'O(1)',
        handler: (s) => {
          s.engine.resetStats();
          s.reply.ok();
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow'],
        group: 'server',
        summary: 'Returns helpful text about the different subcommands.',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: (s) => replyHelp(s, 'config', CONFIG_HELP),
      },
    ],
  },
  {
    name: 'command',
    arity: -1,
    flags: ['loading', 'stale'],
    acl: ['slow', 'connection'],
    group: 'server',
    summary: 'Returns detailed information about all commands.',
    since: '2.8.13',
    complexity: 'O(N) where N is the total number of Redis commands',
    tips: ['nondeterministic_output_order'],
    handler: (s) => {
      const cmds = s.engine.commands.commands;
      s.reply.array(cmds.length);
      for (const c of cmds) replyCommandInfo(s, c);
    },
    subcommands: [
      {
        name: 'count',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow', 'connection'],
        group: 'server',
        summary: 'Returns a count of commands.',
        since: '2.8.13',
        complexity: 'O(1)',
        handler: (s) => s.reply.integer(s.engine.commands.commands.length),
      },
      {
        name: 'info',
        arity: -2,
        flags: ['loading', 'stale'],
        acl: ['slow', 'connection'],
        group: 'server',
        summary: 'Returns information about one, multiple or all commands.',
        since: '2.8.13',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: ['nondeterministic_output_order'],
        handler: (s, argv) => {
          if (argv.length === 2) {
            const cmds = s.engine.commands.commands;
            s.reply.array(cmds.length);
            for (const c of cmds) replyCommandInfo(s, c);
            return;
          }
          s.reply.array(argv.length - 2);
          for (let i = 2; i < argv.length; i++) {
            const cmd = commandByFullName(s, argv[i]!);
            if (cmd === undefined) s.reply.nil();
            else replyCommandInfo(s, cmd);
          }
        },
      },
      {
        name: 'docs',
        arity: -2,
        flags: ['loading', 'stale'],
        acl: ['slow', 'connection'],
        group: 'server',
        summary: 'Returns documentary information about one, multiple or all commands.',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: ['nondeterministic_output_order'],
        handler: (s, argv) => {
          const cmds =
            argv.length === 2
              ? s.engine.commands.commands
              : argv
                  .slice(2)
                  .map((n) => commandByFullName(s, n))
                  .filter((c): c is Command => c !== undefined);
          s.reply.map(cmds.length);
          for (const c of cmds) {
            s.reply.bulk(c.fullName);
            replyCommandDocs(s, c);
          }
        },
      },
      {
        name: 'list',
        arity: -2,
        flags: ['loading', 'stale'],
        acl: ['slow', 'connection'],
        group: 'server',
        summary: 'Returns a list of command names.',
        since: '7.0.0',
        complexity: 'O(N) where N is the total number of Redis commands',
        tips: ['nondeterministic_output_order'],
        handler: (s, argv) => {
          let filter: (c: Command) => boolean = () => true;
          if (argv.length === 5 && argv[2]!.toLowerCase() === 'filterby') {
            const kind = argv[3]!.toLowerCase();
            const value = argv[4]!;
            if (kind === 'module') filter = () => false;
            else if (kind === 'aclcat') filter = (c) => c.acl.includes(value.toLowerCase());
            else if (kind === 'pattern') filter = (c) => globMatch(value, c.fullName, true);
            else return s.reply.error(SYNTAX);
          } else if (argv.length !== 2) return s.reply.error(SYNTAX);
          const names: string[] = [];
          for (const c of s.engine.commands.all()) if (filter(c)) names.push(c.fullName);
          s.reply.array(names.length);
          for (const n of names) s.reply.bulk(n);
        },
      },
      {
        name: 'getkeys',
        arity: -4,
        flags: ['loading', 'stale'],
        acl: ['slow', 'connection'],
        group: 'server',
        summary: 'Extracts the key names from an arbitrary command.',
        since: '2.8.13',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: (s, argv) => getKeys(s, argv, false),
      },
      {
        name: 'getkeysandflags',
        arity: -4,
        flags: ['loading', 'stale'],
        acl: ['slow', 'connection'],
        group: 'server',
        summary: 'Extracts the key names and access flags for an arbitrary command.',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: (s, argv) => getKeys(s, argv, true),
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow', 'connection'],
        group: 'server',
        summary: 'Returns helpful text about the different subcommands.',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: (s) => replyHelp(s, 'command', COMMAND_HELP),
      },
    ],
  },
];
