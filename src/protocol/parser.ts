/**
 * Streaming parser for client requests: RESP multibulk frames and inline commands.
 *
 * It mirrors Redis's processMultibulkBuffer/processInlineBuffer so that every input gets
 * the same outcome (command, wait for more bytes, or the same protocol error text):
 * - state survives across reads, so a frame split at any byte parses the same and a
 *   command with a million arguments is not re-parsed on every read;
 * - arguments are latin1 strings: one byte per char, so they are binary safe and cheap
 *   to hash, compare and store (see ../shared/PERFORMANCE-NOTES.md);
 * - a large bulk argument is read straight into a buffer of its final size instead of
 *   concatenating reads, so a 100 MB value costs one copy, not a quadratic series.
 *
 * The caller may reuse the buffer it passed to feed() once next() has returned null:
 * unconsumed bytes are copied out before that.
 */

/** Longest inline command or header line without a newline (Redis PROTO_INLINE_MAX_SIZE). */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Multibulk count and bulk length allowed before AUTH when a password is set (CVE-2021-32675). */
export const UNAUTH_MAX_MULTIBULK = 10;
export const UNAUTH_MAX_BULK = 16384;
/** Bulks at least this large are collected in a buffer of their own. */
const BIG_BULK = 32 * 1024;
const MAX_INT32 = 2147483647;
/**
 * The query buffer when nothing is pending. Shared and never written to: a fresh
 * Buffer.alloc(0) after every read was a typed-array allocation per request at -P 1.
 */
const EMPTY = Buffer.alloc(0);
/**
 * argv between frames. Shared and never written to (a frame starts with argvFor): a new
 * `[]` per command was an allocation and, stored into the long-lived parser, a write
 * barrier's slow path.
 */
const NO_ARGV: string[] = [];

export class ProtocolError extends Error {
  /** The text sent to the client after "-", e.g. "ERR Protocol error: invalid bulk length". */
  constructor(readonly reply: string) {
    super(reply);
  }
}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** client-query-buffer-limit: bytes held for one unfinished command. */
  maxQueryBuffer: number;
}

/** Result of next() for an over-long query buffer: Redis closes such a client without a reply. */
export const QUERY_BUFFER_LIMIT = Symbol('query-buffer-limit');

const CR = 13;
const LF = 10;

