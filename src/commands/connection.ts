/**
 * Connection commands: PING, ECHO, HELLO, AUTH, QUIT, RESET and CLIENT.
 */
import { REDIS_VERSION } from '../engine/version.js';
import type { Session } from '../engine/session.js';
import type { CommandDecl } from './types.js';
import { SYNTAX, intArg, parseInt64, replyHelp } from './util.js';

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

/** Cairn has one user, "default", protected by requirepass (no ACL yet). */
function checkCredentials(s: Session, user: string, password: string): boolean {
  const required = s.engine.config.requirepass;
  if (user !== 'default') return false;
  return required === '' || password === required;
}

/** Redis's clientSetName: printable ASCII without spaces; empty clears. */
function setName(s: Session, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) {
      s.reply.error('ERR Client names cannot contain spaces, newlines or special characters.');
      return false;
    }
  }
  s.name = name;
  return true;
}

/** One line of CLIENT LIST / CLIENT INFO, with Redis's fields. */
export function clientInfoLine(c: Session, now: number): string {
  const t = c.transport;
  const flags =
    (c.monitor ? 'O' : '') +
      (c.subscribed ? 'P' : '') +
      (c.multi !== null ? 'x' : '') +
      (c.blocked ? 'b' : '') +
      (c.tracking !== null ? 't' : '') +
      (c.tracking?.brokenRedirect ? 'R' : '') +
      (c.tracking?.bcast ? 'B' : '') +
      (c.noEvict ? 'e' : '') +
      (c.noTouch ? 'T' : '') || 'N';
  const qbuf = t.queryBufferBytes();
  const omem = t.outputBufferBytes();
  return (
    `id=${c.id} addr=${t.addr} laddr=${t.laddr} fd=${t.fd} name=${c.name}` +
    ` age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)}` +
    ` flags=${flags} db=${c.dbIndex} sub=${c.channels.size} psub=${c.patterns.size} ssub=${c.shardChannels.size} multi=${c.multi?.length ?? -1} qbuf=${qbuf} qbuf-free=0 argv-mem=0 multi-mem=0` +
    ` rbs=0 rbp=0 obl=0 oll=0 omem=${omem} tot-mem=${qbuf + omem} events=r cmd=${c.lastCommand}` +
    ` user=default redir=${c.tracking === null ? -1 : c.tracking.redirect} resp=${c.reply.resp} lib-name=${c.libName} lib-ver=${c.libVer}\n`
  );
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP], with Redis's checks in Redis's order. */
function clientTracking(s: Session, argv: string[]): void {
  let redirect = 0;
  const options = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = j < argv.length - 1;
    if (opt === 'redirect' && more) {
      j++;
      if (redirect !== 0) return s.reply.error('ERR A client can only redirect to a single other client');
      const id = parseInt64(argv[j]!);
      if (id === null) return s.reply.error('ERR value is not an integer or out of range');
      if (s.engine.sessions.get(id) === undefined) return s.reply.error('ERR The client ID you want redirect to does not exist');
      redirect = id;
    } else if (opt === 'bcast') options.bcast = true;
    else if (opt === 'optin') options.optin = true;
    else if (opt === 'optout') options.optout = true;
    else if (opt === 'noloop') options.noloop = true;
    else if (opt === 'prefix' && more) prefixes.push(argv[++j]!);
    else return s.reply.error(SYNTAX);
  }
  const onoff = argv[2]!.toLowerCase();
  const tracking = s.engine.tracking;
  if (onoff === 'on') {
    const t = s.tracking;
    if (!options.bcast && prefixes.length > 0) return s.reply.error('ERR PREFIX option requires BCAST mode to be enabled');
    if (t !== null && t.bcast !== options.bcast) {
      return s.reply.error(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
    }
    if (options.bcast && (options.optin || options.optout)) return s.reply.error('ERR OPTIN and OPTOUT are not compatible with BCAST');
    if (options.optin && options.optout) return s.reply.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
    if (t !== null && ((options.optin && t.optout) || (options.optout && t.optin))) {
      return s.reply.error(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
    }
    if (options.bcast) {
      const existing = t?.prefixes ?? new Set<string>();
      for (let i = 0; i < prefixes.length; i++) {
        const p = prefixes[i]!;
        for (const e of existing) {
          if (p.startsWith(e) || e.startsWith(p)) {
            return s.reply.error(`ERR Prefix '${p}' overlaps with an existing prefix '${e}'. Prefixes for a single client must not overlap.`);
          }
        }
        for (let k = i + 1; k < prefixes.length; k++) {
          const q = prefixes[k]!;
          if (p.startsWith(q) || q.startsWith(p)) {
            return s.reply.error(`ERR Prefix '${p}' overlaps with another provided prefix '${q}'. Prefixes for a single client must not overlap.`);
          }
        }
      }
    }
    tracking.enable(s, redirect, options, prefixes);
  } else if (onoff === 'off') {
    tracking.disable(s);
  } else return s.reply.error(SYNTAX);
  s.reply.ok();
}

function onOff(s: Session, arg: string): boolean | null {
  const v = arg.toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  s.reply.error(SYNTAX);
  return null;
}

/** CLIENT KILL with filters; returns the sessions to close, or null after an error. */
function killFilter(s: Session, argv: string[]): Session[] | null {
  let id: number | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let type: string | null = null;
  let user: string | null = null;
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) {
      s.reply.error(SYNTAX);
      return null;
    }
    const opt = argv[i]!.toLowerCase();
    const val = argv[i + 1]!;
    if (opt === 'id') {
      const n = parseInt64(val);
      if (n === null || n <= 0) {
        s.reply.error('ERR client-id should be greater than 0');
        return null;
      }
      id = n;
    } else if (opt === 'addr') addr = val;
    else if (opt === 'laddr') laddr = val;
    else if (opt === 'type') {
      const t = val.toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) {
        s.reply.error(`ERR Unknown client type '${val}'`);
        return null;
      }
      type = t;
    } else if (opt === 'user') {
      if (val !== 'default') {
        s.reply.error(`ERR No such user '${val}'`);
        return null;
      }
      user = val;
    }
    else if (opt === 'skipme') {
      const v = val.toLowerCase();
      if (v === 'yes') skipMe = true;
      else if (v === 'no') skipMe = false;
      else {
        s.reply.error(SYNTAX);
        return null;
      }
    } else {
      s.reply.error(SYNTAX);
      return null;
    }
  }
  const out: Session[] = [];
  for (const c of s.engine.sessions.values()) {
    if (id !== null && c.id !== id) continue;
    if (addr !== null && c.transport.addr !== addr) continue;
    if (laddr !== null && c.transport.laddr !== laddr) continue;
    // No replicas or masters yet: clients are pubsub (when subscribed) or normal.
    if (type !== null && type !== (c.subscribed ? 'pubsub' : 'normal')) continue;
    if (user !== null && user !== 'default') continue;
    if (skipMe && c === s) continue;
    out.push(c);
  }
  return out;
}

