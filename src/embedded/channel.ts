/**
 * An in-process client of the engine: a Session whose transport is this object instead of
 * a socket, and whose replies are JavaScript values (ValueReply).
 *
 * Commands normally run synchronously (runSync): the engine is synchronous, so a GET is a
 * function call. A command that waits (a blocking pop with nothing to pop, or any command
 * during CLIENT PAUSE) runs through runAsync, which queues behind it what comes next on
 * the same channel, as a connection's pipeline would.
 */
import type { Engine } from '../engine/engine.js';
import type { Session, Transport } from '../engine/session.js';
import { PushMessage, ReplyError, ValueReply, type DecodeOptions } from './value-reply.js';

const SUBSCRIPTION_REPLIES = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);

interface Pending {
  argv: string[];
  resolve: (values: unknown[]) => void;
  reject: (error: Error) => void;
}

/** One command's reply as a caller sees it: thrown if an error; several values (SUBSCRIBE a b) as an array; none (CLIENT REPLY OFF) as undefined. */
export function unwrapValues(values: unknown[]): unknown {
  if (values.length === 1) {
    const value = values[0];
    if (value instanceof ReplyError) throw value;
    return value;
  }
  return values.length === 0 ? undefined : values;
}

export class ChannelClosedError extends ReplyError {
  constructor() {
    super('ERR Connection is closed.');
  }
}

export class Channel implements Transport {
  readonly addr = 'embedded';
  readonly laddr = 'embedded';
  readonly fd = -1;
  readonly session: Session;
  readonly reply: ValueReply;
  closed = false;
  /**
   * Messages (pub/sub, MONITOR) that arrive outside a reply, in order. Called synchronously
   * outside the engine; it should defer running application code (queueMicrotask).
   */
  onPush: ((items: unknown[]) => void) | null = null;
  /** Called once when the channel closes (close(), QUIT, CLIENT KILL). */
  onClose: (() => void) | null = null;

  /** Async commands waiting their turn; the head runs when `running` is null. */
  private readonly queue: Pending[] = [];
  /** The command that is blocked or postponed, if any. */
  private running: Pending | null = null;
  private postponed = false;
  private drainScheduled = false;
  /**
   * Keeps the process alive while a command waits, as an open socket would: the engine's
   * own timers are unref'd, and an awaited BLPOP must not end the program.
   */
  private keepAlive: NodeJS.Timeout | null = null;

  constructor(
    readonly engine: Engine,
    decode: DecodeOptions,
    resp: 2 | 3,
  ) {
    this.reply = new ValueReply(decode);
    this.reply.resp = resp;
    this.reply.onError = (message) => engine.countError(message);
    this.session = engine.openSession(this.reply, this);
  }

  /** Whether an async command is in progress (blocked or postponed) or queued. */
  get busy(): boolean {
    return this.running !== null || this.queue.length > 0;
  }

  /**
   * Runs a command now and returns the values it replied (normally one; none under CLIENT
   * REPLY OFF). Throws when the command would have to wait: callers route blocking
   * commands through runAsync.
   */
  runSync(argv: string[]): unknown[] {
    // Messages pushed since the last command, not yet drained: they come first.
    if (this.reply.values.length !== 0) this.drainPushes();
    if (this.closed) throw new ChannelClosedError();
    if (this.busy) throw new ReplyError('ERR a blocking command is waiting on this connection; use another one');
    this.engine.beginBatch();
    this.engine.execute(this.session, argv);
    return this.afterExecute(argv);
  }

  /** What a synchronous execute left: its reply values, or the reason it could not run. */
  private afterExecute(argv: string[]): unknown[] {
    const engine = this.engine;
    engine.aof.commitSync(this.session);
    if (this.session.blocked !== null) {
      engine.blocking.release(this.session);
      throw new ReplyError('ERR this command blocks: call it through the async API');
    }
    if (engine.isPostponed(this.session)) {
      engine.cancelPostponed(this.session);
      throw new ReplyError(`ERR the server is paused (CLIENT PAUSE) and ${argv[0]} cannot wait here: use the async API`);
    }
    return this.collectOwned();
  }

  /**
   * runSync for the common case: the one reply value, thrown if it is an error. No
   * allocation beyond what the command itself makes.
   */
  runOne(argv: string[]): unknown {
    const values = this.reply.values;
    if (values.length === 0 && !this.busy && !this.closed) {
      const engine = this.engine;
      engine.beginBatch();
      if (engine.execute(this.session, argv) && this.session.blocked === null && (values.length as number) === 1 && !(values[0] instanceof PushMessage)) {
        engine.aof.commitSync(this.session);
        const value = values.pop();
        if (value instanceof ReplyError) throw value;
        return value;
      }
      // Anything else (paused, blocked, pushes, several values): the general path's rules.
      return unwrapValues(this.afterExecute(argv));
    }
    return unwrapValues(this.runSync(argv));
  }

