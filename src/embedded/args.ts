/**
 * JavaScript arguments to a command's argv (byte strings, one char per byte, as the
 * network parser produces them).
 *
 * Strings are UTF-8 encoded, Buffers taken byte for byte, numbers written in decimal.
 * Arrays are flattened. A Map or plain object is, for the commands that take field/value
 * pairs (HSET, MSET...), those pairs; for every other command an options object whose
 * keys are the command's tokens: { ex: 60, nx: true } is "EX 60 NX", { withScores: true }
 * is "WITHSCORES", { limit: { offset: 0, count: 10 } } is "LIMIT 0 10".
 */

/** What a command argument may be. */
export type Arg = string | Buffer | Uint8Array | number | bigint;

/** Commands whose object argument is field/value (or key/value) pairs, as in ioredis. */
export const PAIR_COMMANDS = new Set(['hset', 'hmset', 'hsetnx', 'mset', 'msetnx']);

/**
 * Whether a string is plain ASCII, so it is its own UTF-8 encoding (and its own latin1
 * byte string). Short strings by a loop, which V8 compiles inline; long ones natively.
 */
export function isAscii(text: string): boolean {
  const length = text.length;
  if (length > 48) return Buffer.byteLength(text, 'utf8') === length;
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** A JS string or Buffer as a byte string. */
export function toBytes(value: string | Buffer | Uint8Array): string {
  if (typeof value === 'string') {
    // ASCII (the common case) is already one char per byte.
    return isAscii(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
  }
  return Buffer.isBuffer(value) ? value.toString('latin1') : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
}

function scalar(value: unknown, command: string): string {
  switch (typeof value) {
    case 'string':
      return toBytes(value);
    case 'number':
      if (Number.isNaN(value)) throw new TypeError(`${command.toUpperCase()}: NaN is not a valid argument`);
      return value === Infinity ? 'inf' : value === -Infinity ? '-inf' : String(value);
    case 'bigint':
      return String(value);
    default:
      if (value instanceof Uint8Array) return toBytes(value);
      throw new TypeError(`${command.toUpperCase()}: arguments must be strings, Buffers or numbers, not ${value === null ? 'null' : typeof value}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Appends args to argv. `command` is the lowercase command name. */
export function pushArgs(argv: string[], args: readonly unknown[], command: string): void {
  for (const arg of args) {
    if (typeof arg === 'string') argv.push(isAscii(arg) ? arg : toBytes(arg));
    else if (typeof arg === 'number' || typeof arg === 'bigint' || arg instanceof Uint8Array) argv.push(scalar(arg, command));
    else if (Array.isArray(arg)) pushArgs(argv, arg, command);
    else if (arg instanceof Map) {
      for (const [k, v] of arg) argv.push(scalar(k, command), scalar(v, command));
    } else if (isPlainObject(arg)) {
      if (PAIR_COMMANDS.has(command)) {
        for (const k of Object.keys(arg)) argv.push(scalar(k, command), scalar(arg[k], command));
      } else pushOptions(argv, arg, command);
    } else argv.push(scalar(arg, command));
  }
}

/** { ex: 60, nx: true } → EX 60 NX. False, null and undefined leave the option out. */
function pushOptions(argv: string[], options: Record<string, unknown>, command: string): void {
  for (const name of Object.keys(options)) {
    const value = options[name];
    if (value === undefined || value === null || value === false) continue;
    argv.push(name.toUpperCase());
    if (value === true) continue;
    if (Array.isArray(value)) pushArgs(argv, value, command);
    else if (isPlainObject(value)) {
      // LIMIT { offset, count } in Redis's order whatever the object's key order.
      if ('offset' in value && 'count' in value) argv.push(scalar(value.offset, command), scalar(value.count, command));
      else for (const v of Object.values(value)) argv.push(scalar(v, command));
    } else argv.push(scalar(value, command));
  }
}
