/**
 * One client connection: bytes in, parsed commands through the engine, replies out.
 *
 * Every read event runs all complete commands it carries and answers them with a single
 * socket write (see ../shared/PERFORMANCE-NOTES.md: separate writes cost several times
 * the CPU). When the peer stops reading, reading from it stops too once its unsent
 * replies pass a bound, so a client that pipelines without reading cannot grow the
 * server's memory without limit; nothing is dropped.
 */
import { Socket as NetSocket, type Socket } from 'node:net';
import type { Engine } from '../engine/engine.js';
import type { Session, Transport } from '../engine/session.js';
import { ProtocolError, QUERY_BUFFER_LIMIT, RequestParser } from '../protocol/parser.js';
import { RespWriter } from '../protocol/reply.js';

/** Unsent reply bytes above which we stop reading from the client until it drains. */
const OUTPUT_HIGH_WATER = 32 * 1024 * 1024;

/**
 * Every connection reads into this one buffer (the socket `onread` option): no Buffer is
 * allocated per read. Safe because a read is parsed to the end synchronously and the
 * parser copies out whatever it has not consumed (RequestParser.retain).
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** Commands parsed ahead of running at most (see nextCommand). */
const BATCH = 16;

export class Connection implements Transport {
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  readonly session: Session;
  private readonly parser: RequestParser;
  private readonly writer = new RespWriter();
  /** Commands parsed ahead and not yet run (nextCommand): batch[batchPos..batchLen). */
  private readonly batch: (string[] | null)[] = new Array<string[] | null>(BATCH).fill(null);
  private batchPos = 0;
  private batchLen = 0;
  private readonly batchKeys: string[] = new Array<string>(BATCH).fill('');
  /** A protocol error met while parsing: answered once the commands before it have run. */
  private protocolError: ProtocolError | null = null;
  /** The query buffer limit was reached: the client is closed once the commands before have run. */
  private overLimit = false;
  /** A command postponed by CLIENT PAUSE, retried on resume(). */
  private waiting: string[] | null = null;
  readonly suspendable = true;
  private closing = false;
  private closed = false;
  private flushScheduled = false;
  private readPaused = false;
  private resumeScheduled = false;
  /** Replies are held until the append-only file is fsynced (appendfsync always). */
  private awaitingSync = false;

  private readonly socket: Socket;

