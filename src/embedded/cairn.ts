/**
 * Cairn embedded: the same engine as the server, inside the application's process.
 *
 *   const db = await Cairn.open({ dir: './data' });   // durable; without dir: in memory
 *   db.set('greeting', 'hello', { ex: 60 });
 *   db.get('greeting');                                // 'hello'
 *   await db.close();
 *
 * Every command of the command table is a method (db.hset, db.zrange, db.client...),
 * installed from the table, not written out per command. Commands run synchronously and
 * return their reply as a JS value (RESP3 types: maps are objects, doubles numbers);
 * an error reply is thrown as a ReplyError. Blocking commands (BLPOP...) return promises.
 */
import { loadLua } from '../scripting/lua.js';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { allCommands } from '../commands/index.js';
import type { CommandDecl } from '../commands/types.js';
import { ConfigValues } from '../config/config.js';
import { applyDirectives, ConfigError, type Directive } from '../config/load.js';
import { Engine } from '../engine/engine.js';
import { Logger } from '../engine/log.js';
import { DirLock } from '../persistence/dir-lock.js';
import { CairnServer } from '../server/server.js';
import { pushArgs, toBytes, type Arg } from './args.js';
import { Channel, unwrapValues } from './channel.js';
import type { CairnCommands } from './typed-commands.js';
import type { TransactionCommands } from './commands.generated.js';
import { ReplyError, type DecodeOptions } from './value-reply.js';

export { ReplyError } from './value-reply.js';
export type { Arg } from './args.js';

export interface OpenOptions {
  /** Data directory (created if missing). Without it the database lives in memory only. */
  dir?: string;
  /** Bulk replies as Buffers instead of UTF-8 strings. */
  returnBuffers?: boolean;
  /**
   * Any server configuration parameter, by its redis.conf name or in camelCase:
   * { maxmemoryPolicy: 'allkeys-lru', databases: 4, save: '60 1000', loglevel: 'notice' }.
   */
  [parameter: string]: unknown;
}

export interface ListenOptions {
  port?: number;
  host?: string;
}

export interface Listener {
  /** The port bound (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

export interface Subscription {
  unsubscribe(): void;
}

export type MessageHandler<V> = (message: V, channel: string, pattern?: string) => void;

export interface ScanOptions {
  match?: string;
  count?: number;
  type?: string;
}

/** What a database shares between its connections. */
class Shared {
  closed = false;
  lock: DirLock | null = null;
  readonly listeners = new Set<CairnServer>();
  /** Channels opened for one blocking call, closed when the database closes. */
  readonly transient = new Set<Channel>();
  readonly connections = new Set<Cairn<string | Buffer>>();
  subscriber: Channel | null = null;
  readonly handlers = new Map<string, Set<MessageHandler<never>>>();
  readonly patternHandlers = new Map<string, Set<MessageHandler<never>>>();

  constructor(
    readonly engine: Engine,
    readonly decode: DecodeOptions,
    readonly durable: boolean,
  ) {}
}

/** camelCase option names to redis.conf names: maxmemoryPolicy → maxmemory-policy. */
function parameterName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

function parameterValue(value: unknown): string[] {
  if (typeof value === 'boolean') return [value ? 'yes' : 'no'];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}


export interface Cairn<V extends string | Buffer = string> extends CairnCommands<V> {}

export class Cairn<V extends string | Buffer = string> extends EventEmitter {
  /** The engine behind this database (shared by its connections). */
  readonly engine: Engine;
  private readonly shared: Shared;
  private readonly channel: Channel;
  private readonly isRoot: boolean;

  private constructor(shared: Shared, isRoot: boolean) {
    super();
    this.shared = shared;
    this.engine = shared.engine;
    this.isRoot = isRoot;
    this.channel = new Channel(shared.engine, shared.decode, 3);
  }

  /** Opens a database: in memory, or durable in `dir` (loading its dump.rdb). */
  static async open(options?: OpenOptions & { returnBuffers?: false }): Promise<Cairn<string>>;
  static async open(options: OpenOptions & { returnBuffers: true }): Promise<Cairn<Buffer>>;
  static async open(options: OpenOptions = {}): Promise<Cairn<string | Buffer>> {
    await loadLua();
    return Cairn.openSync(options as OpenOptions & { returnBuffers?: false });
  }

