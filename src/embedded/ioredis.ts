/**
 * `cairn/ioredis`: an ioredis-compatible client that runs against an in-process Cairn
 * database instead of a socket. Code written for ioredis runs unchanged after swapping
 * the import:
 *
 *   import Redis from 'cairn/ioredis';
 *   const redis = new Redis();            // every client of the process shares one database
 *   await redis.set('k', 'v');
 *
 * It follows ioredis's conventions: every command is a method returning a promise (or
 * taking a node-style callback), `...Buffer` variants reply Buffers, replies are RESP2 as
 * ioredis sees them (HGETALL as an object), pipeline() and multi() batch commands and
 * exec() answers [[error, result], ...], subscribers receive 'message'/'pmessage' events,
 * scanStream() and friends are object-mode Readables, keyPrefix prefixes keys found by
 * the command table's key specs. Network options (host, port, tls, retries) are ignored.
 *
 * Not provided: MONITOR, cluster and sentinel clients; defineCommand's commands are not on pipelines.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { allCommands } from '../commands/index.js';
import { keysOf } from '../commands/server.js';
import { Cairn } from './cairn.js';
import { Channel } from './channel.js';
import { toBytes } from './args.js';
import { ReplyError } from './value-reply.js';

export { ReplyError } from './value-reply.js';

export interface RedisOptions {
  /** The database to use; default: one in-memory database shared by the process. */
  cairn?: Cairn<string | Buffer>;
  db?: number;
  keyPrefix?: string;
  /** 3 (HELLO 3, ioredis 6's default) or 2 (RESP2, ioredis 5's). Replies have RESP2 shapes either way. */
  protocol?: 2 | 3;
  lazyConnect?: boolean;
  connectionName?: string;
  username?: string;
  password?: string;
  /** Accepted and ignored: there is no network. */
  [ignored: string]: unknown;
}

type Callback = (error: Error | null, result?: unknown) => void;

let processDatabase: Cairn<string> | null = null;

/** The in-memory database `new Redis()` connects to when no `cairn` option is given. */
export function defaultDatabase(): Cairn<string> {
  if (processDatabase === null || processDatabase.closed) processDatabase = Cairn.openSync();
  return processDatabase;
}

/** Commands ioredis lets through while subscribed (RESP2). */
const SUBSCRIBER_COMMANDS = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'ping', 'quit']);
const SUBSCRIBE_FAMILY = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);

/** ioredis's argument rules: arrays flattened one level, null/undefined as "", the rest String(). */
function toArgv(name: string, args: unknown[]): string[] {
  let list = args.flat();
  // ioredis's argument transformers: an object or Map of pairs for these commands.
  if ((name === 'mset' || name === 'msetnx') && list.length === 1) list = pairsOf(list[0]) ?? list;
  if ((name === 'hset' || name === 'hmset') && list.length === 2) {
    const pairs = pairsOf(list[1]);
    if (pairs !== null) list = [list[0], ...pairs];
  }
  const argv = [name];
  for (const a of list) {
    if (typeof a === 'string') argv.push(toBytes(a));
    else if (Buffer.isBuffer(a)) argv.push(a.toString('latin1'));
    else if (a === null || a === undefined) argv.push('');
    else if (typeof a === 'number' && Number.isInteger(a) && !Number.isSafeInteger(a)) argv.push(BigInt(a).toString());
    else argv.push(toBytes(String(a)));
  }
  return argv;
}

function pairsOf(value: unknown): unknown[] | null {
  if (value instanceof Map) return [...value].flat();
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value)) {
    const out: unknown[] = [];
    for (const k of Object.keys(value)) out.push(k, (value as Record<string, unknown>)[k]);
    return out;
  }
  return null;
}

/** Buffers (and nested ones) as UTF-8 strings, errors kept. */
function stringify(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(stringify);
  return value;
}

/** Commands whose RESP3 [member, score] pairs ioredis's legacy mapping flattens. */
const PAIR_REPLIES = new Set(['zdiff', 'zinter', 'zpopmax', 'zpopmin', 'zunion', 'zrandmember', 'zrange', 'zrangebyscore', 'zrevrange', 'zrevrangebyscore', 'hrandfield']);

/** ioredis's reply transformers: HGETALL as an object, RESP3 pairs flattened. */
function transformReply(name: string, value: unknown): unknown {
  if (PAIR_REPLIES.has(name) && Array.isArray(value) && value.some(Array.isArray)) {
    return value.flatMap((item) => (Array.isArray(item) ? item : [item]));
  }
  if (name === 'hgetall' && Array.isArray(value)) {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < value.length; i += 2) {
      Object.defineProperty(object, String(value[i]), { value: value[i + 1], enumerable: true, writable: true, configurable: true });
    }
    return object;
  }
  return value;
}

