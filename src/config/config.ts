/**
 * Server configuration: each parameter declared once (type, default, bounds), used by
 * the command line, config files in redis.conf syntax, and CONFIG GET/SET.
 *
 * Only parameters Cairn honours are listed; anything else is an unknown directive at
 * start-up and "Unknown option" to CONFIG SET, as Redis treats names it does not know.
 */
import { statSync } from 'node:fs';
import { globMatch } from '../store/glob.js';
import { formatNotifyFlags, parseNotifyFlags } from '../engine/notify.js';

export type EvictionPolicy =
  | 'noeviction'
  | 'allkeys-lru'
  | 'volatile-lru'
  | 'allkeys-lfu'
  | 'volatile-lfu'
  | 'allkeys-random'
  | 'volatile-random'
  | 'volatile-ttl';

export class ConfigValues {
  port = 6379;
  bind: string[] = ['127.0.0.1'];
  dir = '.';
  requirepass = '';
  databases = 16;
  loglevel: 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing' = 'notice';
  logfile = '';
  hz = 10;
  /** ms a script runs before others get BUSY and SCRIPT KILL may stop it (0: never). */
  busyReplyThreshold = 5000;
  timeout = 0;
  tcpKeepalive = 300;
  tcpBacklog = 511;
  maxclients = 10000;
  protoMaxBulkLen = 512 * 1024 * 1024;
  clientQueryBufferLimit = 1024 * 1024 * 1024;
  enableDebugCommand: 'yes' | 'no' | 'local' = 'no';
  enableProtectedConfigs: 'yes' | 'no' | 'local' = 'no';
  protectedMode = true;
  /** Bytes of used memory (engine/memory.ts) above which keys are evicted or writes refused; 0: no limit. */
  maxmemory = 0;
  maxmemoryPolicy: EvictionPolicy = 'noeviction';
  maxmemorySamples = 5;
  maxmemoryEvictionTenacity = 10;
  /** Client buffers above which the biggest clients are disconnected: bytes, or a percentage of maxmemory when negative. 0: no limit. */
  maxmemoryClients = 0;
  lazyfreeLazyEviction = false;
  lazyfreeLazyExpire = false;
  lazyfreeLazyServerDel = false;
  lazyfreeLazyUserDel = false;
  lazyfreeLazyUserFlush = false;
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  daemonize = false;
  pidfile = '';
  /** Redis's default save points, used when no config says otherwise. */
  savePoints: SavePoint[] = [
    { seconds: 3600, changes: 1 },
    { seconds: 300, changes: 100 },
    { seconds: 60, changes: 10000 },
  ];
  dbfilename = 'dump.rdb';
  rdbcompression = true;
  rdbchecksum = true;
  rdbSaveIncrementalFsync = true;
  stopWritesOnBgsaveError = true;
  appendonly = false;
  /** An embedded database opened without a directory: nothing may be written to disk. */
  inMemoryOnly = false;
  appendfsync: 'always' | 'everysec' | 'no' = 'everysec';
  appendfilename = 'appendonly.aof';
  appenddirname = 'appendonlydir';
  aofLoadTruncated = true;
  aofUseRdbPreamble = true;
  autoAofRewritePercentage = 100;
  autoAofRewriteMinSize = 64 * 1024 * 1024;
  hashMaxListpackEntries = 512;
  hashMaxListpackValue = 64;
  setMaxIntsetEntries = 512;
  trackingTableMaxKeys = 1_000_000;
  /** notify-keyspace-events as flags (engine/notify.ts); 0: no keyspace notifications. */
  notifyKeyspaceEvents = 0;
  zsetMaxListpackEntries = 128;
  zsetMaxListpackValue = 64;
  /** Past this many bytes a sparse HyperLogLog becomes dense. */
  hllSparseMaxBytes = 3000;
  /** A stream's node (listpack) takes new entries up to these sizes (0: no limit). */
  streamNodeMaxBytes = 4096;
  streamNodeMaxEntries = 100;
  clientOutputBufferLimit: Record<'normal' | 'replica' | 'pubsub', { hard: number; soft: number; softSeconds: number }> = {
    normal: { hard: 0, soft: 0, softSeconds: 0 },
    replica: { hard: 268435456, soft: 67108864, softSeconds: 60 },
    pubsub: { hard: 33554432, soft: 8388608, softSeconds: 60 },
  };
}