  /** open() without the promise: loading happens synchronously anyway. */
  static openSync(options?: OpenOptions & { returnBuffers?: false }): Cairn<string>;
  static openSync(options: OpenOptions & { returnBuffers: true }): Cairn<Buffer>;
  static openSync(options: OpenOptions = {}): Cairn<string | Buffer> {
    // Lua compiles asynchronously: EVAL works once it has (at once after any open()).
    void loadLua();
    if (options.dir !== undefined && (typeof options.dir !== 'string' || options.dir === '')) {
      // Not silently in memory: a caller who passed a dir wants durability.
      throw new TypeError(`Cairn.open: dir must be a non-empty string, not ${JSON.stringify(options.dir)}`);
    }
    const values = new ConfigValues();
    const durable = typeof options.dir === 'string';
    // In memory nothing is saved; on disk Redis's default save points apply.
    if (!durable) {
      values.savePoints = [];
      values.inMemoryOnly = true;
    }
    values.loglevel = 'warning';
    const directives: Directive[] = [];
    let logging = false;
    for (const [key, value] of Object.entries(options)) {
      if (key === 'dir' || key === 'returnBuffers' || value === undefined) continue;
      const name = parameterName(key);
      if (name === 'loglevel' || name === 'logfile') logging = true;
      directives.push({ name, args: parameterValue(value), source: 'Cairn.open options', line: 0, text: `${key}: ${String(value)}` });
    }
    try {
      applyDirectives(values, directives);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(e.message.replace('*** FATAL CONFIG FILE ERROR ***\n', ''));
      throw e;
    }
    const log = new Logger(values.logfile, !logging);
    log.level = values.loglevel;
    let lock: DirLock | null = null;
    if (durable) {
      values.dir = resolvePath(options.dir as string);
      mkdirSync(values.dir, { recursive: true });
      lock = DirLock.acquire(values.dir);
    } else {
      values.dir = process.cwd();
    }
    let engine: Engine;
    try {
      engine = new Engine(values, log);
      engine.ownsProcess = false;
      if (durable) engine.persistence.loadExisting();
      else engine.persistence.disabled = 'ERR this database is in memory only: open it with a dir to save it';
    } catch (e) {
      lock?.release();
      throw e;
    }
    const shared = new Shared(engine, { buffers: options.returnBuffers === true, mapsAsObjects: true }, durable);
    shared.lock = lock;
    const db = new Cairn(shared, true);
    engine.shutdownHandler = () => void db.close({ save: false });
    engine.start();
    return db;
  }

  /** Whether close() was called (on this database or, for a connection, on its database). */
  get closed(): boolean {
    return this.shared.closed || this.channel.closed;
  }

  /**
   * Runs any command by name: db.call('OBJECT', 'ENCODING', 'k'). Synchronous, except that
   * blocking commands return a promise.
   */
  call(command: string, ...args: unknown[]): unknown {
    const name = command.toLowerCase();
    // The name as given: error texts quote it as Redis does ("unknown command 'NOSUCH'").
    return this.run(name, args, BLOCKING.has(name), command);
  }

  /** The generated command methods end here. */
  protected run(name: string, args: readonly unknown[], blocking: boolean, given: string = name): unknown {
    const argv = [given === name ? name : toBytes(given)];
    pushArgs(argv, args, name);
    if (blocking && this.channel.session.multi === null) return this.runBlocking(argv);
    return this.channel.runOne(argv);
  }

  /** A blocking command on a channel of its own, so this one stays usable meanwhile. */
  private runBlocking(argv: string[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new ReplyError('ERR Connection is closed.'));
    const shared = this.shared;
    const channel = new Channel(this.engine, shared.decode, 3);
    channel.session.select(this.channel.session.dbIndex);
    shared.transient.add(channel);
    return channel.runAsync(argv).then(unwrapValues).finally(() => {
      shared.transient.delete(channel);
      channel.closeNow();
    });
  }

  /** A second connection to the same database, with its own selected db, WATCH and MULTI. */
  connection(): Cairn<V> {
    if (this.shared.closed) throw new ReplyError('ERR Connection is closed.');
    const c = new Cairn<V>(this.shared, false);
    this.shared.connections.add(c as Cairn<string | Buffer>);
    return c;
  }

  /** Queues commands; exec() runs them as one transaction (MULTI ... EXEC). */
  multi(): Transaction<V> {
    return new Transaction<V>((commands) => this.execTransaction(commands));
  }