function withCallback<T>(promise: Promise<T>, callback: Callback | undefined): Promise<T> {
  if (callback !== undefined) {
    promise.then(
      (result) => callback(null, result),
      (error: Error) => callback(error),
    );
  }
  return promise;
}

function splitCallback(args: unknown[]): [unknown[], Callback | undefined] {
  const last = args[args.length - 1];
  return typeof last === 'function' ? [args.slice(0, -1), last as Callback] : [args, undefined];
}

class ClosedError extends Error {
  constructor() {
    super('Connection is closed.');
  }
}

export class Redis extends EventEmitter {
  status: 'wait' | 'connecting' | 'connect' | 'ready' | 'close' | 'end' = 'wait';
  readonly options: RedisOptions;
  private readonly database: Cairn<string | Buffer>;
  private channel: Channel | null = null;
  private readonly prefix: string;
  private readonly protocol: 2 | 3;
  /** multi({ pipeline: false }): commands are being queued on the server. */
  private manualMulti = false;

  constructor(...args: unknown[]) {
    super();
    // new Redis(), new Redis(options), new Redis(port, host, options), new Redis(url, options)
    const options = (args.find((a) => typeof a === 'object' && a !== null) ?? {}) as RedisOptions;
    this.options = { ...options };
    this.database = options.cairn ?? defaultDatabase();
    this.prefix = options.keyPrefix ? toBytes(options.keyPrefix) : '';
    this.protocol = options.protocol === 2 ? 2 : 3;
    if (options.replyMapping === 'resp3') throw new Error('cairn/ioredis: only the "legacy" reply mapping is supported');
    if (!options.lazyConnect) void this.connect().catch((e) => this.emit('error', e));
  }

  /** Resolves when 'ready' has been emitted; commands sent before wait for it, as in ioredis. */
  private ready: Promise<void> | null = null;

  /** Connects (the database is in this process); emits 'connect' and 'ready' on a later turn. */
  connect(callback?: Callback): Promise<void> {
    const promise = (async () => {
      if (this.channel !== null && !this.channel.closed) throw new Error('Redis is already connecting/connected');
      if (this.database.closed) throw new ClosedError();
      this.status = 'connecting';
      const channel = new Channel(this.database.engine, { buffers: true, mapsAsObjects: false, legacy: true }, this.protocol);
      channel.onPush = (items) => this.onMessage(items);
      channel.onClose = () => this.onChannelClosed();
      this.channel = channel;
      const o = this.options;
      if (o.password) channel.runOne(o.username ? ['auth', o.username, o.password] : ['auth', String(o.password)]);
      if (o.db) channel.runOne(['select', String(o.db)]);
      if (o.connectionName) channel.runOne(['client', 'setname', String(o.connectionName)]);
      // A later turn of the event loop, as a socket's connect would be.
      this.ready = new Promise<void>((resolve) => setImmediate(resolve));
      await this.ready;
      this.ready = null;
      // disconnect() before the connection was ready: nothing to report, as in ioredis.
      if (channel.closed) return;
      this.status = 'connect';
      this.emit('connect');
      this.status = 'ready';
      this.emit('ready');
    })();
    return withCallback(promise, callback);
  }

  private onChannelClosed(): void {
    if (this.status === 'end') return;
    this.status = 'close';
    process.nextTick(() => {
      this.emit('close');
      this.status = 'end';
      this.emit('end');
    });
  }

  /** Closes the connection at once; pending commands fail. */
  disconnect(): void {
    if (this.channel === null) {
      this.status = 'end';
      return;
    }
    this.channel.closeNow();
  }

  /** A new client with the same options (and database). */
  duplicate(override: Partial<RedisOptions> = {}): Redis {
    return new Redis({ ...this.options, cairn: this.database, ...override });
  }

  /** Runs any command: redis.call('GET', 'k'). */
  call(command: string, ...args: unknown[]): Promise<unknown> {
    const [rest, callback] = splitCallback(args);
    return withCallback(this.send(command.toLowerCase(), rest, false), callback);
  }

  callBuffer(command: string, ...args: unknown[]): Promise<unknown> {
    const [rest, callback] = splitCallback(args);
    return withCallback(this.send(command.toLowerCase(), rest, true), callback);
  }

  /** The argv of a command, with keyPrefix applied to its keys. */
  argvOf(name: string, args: unknown[]): string[] {
    const argv = toArgv(name, args);
    if (this.prefix !== '') {
      const cmd = this.database.engine.commands.get(name);
      const positions = cmd === undefined ? null : keysOf(cmd, argv);
      if (positions !== null) for (const i of positions) argv[i] = this.prefix + argv[i];
    }
    return argv;
  }