export interface SavePoint {
  seconds: number;
  changes: number;
}

/**
 * The save directive's value: "seconds changes ..." pairs, split on single spaces as Redis
 * does (so doubled spaces make an empty, invalid word); "" means no save points.
 */
export function parseSavePoints(value: string): SavePoint[] | null {
  if (value === '') return [];
  const words = value.split(' ');
  if (words.length % 2 !== 0) return null;
  const out: SavePoint[] = [];
  for (let i = 0; i < words.length; i += 2) {
    const seconds = /^[+-]?\d+$/.test(words[i]!) ? Number(words[i]) : NaN;
    const changes = /^[+-]?\d+$/.test(words[i + 1]!) ? Number(words[i + 1]) : NaN;
    if (!(seconds >= 1) || !(changes >= 0)) return null;
    out.push({ seconds, changes });
  }
  return out;
}

type Kind = 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'special';

export interface ParamDecl {
  name: string;
  alias?: string;
  kind: Kind;
  /** Only settable at start-up (Redis: "can't set immutable config"). */
  immutable?: boolean;
  /** Settable at runtime only if enable-protected-configs allows (Redis 7: dir). */
  protected?: boolean;
  /** Value not shown by CONFIG GET in clear? (Redis shows requirepass; so do we.) */
  min?: number;
  max?: number;
  values?: readonly string[];
  get(c: ConfigValues): string;
  /** Validates and stores; returns an error text (Redis's wording) or null. */
  set(c: ConfigValues, value: string): string | null;
}

const bool = (name: string, field: keyof ConfigValues, extra: Partial<ParamDecl> = {}): ParamDecl => ({
  name,
  kind: 'bool',
  get: (c) => ((c[field] as boolean) ? 'yes' : 'no'),
  set: (c, v) => {
    const b = parseBool(v);
    if (b === null) return "argument must be 'yes' or 'no'";
    (c as unknown as Record<string, unknown>)[field] = b;
    return null;
  },
  ...extra,
});

const int = (name: string, field: keyof ConfigValues, min: number, max: number, extra: Partial<ParamDecl> = {}): ParamDecl => ({
  name,
  kind: 'int',
  min,
  max,
  get: (c) => String(c[field]),
  set: (c, v) => {
    const n = parseConfigInt(v);
    if (n === null) return "argument couldn't be parsed into an integer";
    // A long long parameter (max given as MAX_SAFE_INTEGER) states Redis's bound, LLONG_MAX.
    if (n < min || n > max) return `argument must be between ${min} and ${max === Number.MAX_SAFE_INTEGER ? '9223372036854775807' : max} inclusive`;
    (c as unknown as Record<string, unknown>)[field] = n;
    return null;
  },
  ...extra,
});

const memory = (name: string, field: keyof ConfigValues, min: number, extra: Partial<ParamDecl> = {}): ParamDecl => ({
  name,
  kind: 'memory',
  min,
  get: (c) => String(c[field]),
  set: (c, v) => {
    const n = parseMemory(v);
    if (n === null) return 'argument must be a memory value';
    // Redis's bound is LLONG_MAX; values past 2^53 are refused by parseMemory already.
    if (n < min) return `argument must be between ${min} and 9223372036854775807 inclusive`;
    (c as unknown as Record<string, unknown>)[field] = n;
    return null;
  },
  ...extra,
});

const enumeration = (name: string, field: keyof ConfigValues, values: readonly string[], extra: Partial<ParamDecl> = {}): ParamDecl => ({
  name,
  kind: 'enum',
  values,
  get: (c) => String(c[field]),
  set: (c, v) => {
    const lower = v.toLowerCase();
    if (!values.includes(lower)) return `argument(s) must be one of the following: ${values.join(', ')}`;
    (c as unknown as Record<string, unknown>)[field] = lower;
    return null;
  },
  ...extra,
});