  /** Runs a command that may wait; resolves with the values it replied. */
  runAsync(argv: string[]): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new ChannelClosedError());
    return new Promise((resolve, reject) => {
      this.queue.push({ argv, resolve, reject });
      if (this.running === null) this.pump();
    });
  }

  /** Runs queued async commands until one has to wait. */
  private pump(): void {
    const engine = this.engine;
    while (this.running === null && this.queue.length > 0 && !this.closed) {
      const next = this.queue.shift()!;
      engine.beginBatch();
      if (!engine.execute(this.session, next.argv)) {
        this.wait(next);
        this.postponed = true;
        return;
      }
      if (this.session.blocked !== null) {
        this.wait(next);
        return;
      }
      next.resolve(this.collectOwned());
    }
  }

  private wait(pending: Pending): void {
    this.running = pending;
    this.keepAlive ??= setInterval(() => {}, 1 << 30);
  }

  private done(): void {
    this.running = null;
    if (this.keepAlive !== null) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }

  /** Takes the reply values, handing pushed messages to onPush. */
  private collect(): unknown[] {
    const live = this.reply.values;
    let pushes = false;
    for (let i = 0; i < live.length; i++) if (live[i] instanceof PushMessage) pushes = true;
    // The reply's own array: callers consume it before the next command runs.
    if (!pushes) return live;
    const values = this.reply.take();
    const replies: unknown[] = [];
    for (const v of values) {
      // RESP3 answers (UN)SUBSCRIBE with pushes: those are this command's reply.
      if (v instanceof PushMessage && !SUBSCRIPTION_REPLIES.has(String(v.items[0]))) this.deliver(v.items);
      else replies.push(v instanceof PushMessage ? v.items : v);
    }
    return replies;
  }

  /** collect() into an array of the caller's own, for replies delivered later. */
  private collectOwned(): unknown[] {
    const values = this.collect();
    if (values !== this.reply.values) return values;
    const own = values.slice();
    values.length = 0;
    return own;
  }

  /**
   * Hands a message to onPush at once (never from inside the engine: callers run after
   * execute returned). onPush decides who gets it now, and defers calling them.
   */
  private deliver(items: unknown[]): void {
    this.onPush?.(items);
  }

  /** Hands values that arrived between commands to onPush. */
  drainPushes(): void {
    if (this.running !== null) return;
    for (const v of this.reply.take()) this.deliver(v instanceof PushMessage ? v.items : (v as unknown[]));
  }

  /** Output produced while we were not running a command: a served block, or messages. */
  private drain(): void {
    this.drainScheduled = false;
    if (this.closed) return;
    const running = this.running;
    if (running !== null && this.postponed) {
      // CLIENT PAUSE ended: run it again.
      this.engine.beginBatch();
      if (!this.engine.execute(this.session, running.argv)) return;
      this.postponed = false;
      if (this.session.blocked !== null) return;
      this.done();
      running.resolve(this.collectOwned());
      this.pump();
      return;
    }
    if (running !== null && this.session.blocked === null) {
      this.done();
      running.resolve(this.collectOwned());
      this.pump();
      return;
    }
    // Between commands everything is pushed: RESP3 pushes, or RESP2 pub/sub arrays.
    this.drainPushes();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.closed) return;
    this.drainScheduled = true;
    queueMicrotask(() => this.drain());
  }

  /** Closes the session; queued and waiting commands fail. */
  closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    this.engine.closeSession(this.session);
    const error = new ChannelClosedError();
    const running = this.running;
    this.done();
    if (running !== null) running.reject(error);
    for (const p of this.queue.splice(0)) p.reject(error);
    this.onClose?.();
  }

  // ---- Transport ----

  close(afterReply: boolean): void {
    // QUIT's own reply is taken by the caller before the microtask runs.
    if (afterReply) queueMicrotask(() => this.closeNow());
    else this.closeNow();
  }

  flushSoon(): void {
    this.scheduleDrain();
  }

  queryBufferBytes(): number {
    return 0;
  }

  outputBufferBytes(): number {
    return 0;
  }

  resume(): void {
    this.scheduleDrain();
  }
}
