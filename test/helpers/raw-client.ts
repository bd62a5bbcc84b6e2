/**
 * A raw RESP client for tests: sends bytes, returns each reply's exact bytes, so
 * differential tests compare what the servers wrote, not what a client library made of it.
 */
import net from 'node:net';

/** End offset of one complete RESP2/RESP3 reply starting at pos, or -1 if incomplete. */
export function replyEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const type = String.fromCharCode(buf[pos]!);
  const lineEnd = buf.indexOf('\r\n', pos);
  if (lineEnd < 0) return -1;
  const header = buf.toString('latin1', pos + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return next;
    case '$':
    case '=':
    case '!': {
      const len = Number(header);
      if (len < 0) return next;
      return buf.length >= next + len + 2 ? next + len + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      let count = Number(header);
      if (count < 0) return next;
      if (type === '%' || type === '|') count *= 2;
      let p = next;
      for (let i = 0; i < count; i++) {
        p = replyEnd(buf, p);
        if (p < 0) return -1;
      }
      return p;
    }
    default:
      throw new Error(`unexpected reply type ${JSON.stringify(type)} in ${JSON.stringify(buf.toString('latin1', pos, pos + 80))}`);
  }
}

/** Bytes a top-level bulk reply whose header has arrived needs in all; 0 if unknown. */
function bulkBytesNeeded(buf: Buffer): number {
  if (buf.length === 0 || buf[0] !== 0x24 /* $ */) return 0;
  const lineEnd = buf.indexOf('\r\n');
  if (lineEnd < 0) return 0;
  const len = Number(buf.toString('latin1', 1, lineEnd));
  return len >= 0 ? lineEnd + 2 + len + 2 : 0;
}

/** Encodes argv as a RESP multibulk request. */
export function encodeCommand(argv: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export class RawClient {
  private buf = Buffer.alloc(0);
  /** Chunks not yet joined onto buf: joining each one would copy a 100 MB reply 1,600 times. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  /** Total bytes the reply being read needs before it is worth joining and parsing again. */
  private need = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.chunkBytes += d.length;
      if (this.buf.length + this.chunkBytes >= this.need) this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private join(): void {
    if (this.chunks.length === 0) return;
    this.buf = Buffer.concat([this.buf, ...this.chunks]);
    this.chunks = [];
    this.chunkBytes = 0;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private waitData(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms; buffered: ${JSON.stringify(this.buf.toString('latin1').slice(0, 200))}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Sends argv and returns the raw reply. */
  async call(...argv: (string | Buffer)[]): Promise<string> {
    this.write(encodeCommand(argv));
    return this.read();
  }

  /** The next complete reply's bytes (latin1). Rejects if the connection closes first. */
  async read(timeoutMs = 10_000): Promise<string> {
    for (;;) {
      this.join();
      const end = replyEnd(this.buf, 0);
      if (end >= 0) {
        this.need = 0;
        const reply = this.buf.toString('latin1', 0, end);
        this.buf = this.buf.subarray(end);
        return reply;
      }
      this.need = bulkBytesNeeded(this.buf);
      if (this.closed) throw new Error(`connection closed; buffered: ${JSON.stringify(this.buf.toString('latin1'))}`);
      await this.waitData(timeoutMs);
    }
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    while (!this.closed) await this.waitData(timeoutMs);
  }

  /** Bytes received and not yet returned by read(). */
  pending(): string {
    this.join();
    return this.buf.toString('latin1');
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Parses one reply into JS values, for assertions that need structure. */
export function parseReply(text: string): unknown {
  const buf = Buffer.from(text, 'latin1');
  const [value] = parseAt(buf, 0);
  return value;
}

function parseAt(buf: Buffer, pos: number): [unknown, number] {
  const type = String.fromCharCode(buf[pos]!);
  const lineEnd = buf.indexOf('\r\n', pos);
  const header = buf.toString('latin1', pos + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return [header, next];
    case '-':
      return [new Error(header), next];
    case ':':
      return [Number(header), next];
    case '_':
      return [null, next];
    case ',':
      return [Number(header.replace(/^inf$/, 'Infinity').replace(/^-inf$/, '-Infinity')), next];
    case '#':
      return [header === 't', next];
    case '(':
      return [BigInt(header), next];
    case '$':
    case '=':
    case '!': {
      const len = Number(header);
      if (len < 0) return [null, next];
      return [buf.toString('latin1', next, next + len), next + len + 2];
    }
    default: {
      let count = Number(header);
      if (count < 0) return [null, next];
      if (type === '%' || type === '|') count *= 2;
      const items: unknown[] = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        const [v, e] = parseAt(buf, p);
        items.push(v);
        p = e;
      }
      return [items, p];
    }
  }
}