export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** End of valid bytes in buf: a shared read buffer is longer than one read. */
  private end = 0;
  /** True when buf is the caller's buffer, which the caller may overwrite after next() returns null. */
  private borrowed = false;
  /** Arguments still to read for the current multibulk frame; 0 when between frames. */
  private remaining = 0;
  /** True between a multibulk header and the frame's last argument. */
  private inFrame = false;
  private bulkLen = -1;
  private argv: string[] = NO_ARGV;
  /** Arguments of the current frame already in argv. */
  private argc = 0;
  /** Bytes of the current unfinished frame already consumed into argv. */
  private frameBytes = 0;
  private big: Buffer | null = null;
  private bigFilled = 0;

  /** Set by the connection: whether the small pre-AUTH limits apply. */
  authRequired = false;

  constructor(readonly limits: ParserLimits) {}

  /** Hands the parser the first `length` bytes of chunk: one read. */
  feed(chunk: Buffer, length = chunk.length): void {
    if (this.big !== null) {
      const take = Math.min(length, this.big.length - this.bigFilled);
      chunk.copy(this.big, this.bigFilled, 0, take);
      this.bigFilled += take;
      chunk = chunk.subarray(take, length);
      length = chunk.length;
      if (this.bigFilled === this.big.length) {
        // Redis does not check the two bytes after a bulk; neither do we.
        this.argv[this.argc++] = this.big.latin1Slice(0, this.big.length - 2);
        this.frameBytes += this.big.length;
        this.big = null;
        this.remaining--;
      }
      if (length === 0) {
        this.buf = EMPTY;
        this.pos = 0;
        this.end = 0;
        this.borrowed = false;
        return;
      }
    }
    if (this.pos < this.end) {
      this.buf = Buffer.concat([this.buf.subarray(this.pos, this.end), chunk.subarray(0, length)]);
      this.borrowed = false;
    } else {
      this.buf = chunk;
      this.borrowed = true;
    }
    this.pos = 0;
    this.end = this.buf === chunk ? length : this.buf.length;
  }

  /** Bytes received but not yet turned into a command. */
  get pendingBytes(): number {
    return this.end - this.pos + this.frameBytes + (this.big ? this.bigFilled : 0);
  }

  /**
   * The next complete command, or null when more bytes are needed. An empty array is
   * never returned: empty inline lines and `*0` frames are skipped as Redis does.
   * Throws ProtocolError; returns QUERY_BUFFER_LIMIT when the unfinished command exceeds
   * client-query-buffer-limit.
   */
  next(): string[] | null | typeof QUERY_BUFFER_LIMIT {
    for (;;) {
      if (this.big !== null) return this.needMore();
      if (!this.inFrame) {
        if (this.pos >= this.end) return this.needMore();
        if (this.buf[this.pos] !== 42 /* '*' */) {
          const argv = this.parseInline();
          if (argv === null) return this.needMore();
          if (argv.length === 0) continue;
          return argv;
        }
        const count = this.readHeaderLine(42, 'too big mbulk count string');
        if (count === null) return this.needMore();
        if (count === false || count > MAX_INT32) {
          throw new ProtocolError('ERR Protocol error: invalid multibulk length');
        }
        if (count > UNAUTH_MAX_MULTIBULK && this.authRequired) {
          throw new ProtocolError('ERR Protocol error: unauthenticated multibulk length');
        }
        if (count <= 0) continue;
        this.inFrame = true;
        this.remaining = count;
        this.argv = argvFor(count);
        this.argc = 0;
        this.frameBytes = 0;
      }
      while (this.remaining > 0) {
        if (this.bulkLen < 0) {
          if (this.pos >= this.end) return this.needMore();
          const len = this.readHeaderLine(36, 'too big bulk count string');
          if (len === null) return this.needMore();
          if (len === false || len < 0 || len > this.limits.maxBulkLen) {
            throw new ProtocolError('ERR Protocol error: invalid bulk length');
          }
          if (len > UNAUTH_MAX_BULK && this.authRequired) {
            throw new ProtocolError('ERR Protocol error: unauthenticated bulk length');
          }
          this.bulkLen = len;
        }
        const available = this.end - this.pos;
        const need = this.bulkLen + 2;
        if (available < need) {
          if (this.bulkLen >= BIG_BULK) {
            if (this.frameBytes + need > this.limits.maxQueryBuffer) return QUERY_BUFFER_LIMIT;
            this.big = Buffer.allocUnsafe(need);
            this.buf.copy(this.big, 0, this.pos, this.end);
            this.bigFilled = available;
            this.bulkLen = -1;
            this.pos = this.end;
          }
          return this.needMore();
        }
        const buf = this.buf;
        const at = this.pos;
        const len = this.bulkLen;
        this.argv[this.argc] =
          this.argc === 0 ? commandName(buf, at, len) : len <= SHORT_STRING ? shortString(buf, at, len) : buf.latin1Slice(at, at + len);
        this.argc++;
        this.pos += need;
        this.frameBytes += need;
        this.bulkLen = -1;
        this.remaining--;
      }
      const argv = this.argv;
      this.argv = NO_ARGV;
      this.frameBytes = 0;
      this.inFrame = false;
      return argv;
    }
  }

  private needMore(): null | typeof QUERY_BUFFER_LIMIT {
    if (this.pendingBytes > this.limits.maxQueryBuffer) return QUERY_BUFFER_LIMIT;
    this.retain();
    return null;
  }

  /**
   * Copies unconsumed bytes out of the caller's buffer. The caller must call this when it
   * stops calling next() before next() returned null (a paused client), since it will
   * reuse the buffer it fed.
   */
  retain(): void {
    if (!this.borrowed) return;
    this.buf = this.pos < this.end ? Buffer.from(this.buf.subarray(this.pos, this.end)) : EMPTY;
    this.pos = 0;
    this.end = this.buf.length;
    this.borrowed = false;
  }

  /**
   * Reads a "*<n>\r\n" or "$<n>\r\n" line at pos. null: incomplete; false: not a valid
   * integer. Redis finds the line by its '\r' and then assumes the '\n'.
   */
  private readHeaderLine(prefix: number, tooBig: string): number | null | false {
    const buf = this.buf;
    const start = this.pos;
    const len = this.end;
    // One pass to the '\r' (header lines are a few bytes; a native indexOf call costs
    // more). Redis finds the line with strchr() on a NUL-terminated buffer: a NUL byte
    // before the '\r' hides it, and Redis keeps waiting for a line end. So do we.
    let cr = -1;
    for (let i = start; i < len; i++) {
      const c = buf[i];
      if (c === CR) {
        cr = i;
        break;
      }
      if (c === 0) break;
    }
    if (cr < 0) {
      if (len - start > PROTO_INLINE_MAX_SIZE) {
        throw new ProtocolError(`ERR Protocol error: ${tooBig}`);
      }
      return null;
    }
    if (cr + 1 >= len) return null;
    if (buf[start] !== prefix) {
      throw new ProtocolError(`ERR Protocol error: expected '$', got '${String.fromCharCode(buf[start]!)}'`);
    }
    const value = parseStrictInt(buf, start + 1, cr);
    this.pos = cr + 2;
    return value;
  }

  private parseInline(): string[] | null {
    const buf = this.buf;
    const start = this.pos;
    const end = this.end;
    let lf = buf.indexOf(LF, start);
    if (lf >= end) lf = -1;
    // As in readHeaderLine: Redis's strchr() stops at a NUL byte.
    if (lf >= 0 && hasNul(buf, start, lf)) lf = -1;
    if (lf < 0) {
      if (end - start > PROTO_INLINE_MAX_SIZE) {
        throw new ProtocolError('ERR Protocol error: too big inline request');
      }
      return null;
    }
    let lineEnd = lf;
    if (lineEnd > start && buf[lineEnd - 1] === CR) lineEnd--;
    const argv = splitArgs(buf.latin1Slice(start, lineEnd));
    if (argv === null) throw new ProtocolError('ERR Protocol error: unbalanced quotes in request');
    this.pos = lf + 1;
    return argv;
  }
}