  private execTransaction(commands: string[][]): unknown[] | null {
    const channel = this.channel;
    unwrapValues(channel.runSync(['multi']));
    for (const argv of commands) channel.runSync(argv);
    // EXECABORT (a command was refused while queueing) is thrown; errors of single
    // commands are ReplyError values in the result, as EXEC returns them.
    return unwrapValues(channel.runSync(['exec'])) as unknown[] | null;
  }

  /**
   * Calls handler(message, channel) for every message published to the channels. Handlers
   * run after the PUBLISH that sent the message has returned.
   */
  subscribe(channels: string | string[], handler: MessageHandler<V>): Subscription {
    return this.addHandlers(this.shared.handlers, 'subscribe', 'unsubscribe', channels, handler);
  }

  /** Like subscribe, for glob patterns: handler(message, channel, pattern). */
  psubscribe(patterns: string | string[], handler: MessageHandler<V>): Subscription {
    return this.addHandlers(this.shared.patternHandlers, 'psubscribe', 'punsubscribe', patterns, handler);
  }

  private addHandlers(
    table: Map<string, Set<MessageHandler<never>>>,
    subscribe: string,
    unsubscribe: string,
    names: string | string[],
    handler: MessageHandler<V>,
  ): Subscription {
    const list = typeof names === 'string' ? [names] : names;
    const channel = this.subscriberChannel();
    // Messages published before now go to the handlers of before now.
    channel.drainPushes();
    const fresh = list.filter((n) => !table.has(n));
    for (const n of list) {
      let set = table.get(n);
      if (set === undefined) table.set(n, (set = new Set()));
      set.add(handler as MessageHandler<never>);
    }
    if (fresh.length > 0) channel.runSync([subscribe, ...fresh.map(toBytes)]);
    let active = true;
    return {
      unsubscribe: () => {
        if (!active) return;
        active = false;
        if (!channel.closed) channel.drainPushes();
        const gone: string[] = [];
        for (const n of list) {
          const set = table.get(n);
          if (set === undefined) continue;
          set.delete(handler as MessageHandler<never>);
          if (set.size === 0) {
            table.delete(n);
            gone.push(n);
          }
        }
        if (gone.length > 0 && !channel.closed) channel.runSync([unsubscribe, ...gone.map(toBytes)]);
      },
    };
  }

  private subscriberChannel(): Channel {
    const shared = this.shared;
    if (shared.closed) throw new ReplyError('ERR Connection is closed.');
    if (shared.subscriber !== null) return shared.subscriber;
    const channel = new Channel(this.engine, shared.decode, 3);
    channel.onPush = (items) => {
      const kind = String(items[0]);
      const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
      // The handlers subscribed when the message was published, called on a later microtask.
      if (kind === 'message' || kind === 'smessage') {
        const name = text(items[1]);
        const handlers = [...(shared.handlers.get(name) ?? [])];
        if (handlers.length > 0) queueMicrotask(() => {
          for (const h of handlers) (h as MessageHandler<unknown>)(items[2], name);
        });
      } else if (kind === 'pmessage') {
        const pattern = text(items[1]);
        const name = text(items[2]);
        const handlers = [...(shared.patternHandlers.get(pattern) ?? [])];
        if (handlers.length > 0) queueMicrotask(() => {
          for (const h of handlers) (h as MessageHandler<unknown>)(items[3], name, pattern);
        });
      }
    };
    shared.subscriber = channel;
    return channel;
  }

  /** Every key matching the options, via SCAN: keys added or removed meanwhile may or may not appear. */
  async *scanIterator(options: ScanOptions = {}): AsyncGenerator<V> {
    yield* this.scanGeneric(['scan'], options, 1) as AsyncGenerator<V>;
  }

  /** [field, value] pairs of a hash, via HSCAN. */
  async *hscanIterator(key: Arg, options: Omit<ScanOptions, 'type'> = {}): AsyncGenerator<[V, V]> {
    yield* this.scanGeneric(['hscan', key], options, 2) as AsyncGenerator<[V, V]>;
  }

  /** Members of a set, via SSCAN. */
  async *sscanIterator(key: Arg, options: Omit<ScanOptions, 'type'> = {}): AsyncGenerator<V> {
    yield* this.scanGeneric(['sscan', key], options, 1) as AsyncGenerator<V>;
  }

  /** [member, score] pairs of a sorted set, via ZSCAN. */
  async *zscanIterator(key: Arg, options: Omit<ScanOptions, 'type'> = {}): AsyncGenerator<[V, number]> {
    for await (const [member, score] of this.scanGeneric(['zscan', key], options, 2) as AsyncGenerator<[V, V]>) {
      yield [member, Number(String(score))];
    }
  }