  /**
   * Takes over an accepted socket's handle (the server accepts with pauseOnConnect, so no
   * byte has been read) and wraps it in a socket that reads through `onread`.
   */
  constructor(
    accepted: Socket,
    private readonly engine: Engine,
    private readonly onClose: (c: Connection) => void,
  ) {
    this.addr = formatAddr(accepted.remoteAddress, accepted.remotePort);
    this.laddr = formatAddr(accepted.localAddress, accepted.localPort);
    const internal = accepted as unknown as { _handle: { fd?: number } | null };
    const handle = internal._handle;
    this.fd = handle?.fd ?? -1;
    internal._handle = null;
    // Lets the net.Server count the connection as gone; the handle lives on below.
    accepted.destroy();
    const socket = new NetSocket({
      handle,
      readable: true,
      writable: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes: number) => {
          this.onData(bytes);
          return !this.readPaused;
        },
      },
    } as ConstructorParameters<typeof NetSocket>[0]);
    this.socket = socket;
    this.writer.onError = (message) => engine.countError(message);
    this.session = engine.openSession(this.writer, this);
    this.parser = new RequestParser({
      maxBulkLen: engine.config.protoMaxBulkLen,
      maxQueryBuffer: engine.config.clientQueryBufferLimit,
    });
    socket.setNoDelay(true);
    if (engine.config.tcpKeepalive > 0) socket.setKeepAlive(true, engine.config.tcpKeepalive * 1000);
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
    socket.resume();
  }

  private onData(bytes: number): void {
    if (this.closing) return;
    this.engine.stats.netInputBytes += bytes;
    // Limits can change with CONFIG SET while we are connected.
    this.parser.limits.maxBulkLen = this.engine.config.protoMaxBulkLen;
    this.parser.limits.maxQueryBuffer = this.engine.config.clientQueryBufferLimit;
    this.parser.feed(READ_BUFFER, bytes);
    this.process();
  }

  /** Runs every complete command in the query buffer, then writes the replies once. */
  private process(): void {
    const engine = this.engine;
    const session = this.session;
    const parser = this.parser;
    engine.beginBatch();
    session.lastInteraction = engine.clock.now;
    let executed = 0;
    while (!this.closing && this.waiting === null && session.blocked === null && !session.suspended) {
      if ((++executed & 127) === 0) engine.beginBatch();
      // Stop running commands while too many replies are unsent: the rest of the input
      // waits in the parser until the socket drains (one read can ask for gigabytes).
      if (this.writer.out.length + this.socket.writableLength > OUTPUT_HIGH_WATER) {
        this.readPaused = true;
        this.socket.pause();
        break;
      }
      const argv = this.nextCommand();
      if (argv === null) {
        // Nothing to run: the input ends mid-command, or is bad.
        const error = this.protocolError;
        if (error !== null) {
          engine.log.verbose(`Protocol error (${error.reply}) from client: id=${session.id} addr=${this.addr}`);
          this.writer.error(error.reply);
          this.close(true);
          break;
        }
        if (this.overLimit) {
          engine.log.warning(`Closing client that reached max query buffer length: id=${session.id} addr=${this.addr}`);
          this.close(false);
          return;
        }
        break;
      }
      if (!engine.execute(session, argv)) this.waiting = argv;
    }
    parser.retain();
    // A blocked or paused client keeps sending: its unread input is bounded all the same.
    if (parser.pendingBytes > engine.config.clientQueryBufferLimit) {
      engine.log.warning(`Closing client that reached max query buffer length: id=${session.id} addr=${this.addr}`);
      this.close(false);
      return;
    }
    this.flush();
    // The kernel may have taken every byte at once (large socket buffers): then no
    // 'drain' will come, and the client must not stay paused waiting for one.
    if (this.readPaused && !this.socket.writableNeedDrain) setImmediate(() => this.onDrain());
  }

  /**
   * The next command to run: one parsed earlier (the batch), else the next in the query
   * buffer. When the client's database is large enough for prefetching (Engine.prefetches)
   * the commands after it are parsed too, up to BATCH of them and as far as
   * Engine.keyAhead allows, and their keys prefetched, so that their lookups overlap their
   * cache misses (Database.prefetch). A protocol error or an over-long command met while
   * parsing ahead waits until the commands before it have run, as in Redis.
   */
  private nextCommand(): string[] | null {
    if (this.batchPos < this.batchLen) {
      const argv = this.batch[this.batchPos]!;
      this.batch[this.batchPos++] = null;
      return argv;
    }
    const first = this.parseOne();
    // Before AUTH the parser's limits depend on what ran: one command at a time.
    if (first === null || this.session.authRequired || !this.engine.prefetches(this.session)) return first;
    const engine = this.engine;
    const firstKey = engine.keyAhead(first);
    if (firstKey === null) return first;
    const keys = this.batchKeys;
    keys[0] = firstKey;
    let k = 1;
    let n = 0;
    while (n < BATCH - 1) {
      const argv = this.parseOne();
      if (argv === null) break;
      this.batch[n++] = argv;
      const key = engine.keyAhead(argv);
      if (key === null) break;
      keys[k++] = key;
    }
    this.batchPos = 0;
    this.batchLen = n;
    if (k > 1) engine.prefetch(this.session, keys, k);
    for (let j = 0; j < k; j++) keys[j] = '';
    return first;
  }

  /** The next command in the query buffer, or null: none complete, or a protocolError / overLimit met. */
  private parseOne(): string[] | null {
    if (this.protocolError !== null || this.overLimit) return null;
    this.parser.authRequired = this.session.authRequired;
    let argv: string[] | null | typeof QUERY_BUFFER_LIMIT;
    try {
      argv = this.parser.next();
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      this.protocolError = e;
      return null;
    }
    if (argv === QUERY_BUFFER_LIMIT) {
      this.overLimit = true;
      return null;
    }
    return argv;
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.awaitingSync) return;
    // Replies leave only after the writes they acknowledge are in the append-only file
    // (and, under appendfsync always, on disk: flush runs again once they are).
    if (this.writer.out.length > 0 && !this.engine.aof.repliesMayGo(this.session, () => this.synced())) {
      this.awaitingSync = true;
      return;
    }
    const out = this.writer.take();
    if (out.length > 0) {
      this.engine.stats.netOutputBytes += out.length;
      this.socket.write(out, 'latin1');
      if (this.socket.writableLength > 0 && this.engine.checkOutputLimit(this.session)) return;
    }
    if (this.closing) {
      this.socket.end();
      return;
    }
  }

  private synced(): void {
    this.awaitingSync = false;
    this.flush();
  }

  private onDrain(): void {
    if (!this.readPaused || this.closed) return;
    this.readPaused = false;
    this.socket.resume();
    // Commands that were read but held back while the output was full.
    this.process();
  }

  // ---- Transport ----

  close(afterReply: boolean): void {
    if (this.closed) return;
    if (afterReply) {
      this.closing = true;
      this.flushSoon();
    } else {
      this.destroy();
    }
  }

  flushSoon(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  queryBufferBytes(): number {
    return this.parser.pendingBytes;
  }

  outputBufferBytes(): number {
    return this.writer.out.length + this.socket.writableLength;
  }

  /**
   * Continues the pipeline after a pause ended or a blocking command was served. Deferred:
   * it is called from inside another client's command (the push that served us), and, as
   * in Redis, that client's pipeline goes on first; ours resumes on the next tick.
   */
  resume(): void {
    if (this.closed || this.resumeScheduled) return;
    this.resumeScheduled = true;
    setImmediate(() => {
      this.resumeScheduled = false;
      this.continuePipeline();
    });
  }

  private continuePipeline(): void {
    if (this.closed) return;
    const argv = this.waiting;
    if (argv !== null) {
      this.waiting = null;
      this.engine.beginBatch();
      if (!this.engine.execute(this.session, argv)) {
        this.waiting = argv;
        return;
      }
    }
    this.process();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.engine.closeSession(this.session);
    this.socket.destroy();
    this.onClose(this);
  }
}

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '?:0';
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
}
