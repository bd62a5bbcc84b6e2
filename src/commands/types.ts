/**
 * A command is declared once, as data: arity, flags, key positions, ACL categories and
 * docs, next to its handler. The one table built from these declarations drives lookup,
 * arity and unknown-command errors, COMMAND / COMMAND DOCS and key extraction.
 */
import type { Session } from '../engine/session.js';

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'no_async_loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'no_multi'
  | 'allow_busy'
  | 'sentinel'
  | 'only_sentinel'
  /** Keys are found by a key spec other than a plain range (e.g. SINTERCARD's numkeys). */
  | 'movablekeys'
  /** Refused unless enable-debug-command allows it (DEBUG). */
  | 'protected';

export type Handler = (session: Session, argv: string[]) => void;

export interface KeySpecDecl {
  /** Redis key-spec flags, e.g. ["RW", "ACCESS", "UPDATE"]. */
  flags: string[];
  /** Position of the first key. */
  index: number;
  /** Last key relative to the end of argv (-1: last arg) or, if >= 0, how many further keys. */
  lastKey: number;
  keyStep: number;
  /** Instead of a range: argv[index + keyNumIdx] says how many keys follow from firstKey. */
  keynum?: { keyNumIdx: number; firstKey: number; keyStep: number };
  /**
   * Instead of a fixed index: the key range begins after this keyword, searched for from
   * argument startFrom on (GEORADIUS ... STORE key). No keyword, no keys from this spec.
   */
  keyword?: { keyword: string; startFrom: number };
  /** A range's limit: only 1/limit of the keys it spans are keys (XREAD's keys, then as many IDs). */
  limit?: number;
}

export interface CommandDecl {
  /** Lowercase name; a subcommand's is its own word ("setname"). */
  name: string;
  /** Redis arity: exact argument count (with the name) if positive, minimum if negative. */
  arity: number;
  flags: CommandFlag[];
  /** ACL categories without the '@' ("string", "fast"); "write"/"read" etc. included. */
  acl: string[];
  /** Key positions: [first, last, step]; [0, 0, 0] when the command takes no keys. */
  keys?: [number, number, number];
  /** Flags of the key spec when one range covers all keys (Redis: "RO access", "OW update"...). */
  keyFlags?: string[];
  keyNotes?: string;
  /** Several key specs with different flags (RENAME: source and destination). */
  keySpecs?: KeySpecDecl[];
  group: string;
  summary: string;
  since: string;
  complexity?: string;
  /** Extra doc fields for COMMAND DOCS, e.g. doc_flags or deprecated_since. */
  docFlags?: string[];
  deprecatedSince?: string;
  replacedBy?: string;
  tips?: string[];
  handler?: Handler;
  subcommands?: CommandDecl[];
}

export interface Command extends CommandDecl {
  /** "get", or "client|setname" for a subcommand: used in error texts and COMMAND. */
  fullName: string;
  parent: Command | null;
  keys: [number, number, number];
  flagSet: Set<CommandFlag>;
  isWrite: boolean;
  /** Has the 'protected' flag; a boolean so the per-command check is no Set lookup. */
  isProtected: boolean;
  /** Position of the key a pipeline's next commands may be prefetched past; 0: none (commands/table.ts). */
  aheadKey: number;
  subcommandTable: Map<string, Command> | null;
  /** INFO commandstats */
  stats: { calls: number; usec: number; rejected: number; failed: number };
}