  private async *scanGeneric(head: unknown[], options: ScanOptions, group: 1 | 2): AsyncGenerator<unknown> {
    const name = head[0] as string;
    let cursor = '0';
    do {
      const [next, items] = this.run(name, [...head.slice(1), cursor, options], false) as [unknown, unknown[]];
      cursor = String(next);
      if (group === 1) for (const item of items) yield item;
      else for (let i = 0; i + 1 < items.length; i += 2) yield [items[i], items[i + 1]];
      // Let the rest of the application run between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    } while (cursor !== '0');
  }

  /** Serves this database over RESP too, for redis-cli and other processes. */
  async listen(options: ListenOptions = {}): Promise<Listener> {
    const shared = this.shared;
    if (shared.closed) throw new ReplyError('ERR Connection is closed.');
    const config = this.engine.config;
    config.port = options.port ?? 6379;
    config.bind = [options.host ?? '127.0.0.1'];
    const server = new CairnServer(this.engine, { ownsEngine: false });
    await server.listen();
    shared.listeners.add(server);
    return {
      port: server.port,
      close: async () => {
        shared.listeners.delete(server);
        await server.close();
      },
    };
  }

  /**
   * Closes the database: a durable one saves its data first (SAVE) and releases its
   * directory. On a connection from connection(), closes just that connection.
   * With { save: false }, nothing is saved.
   */
  async close(options: { save?: boolean } = {}): Promise<void> {
    const shared = this.shared;
    if (!this.isRoot) {
      shared.connections.delete(this as Cairn<string | Buffer>);
      this.channel.closeNow();
      return;
    }
    if (shared.closed) return;
    const engine = this.engine;
    if (shared.durable && options.save !== false && !engine.persistence.shutdownSave('save', false)) {
      throw new Error(`Cairn: could not save ${engine.persistence.path} on close; the database stays open (close({ save: false }) discards the changes)`);
    }
    shared.closed = true;
    for (const server of [...shared.listeners]) await server.close();
    shared.listeners.clear();
    for (const c of [...shared.connections]) c.channel.closeNow();
    for (const c of [...shared.transient]) c.closeNow();
    shared.subscriber?.closeNow();
    this.channel.closeNow();
    engine.persistence.cancelBackgroundNow();
    engine.stop();
    shared.lock?.release();
    this.emit('close');
  }
}

/** Commands that may wait, from the command table: they return promises. */
const BLOCKING = new Set<string>();

export interface Transaction<V extends string | Buffer = string> extends TransactionCommands {}

/** A transaction being built: each command method queues and returns the transaction. */
export class Transaction<V extends string | Buffer = string> {
  private readonly commands: string[][] = [];

  constructor(private readonly runner: (commands: string[][]) => unknown[] | null) {}

  /** Queues any command by name. */
  call(command: string, ...args: unknown[]): this {
    const name = command.toLowerCase();
    const argv = [name];
    pushArgs(argv, args, name);
    this.commands.push(argv);
    return this;
  }

  /** Runs the queued commands as one transaction: their replies, or null if a WATCHed key changed. */
  exec(): (V | number | null | unknown)[] | null {
    return this.runner(this.commands.splice(0));
  }

  /** How many commands are queued. */
  get length(): number {
    return this.commands.length;
  }
}

// Methods the classes define themselves; the table's commands of these names are reached
// through them or through call().
const OWN_METHODS = new Set(['multi', 'subscribe', 'psubscribe', 'call', 'close', 'listen']);

function installCommands(decls: CommandDecl[]): void {
  const cairn = Cairn.prototype as unknown as Record<string, unknown>;
  const transaction = Transaction.prototype as unknown as Record<string, unknown>;
  for (const decl of decls) {
    const name = decl.name;
    const blocking = decl.flags.includes('blocking');
    if (blocking) BLOCKING.add(name);
    if (!OWN_METHODS.has(name)) {
      cairn[name] = function (this: Cairn, ...args: unknown[]): unknown {
        return this['run'](name, args, blocking);
      };
    }
    if (name !== 'exec' && name !== 'multi') {
      transaction[name] = function (this: Transaction, ...args: unknown[]) {
        return this.call(name, ...args);
      };
    }
  }
}

installCommands(allCommands);