/** Frames with more arguments than this start from an empty array that grows as they arrive. */
const PREALLOCATED_ARGS = 1024;

/**
 * A new frame's argument array, of its exact size when small: growing `[]` by push
 * allocates room for 17, most of a command's garbage after its strings. Not from array
 * literals: their copy-on-write backing store made the parser's element store go
 * megamorphic and through the runtime once frames of several sizes had been seen. A
 * header announcing a billion arguments reserves nothing.
 */
function argvFor(count: number): string[] {
  return count <= PREALLOCATED_ARGS ? new Array<string>(count) : [];
}

/** Arguments up to this many bytes are built by shortString() rather than latin1Slice(). */
const SHORT_STRING = 24;

/**
 * The latin1 string of b[i, i + len) for short arguments (keys, command names, small
 * numbers). Buffer#latin1Slice is a call into C++ with a fixed cost of ~55 ns;
 * String.fromCharCode with the bytes as arguments makes the same one-byte string in
 * 20-40 ns up to 24 bytes (measured on Node 20), and most arguments are that short.
 */
function shortString(b: Buffer, i: number, len: number): string {
  const f = String.fromCharCode;
  // Spelled out per length: fromCharCode.apply over a subarray costs twice latin1Slice.
  switch (len) {
    case 0:
      return '';
    case 1:
      return f(b[i]!);
    case 2:
      return f(b[i]!, b[i + 1]!);
    case 3:
      return f(b[i]!, b[i + 1]!, b[i + 2]!);
    case 4:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);
    case 5:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!);
    case 6:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!);
    case 7:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!);
    case 8:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
    case 9:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!);
    case 10:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!);
    case 11:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!);
    case 12:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!);
    case 13:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!);
    case 14:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!);
    case 15:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!);
    case 16:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!);
    case 17:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!, b[i + 16]!);
    case 18:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!, b[i + 16]!, b[i + 17]!);
    case 19:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!, b[i + 16]!, b[i + 17]!, b[i + 18]!);
    case 20:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!, b[i + 16]!, b[i + 17]!, b[i + 18]!, b[i + 19]!);
    case 21:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!, b[i + 16]!, b[i + 17]!, b[i + 18]!, b[i + 19]!, b[i + 20]!);
    case 22:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!, b[i + 16]!, b[i + 17]!, b[i + 18]!, b[i + 19]!, b[i + 20]!, b[i + 21]!);
    case 23:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!, b[i + 16]!, b[i + 17]!, b[i + 18]!, b[i + 19]!, b[i + 20]!, b[i + 21]!, b[i + 22]!);
    case 24:
      return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!, b[i + 16]!, b[i + 17]!, b[i + 18]!, b[i + 19]!, b[i + 20]!, b[i + 21]!, b[i + 22]!, b[i + 23]!);
    default:
      return b.latin1Slice(i, i + len);
  }
}