/** Redis's size_t configs: 0 to LONG_MAX, plain integers or memory units. */
const size = (name: string, field: keyof ConfigValues, extra: Partial<ParamDecl> = {}): ParamDecl => ({
  name,
  kind: 'int',
  get: (c) => String(c[field]),
  set: (c, v) => {
    const n = parseMemory(v);
    if (n === null) return 'argument must be a memory value';
    (c as unknown as Record<string, unknown>)[field] = n;
    return null;
  },
  ...extra,
});

const string = (name: string, field: keyof ConfigValues, extra: Partial<ParamDecl> = {}): ParamDecl => ({
  name,
  kind: 'string',
  get: (c) => String(c[field]),
  set: (c, v) => {
    (c as unknown as Record<string, unknown>)[field] = v;
    return null;
  },
  ...extra,
});


export const PARAMS: readonly ParamDecl[] = [
  // Re-listening at runtime is not supported yet: port and bind are start-up only.
  int('port', 'port', 0, 65535, { immutable: true }),
  {
    name: 'bind',
    kind: 'special',
    immutable: true,
    get: (c) => c.bind.join(' '),
    set: (c, v) => {
      const addrs = v.split(' ').filter((a) => a.length > 0);
      if (addrs.length === 0) return 'Too many bind addresses specified.';
      c.bind = addrs;
      return null;
    },
  },
  {
    name: 'dir',
    kind: 'string',
    protected: true,
    get: (c) => c.dir,
    set: (c, v) => {
      try {
        if (!statSync(v).isDirectory()) return 'Not a directory';
      } catch {
        return 'No such file or directory';
      }
      c.dir = v;
      return null;
    },
  },
  string('requirepass', 'requirepass'),
  int('databases', 'databases', 1, 2147483647, { immutable: true }),
  enumeration('loglevel', 'loglevel', ['debug', 'verbose', 'notice', 'warning']),
  string('logfile', 'logfile', { immutable: true }),
  int('hz', 'hz', 0, 2147483647),
  int('busy-reply-threshold', 'busyReplyThreshold', 0, Number.MAX_SAFE_INTEGER, { alias: 'lua-time-limit' }),
  int('timeout', 'timeout', 0, 2147483647),
  int('tcp-keepalive', 'tcpKeepalive', 0, 2147483647),
  int('tcp-backlog', 'tcpBacklog', 0, 2147483647, { immutable: true }),
  int('maxclients', 'maxclients', 1, 4294967295),
  memory('proto-max-bulk-len', 'protoMaxBulkLen', 1024 * 1024),
  memory('client-query-buffer-limit', 'clientQueryBufferLimit', 1024 * 1024),
  enumeration('enable-debug-command', 'enableDebugCommand', ['no', 'yes', 'local'], { immutable: true }),
  enumeration('enable-protected-configs', 'enableProtectedConfigs', ['no', 'yes', 'local'], { immutable: true }),
  bool('protected-mode', 'protectedMode'),
  enumeration('maxmemory-policy', 'maxmemoryPolicy', [
    'volatile-lru',
    'volatile-lfu',
    'volatile-random',
    'volatile-ttl',
    'allkeys-lru',
    'allkeys-lfu',
    'allkeys-random',
    'noeviction',
  ]),
  size('maxmemory', 'maxmemory'),
  int('maxmemory-samples', 'maxmemorySamples', 1, 2147483647),
  int('maxmemory-eviction-tenacity', 'maxmemoryEvictionTenacity', 0, 100),
  {
    name: 'maxmemory-clients',
    kind: 'memory',
    get: (c) => (c.maxmemoryClients < 0 ? `${-c.maxmemoryClients}%` : String(c.maxmemoryClients)),
    set: (c, v) => {
      if (v.endsWith('%')) {
        // Digits only, as Redis's string2ll: no sign, so "-5%" is not a percentage.
        const n = /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : NaN;
        if (!Number.isSafeInteger(n)) return 'argument must be a memory or percent value';
        if (n > 100) return 'percentage argument must be less or equal to 100';
        c.maxmemoryClients = -n;
        return null;
      }
      const n = parseMemory(v);
      if (n === null) return 'argument must be a memory or percent value';
      c.maxmemoryClients = n;
      return null;
    },
  },
  bool('lazyfree-lazy-eviction', 'lazyfreeLazyEviction'),
  bool('lazyfree-lazy-expire', 'lazyfreeLazyExpire'),
  bool('lazyfree-lazy-server-del', 'lazyfreeLazyServerDel'),
  bool('lazyfree-lazy-user-del', 'lazyfreeLazyUserDel'),
  bool('lazyfree-lazy-user-flush', 'lazyfreeLazyUserFlush'),
  int('lfu-log-factor', 'lfuLogFactor', 0, 2147483647),
  int('lfu-decay-time', 'lfuDecayTime', 0, 2147483647),
  bool('daemonize', 'daemonize', {
    immutable: true,
    set: (c, v) => {
      const b = parseBool(v);
      if (b === null) return "argument must be 'yes' or 'no'";
      if (b) return 'daemonize is not supported by Cairn: run it under a process manager';
      c.daemonize = false;
      return null;
    },
  }),
  string('pidfile', 'pidfile', { immutable: true }),
  size('hash-max-listpack-entries', 'hashMaxListpackEntries', { alias: 'hash-max-ziplist-entries' }),
  size('hash-max-listpack-value', 'hashMaxListpackValue', { alias: 'hash-max-ziplist-value' }),
  size('set-max-intset-entries', 'setMaxIntsetEntries'),
  int('tracking-table-max-keys', 'trackingTableMaxKeys', 0, Number.MAX_SAFE_INTEGER, {
    set: (c, v) => {
      const n = parseConfigInt(v);
      if (n === null) return "argument couldn't be parsed into an integer";
      if (n < 0) return 'argument must be between 0 and 9223372036854775807 inclusive';
      c.trackingTableMaxKeys = n;
      return null;
    },
  }),
  {
    name: 'notify-keyspace-events',
    kind: 'special',
    get: (c) => formatNotifyFlags(c.notifyKeyspaceEvents),
    set: (c, v) => {
      const flags = parseNotifyFlags(v);
      if (flags < 0) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
      c.notifyKeyspaceEvents = flags;
      return null;
    },
  },
  {
    name: 'client-output-buffer-limit',
    kind: 'special',
    get: (c) => {
      const l = c.clientOutputBufferLimit;
      const f = (x: { hard: number; soft: number; softSeconds: number }) => `${x.hard} ${x.soft} ${x.softSeconds}`;
      return `normal ${f(l.normal)} slave ${f(l.replica)} pubsub ${f(l.pubsub)}`;
    },
    set: (c, v) => {
      const words = v.split(' ').filter((w) => w.length > 0);
      if (words.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
      const next = structuredClone(c.clientOutputBufferLimit);
      for (let i = 0; i < words.length; i += 4) {
        const name = words[i]!.toLowerCase();
        const cls = name === 'normal' ? 'normal' : name === 'slave' || name === 'replica' ? 'replica' : name === 'pubsub' ? 'pubsub' : null;
        if (cls === null) return 'Invalid client class specified in buffer limit configuration.';
        const hard = parseMemory(words[i + 1]!);
        const soft = parseMemory(words[i + 2]!);
        const seconds = parseConfigInt(words[i + 3]!);
        if (hard === null || soft === null || seconds === null || seconds < 0) {
          return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
        }
        next[cls] = { hard, soft, softSeconds: seconds };
      }
      c.clientOutputBufferLimit = next;
      return null;
    },
  },
  size('zset-max-listpack-entries', 'zsetMaxListpackEntries', { alias: 'zset-max-ziplist-entries' }),
  size('zset-max-listpack-value', 'zsetMaxListpackValue', { alias: 'zset-max-ziplist-value' }),
  size('hll-sparse-max-bytes', 'hllSparseMaxBytes'),
  size('stream-node-max-bytes', 'streamNodeMaxBytes'),
  int('stream-node-max-entries', 'streamNodeMaxEntries', 0, Number.MAX_SAFE_INTEGER),
  {
    name: 'save',
    kind: 'special',
    get: (c) => c.savePoints.map((p) => `${p.seconds} ${p.changes}`).join(' '),
    set: (c, v) => {
      const points = parseSavePoints(v);
      if (points === null) return 'Invalid save parameters';
      c.savePoints = points;
      return null;
    },
  },
  string('dbfilename', 'dbfilename', {
    protected: true,
    set: (c, v) => {
      if (v.includes('/')) return "dbfilename can't be a path, just a filename";
      c.dbfilename = v;
      return null;
    },
  }),
  bool('rdbcompression', 'rdbcompression'),
  bool('rdbchecksum', 'rdbchecksum', { immutable: true }),
  bool('stop-writes-on-bgsave-error', 'stopWritesOnBgsaveError'),
  bool('rdb-save-incremental-fsync', 'rdbSaveIncrementalFsync'),
  bool('appendonly', 'appendonly', {
    set: (c, v) => {
      const b = parseBool(v);
      if (b === null) return "argument must be 'yes' or 'no'";
      if (b && c.inMemoryOnly) return 'this database is in memory only: open it with a dir to use the append only file';
      c.appendonly = b;
      return null;
    },
  }),
  enumeration('appendfsync', 'appendfsync', ['everysec', 'always', 'no']),
  string('appendfilename', 'appendfilename', {
    immutable: true,
    set: (c, v) => {
      if (v.includes('/') || v === '' || v === '.' || v === '..') return 'appendfilename can\'t be a path, just a filename';
      c.appendfilename = v;
      return null;
    },
  }),
  string('appenddirname', 'appenddirname', {
    immutable: true,
    set: (c, v) => {
      if (v.includes('/') || v === '' || v === '.' || v === '..') return 'appenddirname can\'t be a path, just a dirname';
      c.appenddirname = v;
      return null;
    },
  }),
  bool('aof-load-truncated', 'aofLoadTruncated'),
  int('auto-aof-rewrite-percentage', 'autoAofRewritePercentage', 0, 2147483647),
  memory('auto-aof-rewrite-min-size', 'autoAofRewriteMinSize', 0),
  bool('aof-use-rdb-preamble', 'aofUseRdbPreamble'),
];

const BY_NAME = new Map<string, ParamDecl>();
for (const p of PARAMS) {
  BY_NAME.set(p.name, p);
  if (p.alias) BY_NAME.set(p.alias, p);
}

export function findParam(name: string): ParamDecl | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/**
 * CONFIG GET: parameters matching any pattern, each once. A pattern without glob
 * characters names one parameter and, as in Redis, is echoed as typed ("HZ").
 */
export function matchParams(patterns: string[]): { param: ParamDecl; name: string }[] {
  const found: { param: ParamDecl; name: string }[] = [];
  const seen = new Set<ParamDecl>();
  const seenNames = new Set<string>();
  for (const pat of patterns) {
    if (!/[*?[\\]/.test(pat)) {
      const p = findParam(pat);
      if (p !== undefined && !seen.has(p)) {
        seen.add(p);
        found.push({ param: p, name: pat });
      }
      continue;
    }
    // Redis lists a parameter under each of its names (hash-max-ziplist-entries and
    // hash-max-listpack-entries) when a pattern matches both.
    for (const p of PARAMS) {
      for (const name of p.alias === undefined ? [p.name] : [p.name, p.alias]) {
        const id = `${p.name}\0${name}`;
        if (seenNames.has(id) || !globMatch(pat, name, true)) continue;
        seenNames.add(id);
        found.push({ param: p, name });
      }
    }
  }
  return found;
}

export function parseBool(v: string): boolean | null {
  const l = v.toLowerCase();
  if (l === 'yes') return true;
  if (l === 'no') return false;
  return null;
}

/** Integers in config values: Redis accepts memory-style units only for memory params. */
export function parseConfigInt(v: string): number | null {
  if (!/^-?\d+$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/** Redis's memtoull: "1gb", "512mb", "100k", "1024"; k/m/g are powers of 1000, kb/mb/gb of 1024. */
export function parseMemory(v: string): number | null {
  const m = /^(\d+)([a-z]*)$/i.exec(v);
  if (!m) return null;
  const units: Record<string, number> = {
    '': 1,
    b: 1,
    k: 1000,
    kb: 1024,
    m: 1000 ** 2,
    mb: 1024 ** 2,
    g: 1000 ** 3,
    gb: 1024 ** 3,
  };
  const mul = units[m[2]!.toLowerCase()];
  if (mul === undefined) return null;
  const n = Number(m[1]) * mul;
  return Number.isSafeInteger(n) ? n : null;
}
