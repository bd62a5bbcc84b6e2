/**
 * Client-side caching (CLIENT TRACKING), as Redis 7 does it.
 *
 * Default mode: the keys a tracking client reads (read-only commands, every key position)
 * are remembered, key → client ids, across databases. When such a key is modified (every
 * place WATCH is invalidated: writes, expiry), each client that read it gets one
 * invalidation and the key is forgotten until read again. BCAST mode instead sends every
 * client subscribed to a prefix the keys under it that changed, batched once per turn of
 * the event loop. FLUSHDB/FLUSHALL invalidate everything with a null.
 *
 * Messages are RESP3 pushes ["invalidate", [keys]], or, for a connection redirected to a
 * RESP2 client subscribed to anything, "message" on __redis__:invalidate.
 */
import type { Session } from './session.js';

export const INVALIDATE_CHANNEL = '__redis__:invalidate';

export interface TrackingState {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING yes (OPTIN) / no (OPTOUT) applies to the next command. */
  caching: boolean;
  brokenRedirect: boolean;
  prefixes: Set<string>;
}

interface Broadcast {
  /** Keys modified this turn, with the session that modified each last (for NOLOOP). */
  keys: Map<string, Session | null>;
  clients: Set<Session>;
}

/** A key, or null: everything (a flush). */
type Invalidated = string | null;

export class Tracking {
  /** key → ids of the clients that may cache it. */
  private readonly table = new Map<string, Set<number>>();
  totalItems = 0;
  private readonly prefixes = new Map<string, Broadcast>();
  clients = 0;
  /** The session whose command is running, and invalidations for it held until its reply is out. */
  current: Session | null = null;
  private pending: { s: Session; key: Invalidated }[] = [];
  private broadcastScheduled = false;

  private limitScheduled = false;

  constructor(
    private readonly lookup: (id: number) => Session | undefined,
    /** Every open session (a flush tells each tracking one). */
    private readonly sessions: () => Iterable<Session>,
    /** tracking-table-max-keys (0: no limit). */
    private readonly maxKeys: () => number,
  ) {}

  get totalKeys(): number {
    return this.table.size;
  }

  get totalPrefixes(): number {
    return this.prefixes.size;
  }

  enable(s: Session, redirect: number, options: { bcast: boolean; optin: boolean; optout: boolean; noloop: boolean }, prefixes: string[]): void {
    if (s.tracking === null) {
      this.clients++;
      s.tracking = { redirect, bcast: false, optin: false, optout: false, noloop: false, caching: false, brokenRedirect: false, prefixes: new Set() };
    }
    const t = s.tracking;
    t.redirect = redirect;
    t.brokenRedirect = false;
    t.bcast = options.bcast;
    t.optin = options.optin;
    t.optout = options.optout;
    t.noloop = options.noloop;
    if (options.bcast) {
      for (const prefix of prefixes.length === 0 ? [''] : prefixes) {
        let b = this.prefixes.get(prefix);
        if (b === undefined) this.prefixes.set(prefix, (b = { keys: new Map(), clients: new Set() }));
        b.clients.add(s);
        t.prefixes.add(prefix);
      }
    }
  }

  disable(s: Session): void {
    const t = s.tracking;
    if (t === null) return;
    for (const prefix of t.prefixes) {
      const b = this.prefixes.get(prefix);
      if (b === undefined) continue;
      b.clients.delete(s);
      if (b.clients.size === 0) this.prefixes.delete(prefix);
    }
    s.tracking = null;
    this.clients--;
  }