/**
 * Command names seen recently, by a hash of their bytes. Returning the same string
 * object for the same name saves building it and, since V8 caches a string's hash in
 * the string, rehashing it for the command table lookup. Names longer than
 * SHORT_STRING are not cached.
 */
const NAME_CACHE_SIZE = 64;
const nameCache: string[] = new Array<string>(NAME_CACHE_SIZE).fill('');

function commandName(b: Buffer, i: number, len: number): string {
  if (len === 0 || len > SHORT_STRING) return b.latin1Slice(i, i + len);
  const slot = (len * 31 + b[i]! * 7 + b[i + len - 1]!) & (NAME_CACHE_SIZE - 1);
  const cached = nameCache[slot]!;
  if (cached.length === len) {
    let same = true;
    for (let k = 0; k < len; k++) {
      if (cached.charCodeAt(k) !== b[i + k]) {
        same = false;
        break;
      }
    }
    if (same) return cached;
  }
  const name = shortString(b, i, len);
  nameCache[slot] = name;
  return name;
}

function hasNul(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 0) return true;
  return false;
}

/**
 * Redis's string2ll over bytes: optional '-', digits, no leading zeros, no '+', no
 * spaces, within a signed 64-bit range. Lengths above 2^53 are out of any limit we
 * accept, so precision loss there does not matter.
 */
function parseStrictInt(buf: Buffer, start: number, end: number): number | false {
  const len = end - start;
  if (len === 0 || len > 20) return false;
  let i = start;
  let negative = false;
  if (buf[i] === 45 /* '-' */) {
    negative = true;
    i++;
    if (i === end) return false;
  }
  if (buf[i] === 48 /* '0' */) {
    return i + 1 === end && !negative ? 0 : false;
  }
  let value = 0;
  for (; i < end; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return false;
    value = value * 10 + c;
  }
  if (value > 9223372036854775807) return false;
  return negative ? -value : value;
}

function isHexDigit(c: string): boolean {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

function isSpace(c: string): boolean {
  // C isspace(): space, \t, \n, \v, \f, \r
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

/**
 * Redis's sdssplitargs: splits an inline command line into arguments, honouring
 * "double quotes" with C escapes and \xHH, and 'single quotes' with \'. Returns null for
 * unbalanced quotes or a closing quote not followed by a space.
 */
export function splitArgs(line: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i]!)) i++;
    if (i >= n) return args;
    let inDouble = false;
    let inSingle = false;
    let current = '';
    let done = false;
    while (!done) {
      const c = line[i];
      if (inDouble) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && i + 3 < n && isHexDigit(line[i + 2]!) && isHexDigit(line[i + 3]!)) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i]!;
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1]!)) return null;
          done = true;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1]!)) return null;
          done = true;
        } else {
          current += c;
        }
      } else if (c === undefined) {
        done = true;
      } else if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\0') {
        done = true;
      } else if (c === '"') {
        inDouble = true;
      } else if (c === "'") {
        inSingle = true;
      } else {
        current += c;
      }
      if (i < n) i++;
    }
    args.push(current);
  }
}