  /** Runs one command; the reply as ioredis would resolve it. */
  send(name: string, args: unknown[], buffers: boolean): Promise<unknown> {
    if (this.status === 'wait' && this.channel === null) void this.connect().catch(() => {});
    // ioredis's offline queue: commands wait for 'ready'.
    if (this.ready !== null) return this.ready.then(() => this.send(name, args, buffers));
    if (name === 'quit') return this.quitCommand();
    if (name === 'exec' && this.manualMulti) return this.execManual();
    let channel: Channel;
    let argv: string[];
    try {
      channel = this.usableChannel(name);
      argv = this.argvOf(name, args);
    } catch (e) {
      return Promise.reject(e);
    }
    // A blocked command holds the connection: what follows waits behind it, as on a socket.
    if (channel.busy || (BLOCKING.has(name) && channel.session.multi === null)) {
      return channel.runAsync(argv).then((values) => this.finish(name, values, buffers));
    }
    try {
      return Promise.resolve(this.runNow(channel, name, argv, buffers));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The channel, connecting a lazy client; throws what ioredis rejects with. */
  usableChannel(name: string): Channel {
    const channel = this.channel;
    if (channel === null || channel.closed || this.status === 'end') throw new ClosedError();
    if (channel.session.subscribed && channel.reply.resp === 2 && !SUBSCRIBER_COMMANDS.has(name)) {
      throw new Error('Connection in subscriber mode, only subscriber commands may be used');
    }
    return channel;
  }

  /** Runs a command synchronously on an idle channel; its reply, or throws its error. */
  runNow(channel: Channel, name: string, argv: string[], buffers: boolean): unknown {
    try {
      channel.reply.decode.buffers = buffers;
      return this.finish(name, channel.runSync(argv), buffers);
    } finally {
      // Messages pushed between commands arrive as Buffers: 'messageBuffer' needs them.
      channel.reply.decode.buffers = true;
    }
  }

  private finish(name: string, values: unknown[], buffers: boolean): unknown {
    if (SUBSCRIBE_FAMILY.has(name)) {
      // One reply per channel; ioredis resolves with the last subscription count.
      const last = values[values.length - 1];
      return Array.isArray(last) ? last[2] : last;
    }
    if (values.length !== 1) return values.length === 0 ? undefined : values.map((v) => (buffers ? v : stringify(v)));
    const value = values[0];
    if (value instanceof ReplyError) throw value;
    return transformReply(name, buffers ? value : stringify(value));
  }

  /** Waits until no blocked command holds the channel. */
  async idleChannel(name: string): Promise<Channel> {
    if (this.status === 'wait' && this.channel === null) void this.connect().catch(() => {});
    if (this.ready !== null) await this.ready;
    let channel = this.usableChannel(name);
    while (channel.busy) {
      await channel.runAsync(['ping']).catch(() => {});
      channel = this.usableChannel(name);
    }
    return channel;
  }

  private quitCommand(): Promise<unknown> {
    const channel = this.channel;
    if (channel === null || channel.closed) {
      this.status = 'end';
      return Promise.resolve('OK');
    }
    channel.runSync(['quit']);
    return Promise.resolve('OK');
  }

  private onMessage(items: unknown[]): void {
    // Events on a later microtask, as messages read from a socket would arrive.
    queueMicrotask(() => this.emitMessage(items));
  }

  private emitMessage(items: unknown[]): void {
    const kind = String(items[0]);
    const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : v);
    if (kind === 'message' || kind === 'smessage') {
      this.emit(kind, text(items[1]), text(items[2]));
      this.emit(kind + 'Buffer', items[1], items[2]);
    } else if (kind === 'pmessage') {
      this.emit('pmessage', text(items[1]), text(items[2]), text(items[3]));
      this.emit('pmessageBuffer', items[1], items[2], items[3]);
    }
  }

  /** A batch of commands run together; exec() answers [[error, result], ...]. */
  pipeline(commands?: unknown[][]): Pipeline {
    const p = new Pipeline(this, false);
    for (const c of commands ?? []) p.call(String(c[0]), ...c.slice(1));
    return p;
  }

  /**
   * A transaction: multi().set(...).get(...).exec(). With { pipeline: false }, MULTI is sent
   * at once and the following commands reply QUEUED until exec().
   */
  multi(commandsOrOptions?: unknown[][] | { pipeline?: boolean }, options?: { pipeline?: boolean }): Pipeline | Promise<unknown> {
    const opts = Array.isArray(commandsOrOptions) ? options : commandsOrOptions;
    if (opts?.pipeline === false) {
      this.manualMulti = true;
      return this.send('multi', [], false);
    }
    const p = new Pipeline(this, true);
    if (Array.isArray(commandsOrOptions)) for (const c of commandsOrOptions) p.call(String(c[0]), ...c.slice(1));
    return p;
  }

  private execManual(): Promise<unknown> {
    this.manualMulti = false;
    return this.send('exec', [], false).then((result) =>
      Array.isArray(result) ? result.map((r) => (r instanceof Error ? [r] : [null, r])) : result,
    );
  }

  scanStream(options: ScanStreamOptions = {}): Readable {
    return new ScanStream(this, 'scan', null, options);
  }

  sscanStream(key: string | Buffer, options: ScanStreamOptions = {}): Readable {
    return new ScanStream(this, 'sscan', key, options);
  }

  hscanStream(key: string | Buffer, options: ScanStreamOptions = {}): Readable {
    return new ScanStream(this, 'hscan', key, options);
  }

  zscanStream(key: string | Buffer, options: ScanStreamOptions = {}): Readable {
    return new ScanStream(this, 'zscan', key, options);
  }

  /**
   * ioredis's custom commands: `name(...keys, ...args)` (and `nameBuffer`) run the script by
   * EVALSHA, falling back to EVAL when the server does not have it cached. Without
   * numberOfKeys the first argument is the key count. Not added to pipelines.
   */
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number; readOnly?: boolean }): void {
    const sha = createHash('sha1').update(definition.lua).digest('hex');
    const [evalName, evalShaName] = definition.readOnly === true ? ['eval_ro', 'evalsha_ro'] : ['eval', 'evalsha'];
    const command = (buffers: boolean) => (...args: unknown[]) => {
      const [rest, callback] = splitCallback(args);
      const params = definition.numberOfKeys === undefined ? rest : [definition.numberOfKeys, ...rest];
      const run = this.send(evalShaName, [sha, ...params], buffers).catch((e: Error) => {
        if (!e.message.startsWith('NOSCRIPT')) throw e;
        return this.send(evalName, [definition.lua, ...params], buffers);
      });
      return withCallback(run, callback);
    };
    const self = this as unknown as Record<string, unknown>;
    self[name] = command(false);
    self[`${name}Buffer`] = command(true);
  }

  monitor(): Promise<never> {
    return Promise.reject(new Error('cairn/ioredis: monitor() is not supported in-process'));
  }
}

