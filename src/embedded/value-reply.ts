/**
 * A Reply sink that builds JavaScript values instead of RESP bytes, for in-process callers.
 * Commands write to it exactly as they write to a socket (same Reply interface), so the
 * embedded API answers what the server answers, converted once into natural JS types.
 *
 * Conversion (the `decode` options): bulk and verbatim strings become UTF-8 strings, or
 * Buffers when asked; integers and doubles become numbers; RESP3 maps become plain objects
 * (or flat arrays for ioredis); nulls become null; error replies become ReplyError values.
 */
import type { SessionReply } from '../engine/session.js';
import { formatDouble as formatDoubleText } from '../protocol/reply.js';
import { isAscii } from './args.js';

/** An error reply from the database (Redis's "-ERR ..." / "-WRONGTYPE ..."). */
export class ReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
}

export interface DecodeOptions {
  /** Bulk strings as Buffers instead of strings. */
  buffers: boolean;
  /** RESP3 maps as plain objects (true) or as flat [key, value, ...] arrays (false). */
  mapsAsObjects: boolean;
  /**
   * RESP3 doubles and booleans in their RESP2 shapes (text, 1/0), as ioredis's "legacy"
   * reply mapping presents a RESP3 connection.
   */
  legacy?: boolean;
}

/** A message pushed to the client outside any reply (RESP3 `>`, pub/sub in RESP2). */
export class PushMessage {
  constructor(readonly items: unknown[]) {}
}

const MAP = 1;
const ARRAY = 2;
const PUSH = 3;

interface Frame {
  kind: number;
  items: unknown[];
  /** How many items complete the aggregate (a map of n pairs takes 2n). */
  size: number;
}

/** Marks pack the nesting depth and the item count at that depth into one number. */
const DEPTH_UNIT = 2 ** 32;


export class ValueReply implements SessionReply {
  resp: 2 | 3 = 3;
  errors = 0;
  /** Told of every error reply, for INFO errorstats. */
  onError: ((message: string) => void) | null = null;
  /** Completed top-level values since the last take(), in order. */
  readonly values: unknown[] = [];
  private readonly stack: Frame[] = [];

  constructor(readonly decode: DecodeOptions) {}

  /** Removes and returns the completed values. */
  take(): unknown[] {
    const out = this.values.slice();
    this.values.length = 0;
    return out;
  }

  mark(): number {
    const depth = this.stack.length;
    return depth === 0 ? this.values.length : depth * DEPTH_UNIT + this.stack[depth - 1]!.items.length;
  }

  rewind(mark: number): void {
    const depth = Math.floor(mark / DEPTH_UNIT);
    const length = mark - depth * DEPTH_UNIT;
    // A command that failed halfway may have left aggregates open.
    this.stack.length = Math.min(this.stack.length, depth);
    if (depth === 0) this.values.length = Math.min(this.values.length, length);
    else this.stack[depth - 1]!.items.length = Math.min(this.stack[depth - 1]!.items.length, length);
  }

  /**
   * MONITOR lines arrive encoded ("+<line>\r\n") at any time, even between a command's
   * reply values: in-process they are pushed messages ['monitor', line].
   */
  rawWrite(text: string): void {
    const line = text.startsWith('+') ? text.slice(1, text.endsWith('\r\n') ? -2 : undefined) : text;
    // Top level even if a reply were being built: a push is never part of a reply.
    this.values.push(new PushMessage(['monitor', this.text(line)]));
  }

  private emit(value: unknown): void {
    let stack = this.stack;
    if (stack.length === 0) {
      this.values.push(value);
      return;
    }
    let frame = stack[stack.length - 1]!;
    frame.items.push(value);
    // Completing an aggregate completes its parent's item, and so on upwards.
    while (frame.items.length === frame.size) {
      stack.pop();
      const done = this.finish(frame);
      if (stack.length === 0) {
        this.values.push(done);
        return;
      }
      frame = stack[stack.length - 1]!;
      frame.items.push(done);
      stack = this.stack;
    }
  }

  private open(kind: number, size: number): void {
    if (size === 0) {
      this.emit(kind === MAP && this.decode.mapsAsObjects ? {} : kind === PUSH ? new PushMessage([]) : []);
      return;
    }
    this.stack.push({ kind, items: [], size });
  }

  private finish(frame: Frame): unknown {
    if (frame.kind === PUSH) return new PushMessage(frame.items);
    if (frame.kind === MAP && this.decode.mapsAsObjects) {
      const object: Record<string, unknown> = {};
      const items = frame.items;
      for (let i = 0; i < items.length; i += 2) {
        const key = items[i];
        // Keys are strings even when values are Buffers (object keys cannot be Buffers).
        const name = typeof key === 'string' ? key : Buffer.isBuffer(key) ? key.toString('utf8') : String(key);
        // defineProperty: a key named "__proto__" must be data, not the prototype.
        Object.defineProperty(object, name, { value: items[i + 1], enumerable: true, writable: true, configurable: true });
      }
      return object;
    }
    return frame.items;
  }

  /** A byte string from the store, as the caller wants it. */
  private text(bytes: string): string | Buffer {
    if (this.decode.buffers) return Buffer.from(bytes, 'latin1');
    return isAscii(bytes) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
  }

  ok(): void {
    this.emit('OK');
  }

  simple(text: string): void {
    this.emit(text);
  }

  error(message: string): void {
    this.errors++;
    if (this.onError !== null) this.onError(message);
    this.emit(new ReplyError(message));
  }

  integer(n: number | bigint | string): void {
    this.emit(typeof n === 'number' ? n : Number(n));
  }

  bulk(value: string): void {
    this.emit(this.text(value));
  }

  nil(): void {
    this.emit(null);
  }

  nilArray(): void {
    this.emit(null);
  }

  array(length: number): void {
    this.open(ARRAY, length);
  }

  map(pairs: number): void {
    this.open(this.resp === 2 || !this.decode.mapsAsObjects ? ARRAY : MAP, pairs * 2);
  }

  set(length: number): void {
    this.open(ARRAY, length);
  }

  double(value: number, text?: string): void {
    // RESP2 sends doubles as bulk strings; a RESP2 caller (the ioredis facade) sees text.
    if (this.resp === 2 || this.decode.legacy === true) this.bulk(text ?? formatDoubleText(value));
    else this.emit(value);
  }

  boolean(value: boolean): void {
    if (this.resp === 2 || this.decode.legacy === true) this.emit(value ? 1 : 0);
    else this.emit(value);
  }

  verbatim(text: string): void {
    this.emit(this.text(text));
  }

  push(length: number): void {
    this.open(this.resp === 2 ? ARRAY : PUSH, length);
  }
}