const CLIENT_HELP = [
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  '    Set client library name or version.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  "    Will not touch LRU/LFU stats when this mode is on.",
];

const sub = (d: Omit<CommandDecl, 'group' | 'acl'> & { acl?: string[] }): CommandDecl => ({
  group: 'connection',
  acl: ['slow', 'connection'],
  ...d,
});

export const connectionCommands: CommandDecl[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    acl: ['fast', 'connection'],
    group: 'connection',
    summary: 'Returns the server\'s liveliness response.',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: (s, argv) => {
      if (argv.length > 2) return s.reply.error("ERR wrong number of arguments for 'ping' command");
      if (s.subscribed && s.reply.resp === 2) {
        // Pub/sub mode in RESP2: a two-element array, as Redis answers there.
        s.reply.array(2);
        s.reply.bulk('pong');
        s.reply.bulk(argv.length === 1 ? '' : argv[1]!);
        return;
      }
      if (argv.length === 1) s.reply.simple('PONG');
      else s.reply.bulk(argv[1]!);
    },
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast', 'connection'],
    group: 'connection',
    summary: 'Returns the given string.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => s.reply.bulk(argv[1]!),
  },
  {
    name: 'quit',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['fast', 'connection'],
    group: 'connection',
    summary: 'Closes the connection.',
    since: '1.0.0',
    complexity: 'O(1)',
    deprecatedSince: '7.2.0',
    replacedBy: 'just closing the connection',
    docFlags: ['deprecated'],
    handler: (s) => {
      s.reply.ok();
      s.transport.close(true);
    },
  },
  {
    name: 'auth',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['fast', 'connection'],
    group: 'connection',
    summary: 'Authenticates the connection.',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    handler: (s, argv) => {
      if (argv.length > 3) return s.reply.error(SYNTAX);
      let user = 'default';
      let password: string;
      if (argv.length === 2) {
        if (s.engine.config.requirepass === '') {
          return s.reply.error(
            'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
          );
        }
        password = argv[1]!;
      } else {
        user = argv[1]!;
        password = argv[2]!;
      }
      if (!checkCredentials(s, user, password)) return s.reply.error(WRONGPASS);
      s.authenticated = true;
      s.reply.ok();
    },
  },
  {
    name: 'hello',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['fast', 'connection'],
    group: 'connection',
    summary: 'Handshakes with the Redis server.',
    since: '6.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      let version = 0;
      let next = 1;
      if (argv.length >= 2) {
        const v = parseInt64(argv[next++]!);
        if (v === null) return s.reply.error('ERR Protocol version is not an integer or out of range');
        if (v < 2 || v > 3) return s.reply.error('NOPROTO unsupported protocol version');
        version = v;
      }
      let user: string | null = null;
      let password: string | null = null;
      let name: string | null = null;
      for (let j = next; j < argv.length; j++) {
        const more = argv.length - 1 - j;
        const opt = argv[j]!.toLowerCase();
        if (opt === 'auth' && more >= 2) {
          user = argv[j + 1]!;
          password = argv[j + 2]!;
          j += 2;
        } else if (opt === 'setname' && more >= 1) {
          name = argv[j + 1]!;
          j++;
        } else {
          return s.reply.error(`ERR Syntax error in HELLO option '${argv[j]}'`);
        }
      }
      if (user !== null && password !== null) {
        if (!checkCredentials(s, user, password)) return s.reply.error(WRONGPASS);
        s.authenticated = true;
      }
      if (s.authRequired) {
        return s.reply.error(
          'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
        );
      }
      if (name !== null && !setName(s, name)) return;
      if (version !== 0) s.reply.resp = version as 2 | 3;
      const r = s.reply;
      r.map(7);
      r.bulk('server');
      r.bulk('redis');
      r.bulk('version');
      r.bulk(REDIS_VERSION);
      r.bulk('proto');
      r.integer(r.resp);
      r.bulk('id');
      r.integer(s.id);
      r.bulk('mode');
      r.bulk('standalone');
      r.bulk('role');
      r.bulk('master');
      r.bulk('modules');
      r.array(0);
    },
  },
  {
    name: 'reset',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['fast', 'connection'],
    group: 'connection',
    summary: 'Resets the connection.',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: (s) => {
      if (s.monitor) {
        s.monitor = false;
        s.engine.monitors.delete(s);
      }
      s.engine.pubsub.forget(s);
      s.multi = null;
      s.multiDirty = false;
      s.engine.watches.unwatchAll(s);
      s.select(0);
      s.reply.resp = 2;
      s.authenticated = s.engine.config.requirepass === '';
      s.name = '';
      s.replyOff = false;
      s.skip = 0;
      s.noTouch = false;
      s.reply.simple('RESET');
    },
  },
  {
    name: 'client',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'connection',
    summary: 'A container for client connection commands.',
    since: '2.4.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub({
        name: 'id',
        arity: 2,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Returns the unique client ID of the connection.',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: (s) => s.reply.integer(s.id),
      }),
      sub({
        name: 'setname',
        arity: 3,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Sets the connection name.',
        since: '2.6.9',
        complexity: 'O(1)',
        handler: (s, argv) => {
          if (setName(s, argv[2]!)) s.reply.ok();
        },
      }),
      sub({
        name: 'getname',
        arity: 2,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Returns the name of the connection.',
        since: '2.6.9',
        complexity: 'O(1)',
        handler: (s) => (s.name === '' ? s.reply.nil() : s.reply.bulk(s.name)),
      }),
      sub({
        name: 'setinfo',
        arity: 4,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Sets information specific to the client or connection.',
        since: '7.2.0',
        complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: (s, argv) => {
          const attr = argv[2]!.toLowerCase();
          const value = argv[3]!;
          if (attr !== 'lib-name' && attr !== 'lib-ver') {
            return s.reply.error(`ERR Unrecognized option '${argv[2]}'`);
          }
          for (let i = 0; i < value.length; i++) {
            const c = value.charCodeAt(i);
            if (c < 33 || c > 126) {
              return s.reply.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
            }
          }
          if (attr === 'lib-name') s.libName = value;
          else s.libVer = value;
          s.reply.ok();
        },
      }),
      sub({
        name: 'list',
        arity: -2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['admin', 'slow', 'dangerous', 'connection'],
        summary: 'Lists open connections.',
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        tips: ['nondeterministic_output'],
        handler: (s, argv) => {
          let ids: Set<number> | null = null;
          let type: string | null = null;
          for (let i = 2; i < argv.length; ) {
            const opt = argv[i]!.toLowerCase();
            if (opt === 'type' && i + 1 < argv.length) {
              type = argv[i + 1]!.toLowerCase();
              if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) {
                return s.reply.error(`ERR Unknown client type '${argv[i + 1]}'`);
              }
              i += 2;
            } else if (opt === 'id' && i + 1 < argv.length) {
              ids = new Set();
              for (i++; i < argv.length; i++) {
                const n = parseInt64(argv[i]!);
                if (n === null) return s.reply.error('ERR Invalid client ID');
                ids.add(n);
              }
            } else return s.reply.error(SYNTAX);
          }
          const now = Date.now();
          let text = '';
          for (const c of s.engine.sessions.values()) {
            if (ids !== null && !ids.has(c.id)) continue;
            if (type !== null && type !== (c.subscribed ? 'pubsub' : 'normal')) continue;
            text += clientInfoLine(c, now);
          }
          s.reply.verbatim(text, 'txt');
        },
      }),
      sub({
        name: 'info',
        arity: 2,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Returns information about the connection.',
        since: '6.2.0',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler: (s) => s.reply.verbatim(clientInfoLine(s, Date.now()), 'txt'),
      }),
      sub({
        name: 'kill',
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['admin', 'slow', 'dangerous', 'connection'],
        summary: 'Terminates open connections.',
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        handler: (s, argv) => {
          if (argv.length === 3) {
            for (const c of s.engine.sessions.values()) {
              if (c.transport.addr === argv[2]) {
                s.reply.ok();
                c.transport.close(c === s);
                return;
              }
            }
            return s.reply.error('ERR No such client');
          }
          const victims = killFilter(s, argv);
          if (victims === null) return;
          s.reply.integer(victims.length);
          for (const c of victims) c.transport.close(c === s);
        },
      }),
      sub({
        name: 'pause',
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['admin', 'slow', 'dangerous', 'connection'],
        summary: 'Suspends commands processing.',
        since: '3.0.0',
        complexity: 'O(1)',
        handler: (s, argv) => {
          const ms = intArg(s, argv[2]!, 'ERR timeout is not an integer or out of range');
          if (ms === null) return;
          if (ms < 0) return s.reply.error('ERR timeout is negative');
          if (argv.length > 4) {
            return s.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`);
          }
          let all = true;
          if (argv.length === 4) {
            const mode = argv[3]!.toLowerCase();
            if (mode === 'write') all = false;
            else if (mode !== 'all') return s.reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
          }
          s.engine.pause(Date.now() + ms, all);
          s.reply.ok();
        },
      }),
      sub({
        name: 'unpause',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['admin', 'slow', 'dangerous', 'connection'],
        summary: 'Resumes processing commands from paused clients.',
        since: '6.2.0',
        complexity: 'O(N) Where N is the number of paused clients',
        handler: (s) => {
          s.engine.unpause();
          s.reply.ok();
        },
      }),
      sub({
        name: 'reply',
        arity: 3,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Instructs the server whether to reply to commands.',
        since: '3.2.0',
        complexity: 'O(1)',
        handler: (s, argv) => {
          const mode = argv[2]!.toLowerCase();
          if (mode === 'on') {
            s.replyOff = false;
            s.skip = 0;
            s.reply.ok();
          } else if (mode === 'off') {
            s.replyOff = true;
          } else if (mode === 'skip') {
            if (!s.replyOff) s.skip = 1;
          } else s.reply.error(SYNTAX);
        },
      }),
      sub({
        name: 'unblock',
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['admin', 'slow', 'dangerous', 'connection'],
        summary: 'Unblocks a client blocked by a blocking command from a different connection.',
        since: '5.0.0',
        complexity: 'O(log N) where N is the number of client connections',
        handler: (s, argv) => {
          if (argv.length > 4) {
            return s.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`);
          }
          let asError = false;
          if (argv.length === 4) {
            const how = argv[3]!.toLowerCase();
            if (how === 'error') asError = true;
            else if (how !== 'timeout') return s.reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
          }
          const id = parseInt64(argv[2]!);
          if (id === null) return s.reply.error('ERR value is not an integer or out of range');
          const target = s.engine.sessions.get(id);
          const done = target !== undefined && s.engine.blocking.unblock(target, asError ? 'UNBLOCKED client unblocked via CLIENT UNBLOCK' : null);
          s.reply.integer(done ? 1 : 0);
        },
      }),
      sub({
        name: 'tracking',
        arity: -3,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Enable or disable server assisted client side caching support',
        since: '6.0.0',
        complexity: 'O(1). Some options may introduce additional complexity.',
        handler: clientTracking,
      }),
      sub({
        name: 'caching',
        arity: 3,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Instruct the server about tracking or not keys in the next request',
        since: '6.0.0',
        complexity: 'O(1)',
        handler: (s, argv) => {
          const t = s.tracking;
          if (t === null) {
            return s.reply.error('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
          }
          const opt = argv[2]!.toLowerCase();
          if (opt === 'yes') {
            if (!t.optin) return s.reply.error('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
          } else if (opt === 'no') {
            if (!t.optout) return s.reply.error('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
          } else return s.reply.error(SYNTAX);
          t.caching = true;
          s.reply.ok();
        },
      }),
      sub({
        name: 'getredir',
        arity: 2,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Get tracking notifications redirection client ID if any',
        since: '6.0.0',
        complexity: 'O(1)',
        handler: (s) => s.reply.integer(s.tracking === null ? -1 : s.tracking.redirect),
      }),
      sub({
        name: 'trackinginfo',
        arity: 2,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Return information about server assisted client side caching for the current connection',
        since: '6.2.0',
        complexity: 'O(1)',
        handler: (s) => {
          const t = s.tracking;
          const flags = [t === null ? 'off' : 'on'];
          if (t !== null) {
            if (t.bcast) flags.push('bcast');
            if (t.optin) flags.push('optin', ...(t.caching ? ['caching-yes'] : []));
            if (t.optout) flags.push('optout', ...(t.caching ? ['caching-no'] : []));
            if (t.noloop) flags.push('noloop');
            if (t.brokenRedirect) flags.push('broken_redirect');
          }
          const r = s.reply;
          r.map(3);
          r.bulk('flags');
          r.set(flags.length);
          for (const f of flags) r.bulk(f);
          r.bulk('redirect');
          r.integer(t === null ? -1 : t.redirect);
          r.bulk('prefixes');
          const prefixes = t === null ? [] : [...t.prefixes].sort();
          r.array(prefixes.length);
          for (const p of prefixes) r.bulk(p);
        },
      }),
      sub({
        name: 'no-evict',
        arity: 3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: ['admin', 'slow', 'dangerous', 'connection'],
        summary: 'Sets the client eviction mode of the connection.',
        since: '7.0.0',
        complexity: 'O(1)',
        handler: (s, argv) => {
          const on = onOff(s, argv[2]!);
          if (on === null) return;
          s.noEvict = on;
          s.reply.ok();
        },
      }),
      sub({
        name: 'no-touch',
        arity: 3,
        flags: ['noscript', 'loading', 'stale'],
        summary: 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.',
        since: '7.2.0',
        complexity: 'O(1)',
        handler: (s, argv) => {
          const on = onOff(s, argv[2]!);
          if (on === null) return;
          s.noTouch = on;
          s.reply.ok();
        },
      }),
      sub({
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        summary: 'Returns helpful text about the different subcommands.',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: (s) => replyHelp(s, 'client', CLIENT_HELP),
      }),
    ],
  },
];