export interface ScanStreamOptions {
  match?: string;
  type?: string;
  count?: number;
}

/** ioredis's ScanStream: pushes each batch of SCAN results as an array. */
class ScanStream extends Readable {
  private cursor = '0';
  private drained = false;

  constructor(
    private readonly redis: Redis,
    private readonly command: string,
    private readonly key: string | Buffer | null,
    private readonly scan: ScanStreamOptions,
  ) {
    super({ objectMode: true });
  }

  override _read(): void {
    if (this.drained) {
      this.push(null);
      return;
    }
    const args: unknown[] = this.key === null ? [this.cursor] : [this.key, this.cursor];
    if (this.scan.match) args.push('MATCH', this.scan.match);
    if (this.scan.type) args.push('TYPE', this.scan.type);
    if (this.scan.count) args.push('COUNT', String(this.scan.count));
    this.redis.send(this.command, args, false).then(
      (reply) => {
        const [cursor, items] = reply as [string, unknown[]];
        this.cursor = cursor;
        if (cursor === '0') this.drained = true;
        this.push(items);
      },
      (error: Error) => this.emit('error', error),
    );
  }

  close(): void {
    this.drained = true;
  }
}

interface Queued {
  name: string;
  argv: string[] | null;
  /** An error found before running (bad arguments): reported in its slot. */
  error: Error | null;
  buffers: boolean;
  callback: Callback | undefined;
}