  /** After a read-only command of a tracking client (not BCAST): remembers the keys it read. */
  remember(s: Session, keys: string[]): void {
    const t = s.tracking!;
    if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
    for (const key of keys) {
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, (ids = new Set()));
      if (!ids.has(s.id)) {
        ids.add(s.id);
        this.totalItems++;
      }
    }
    // Over the limit: trimmed once this turn of the event loop is done, as Redis does before sleeping.
    const max = this.maxKeys();
    if (max > 0 && this.table.size > max && !this.limitScheduled) {
      this.limitScheduled = true;
      setImmediate(() => {
        this.limitScheduled = false;
        this.limitUsedSlots(this.maxKeys());
      });
    }
  }

  /**
   * tracking-table-max-keys: over the limit, keys are forgotten (their clients told they
   * are invalid, as if modified) until the table fits, with an effort that grows each time
   * the limit is still exceeded (Redis's trackingLimitUsedSlots; it picks at random, we
   * take the keys remembered first).
   */
  private limitTimeouts = 0;
  limitUsedSlots(maxKeys: number): void {
    if (maxKeys === 0 || this.table.size <= maxKeys) {
      this.limitTimeouts = 0;
      return;
    }
    let effort = 100 * (this.limitTimeouts + 1);
    for (const key of this.table.keys()) {
      if (effort-- <= 0) break;
      this.invalidate(key, null, false);
      if (this.table.size <= maxKeys) {
        this.limitTimeouts = 0;
        return;
      }
    }
    // Still over: more effort on the next turn.
    this.limitTimeouts++;
    if (!this.limitScheduled) {
      this.limitScheduled = true;
      setImmediate(() => {
        this.limitScheduled = false;
        this.limitUsedSlots(this.maxKeys());
      });
    }
  }

  /** A key was modified (by `by`, or by nobody: expiry). */
  invalidate(key: string, by: Session | null, bcast = true): void {
    if (bcast && this.prefixes.size > 0) this.rememberForBroadcast(key, by);
    // Every write comes here: with nothing tracked, skip hashing the key for the lookup.
    if (this.table.size === 0) return;
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    this.totalItems -= ids.size;
    for (const id of ids) {
      const target = this.lookup(id);
      if (target === undefined || target.tracking === null || target.tracking.bcast) continue;
      if (target.tracking.noloop && target === by) continue;
      // After the reply of the command that caused it, not in the middle of it.
      if (target === this.current) this.pending.push({ s: target, key });
      else this.send(target, [key]);
    }
  }

  /** FLUSHDB / FLUSHALL: every tracking client is told everything is invalid. */
  flushed(): void {
    if (this.clients > 0) {
      for (const s of this.sessions()) {
        if (s.tracking === null) continue;
        if (s === this.current) this.pending.push({ s, key: null });
        else this.send(s, null);
      }
    }
    this.table.clear();
    this.totalItems = 0;
  }


  /** After the outermost command's reply: the invalidations commands caused for their own clients. */
  flushPending(): void {
    this.current = null;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    for (const { s, key } of pending) if (!s.closed && s.tracking !== null) this.send(s, key === null ? null : [key]);
  }

  private rememberForBroadcast(key: string, by: Session | null): void {
    for (const [prefix, b] of this.prefixes) {
      if (!key.startsWith(prefix)) continue;
      b.keys.set(key, by);
      if (!this.broadcastScheduled) {
        this.broadcastScheduled = true;
        setImmediate(() => this.broadcast());
      }
    }
  }

  /** Once per event-loop turn, as Redis does before sleeping: the keys each prefix saw change. */
  private broadcast(): void {
    this.broadcastScheduled = false;
    // Prefixes in byte order too.
    for (const [, b] of [...this.prefixes].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
      if (b.keys.size === 0) continue;
      // In byte order, as Redis's radix tree yields them.
      const keys = [...b.keys.keys()].sort();
      for (const s of b.clients) {
        if (s.closed) continue;
        const list = s.tracking?.noloop ? keys.filter((k) => b.keys.get(k) !== s) : keys;
        if (list.length > 0) this.send(s, list);
      }
      b.keys.clear();
    }
  }

  /** One invalidation message to s (or where it redirects): keys, or null for everything. */
  private send(s: Session, keys: string[] | null): void {
    const t = s.tracking!;
    let target = s;
    let redirected = false;
    if (t.redirect !== 0) {
      const r = this.lookup(t.redirect);
      if (r === undefined || r.closed) {
        t.brokenRedirect = true;
        if (s.reply.resp === 3) {
          s.reply.push(2);
          s.reply.bulk('tracking-redir-broken');
          s.reply.integer(t.redirect);
          s.transport.flushSoon();
        }
        return;
      }
      target = r;
      redirected = true;
    }
    const reply = target.reply;
    if (reply.resp === 3) {
      reply.push(2);
      reply.bulk('invalidate');
    } else if (redirected && target.subscribed) {
      reply.push(3);
      reply.bulk('message');
      reply.bulk(INVALIDATE_CHANNEL);
    } else {
      // RESP2 without a subscribed redirect target: nowhere to send it.
      return;
    }
    if (keys === null) {
      // The null of the tracking client's protocol, as Redis sends it.
      if (s.reply.resp === reply.resp) reply.nil();
      else reply.rawWrite(s.reply.resp === 3 ? '_\r\n' : '$-1\r\n');
    } else {
      reply.array(keys.length);
      for (const k of keys) reply.bulk(k);
    }
    target.transport.flushSoon();
  }
}