/** ioredis's Pipeline (and multi() transaction): commands chain, exec() runs them. */
export class Pipeline {
  private readonly queue: Queued[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly transaction: boolean,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  call(command: string, ...args: unknown[]): this {
    return this.add(command.toLowerCase(), args, false);
  }

  callBuffer(command: string, ...args: unknown[]): this {
    return this.add(command.toLowerCase(), args, true);
  }

  /** @internal */
  add(name: string, args: unknown[], buffers: boolean): this {
    const [rest, callback] = splitCallback(args);
    let argv: string[] | null = null;
    let error: Error | null = null;
    try {
      argv = this.redis.argvOf(name, rest);
    } catch (e) {
      error = e as Error;
    }
    this.queue.push({ name, argv, error, buffers, callback });
    return this;
  }

  exec(callback?: Callback): Promise<unknown> {
    const queue = this.queue.splice(0);
    const promise = this.transaction ? this.runTransaction(queue) : this.runPipeline(queue);
    return withCallback(promise, callback);
  }

  private async runPipeline(queue: Queued[]): Promise<[Error | null, unknown?][]> {
    const redis = this.redis;
    const results: [Error | null, unknown?][] = [];
    // Sent together, answered in order, with nothing of this client's in between.
    let channel: Channel | null = null;
    try {
      channel = await redis.idleChannel('ping');
    } catch {
      // Each command below fails with the reason.
    }
    for (const q of queue) {
      let entry: [Error | null, unknown?];
      try {
        if (q.error !== null) throw q.error;
        if (channel === null || channel.busy || BLOCKING.has(q.name)) {
          entry = [null, await redis.send(q.name, argsOf(q), q.buffers)];
        } else {
          entry = [null, redis.runNow(redis.usableChannel(q.name), q.name, q.argv!, q.buffers)];
        }
      } catch (e) {
        entry = [e as Error];
      }
      results.push(entry);
    }
    for (let i = 0; i < queue.length; i++) queue[i]!.callback?.(results[i]![0], results[i]![1]);
    return results;
  }

  private async runTransaction(queue: Queued[]): Promise<[Error | null, unknown?][] | null> {
    const redis = this.redis;
    const channel = await redis.idleChannel('multi');
    // MULTI ... EXEC in one synchronous run: no other command of this client can land inside.
    redis.runNow(channel, 'multi', ['multi'], false);
    const queueErrors: Error[] = [];
    for (const q of queue) {
      try {
        if (q.error !== null) throw q.error;
        redis.runNow(channel, q.name, q.argv!, q.buffers);
      } catch (e) {
        queueErrors.push(e as Error);
      }
    }
    let replies: unknown;
    try {
      replies = redis.runNow(channel, 'exec', ['exec'], true);
    } catch (e) {
      const error = e as Error & { previousErrors?: Error[] };
      // ioredis: EXECABORT carries the errors of the commands that were refused.
      if (/^EXECABORT/.test(error.message)) error.previousErrors = queueErrors;
      throw error;
    }
    if (replies === null) return null;
    const list = replies as unknown[];
    return queue.map((q, i) => {
      const reply = list[i];
      // ioredis: [error] for a failed command, [null, result] otherwise.
      const entry: [Error | null, unknown?] =
        reply instanceof Error ? [reply] : [null, transformReply(q.name, q.buffers ? reply : stringify(reply))];
      q.callback?.(entry[0], entry[1]);
      return entry;
    });
  }
}

/** Arguments already converted (and prefixed): passed through as Buffers of their bytes. */
function argsOf(q: Queued): unknown[] {
  return q.argv!.slice(1).map((a) => Buffer.from(a, 'latin1'));
}

const BLOCKING = new Set<string>();

// Every command of the table as `name` and `nameBuffer` on clients and pipelines.
const OWN = new Set(['multi', 'pipeline', 'call', 'connect', 'disconnect', 'duplicate', 'monitor', 'quit']);
for (const decl of allCommands) {
  const name = decl.name;
  if (decl.flags.includes('blocking')) BLOCKING.add(name);
  const client = Redis.prototype as unknown as Record<string, unknown>;
  const pipeline = Pipeline.prototype as unknown as Record<string, unknown>;
  if (!OWN.has(name)) {
    client[name] = function (this: Redis, ...args: unknown[]) {
      const [rest, callback] = splitCallback(args);
      return withCallback(this.send(name, rest, false), callback);
    };
  }
  client[name + 'Buffer'] = function (this: Redis, ...args: unknown[]) {
    const [rest, callback] = splitCallback(args);
    return withCallback(this.send(name, rest, true), callback);
  };
  if (name !== 'exec' && name !== 'multi') {
    pipeline[name] = function (this: Pipeline, ...args: unknown[]) {
      return this.add(name, args, false);
    };
    pipeline[name + 'Buffer'] = function (this: Pipeline, ...args: unknown[]) {
      return this.add(name, args, true);
    };
  }
}
(Redis.prototype as unknown as Record<string, unknown>).quit = function (this: Redis, callback?: Callback) {
  return withCallback(this.send('quit', [], false), callback);
};

// Command methods are installed from the command table; typed loosely, as ioredis's own
// are hundreds of overloads of these shapes.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Redis {
  [command: string]: any;
}
export interface Pipeline {
  [command: string]: any;
}

export default Redis;
