/**
 * Pub/sub: channel, pattern and shard-channel subscriptions, and message delivery.
 *
 * A message is written into each subscriber's reply buffer and flushed on the next tick.
 * A subscriber that does not read is disconnected by client-output-buffer-limit's pubsub
 * class (hard limit at once, soft limit after it was exceeded for soft-seconds), as in
 * Redis, instead of letting its buffer grow without bound.
 */
import { globMatch } from '../store/glob.js';
import type { Session } from './session.js';

export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

export class PubSub {
  readonly channels = new Map<string, Set<Session>>();
  readonly patterns = new Map<string, Set<Session>>();
  readonly shardChannels = new Map<string, Set<Session>>();

  constructor(
    private readonly limit: () => OutputLimit,
    private readonly onOverLimit: (s: Session, why: string) => void,
  ) {}

  /** Subscribes s; false if it already was. */
  subscribe(s: Session, kind: 'channel' | 'pattern' | 'shard', name: string): boolean {
    const own = kind === 'channel' ? s.channels : kind === 'pattern' ? s.patterns : s.shardChannels;
    if (own.has(name)) return false;
    own.add(name);
    const registry = this.registry(kind);
    let set = registry.get(name);
    if (set === undefined) {
      set = new Set();
      registry.set(name, set);
    }
    set.add(s);
    return true;
  }

  unsubscribe(s: Session, kind: 'channel' | 'pattern' | 'shard', name: string): boolean {
    const own = kind === 'channel' ? s.channels : kind === 'pattern' ? s.patterns : s.shardChannels;
    if (!own.delete(name)) return false;
    const registry = this.registry(kind);
    const set = registry.get(name);
    if (set !== undefined) {
      set.delete(s);
      if (set.size === 0) registry.delete(name);
    }
    return true;
  }

  /** Drops every subscription of s (disconnect, RESET). */
  forget(s: Session): void {
    for (const c of [...s.channels]) this.unsubscribe(s, 'channel', c);
    for (const p of [...s.patterns]) this.unsubscribe(s, 'pattern', p);
    for (const c of [...s.shardChannels]) this.unsubscribe(s, 'shard', c);
  }

  /** PUBLISH / SPUBLISH: delivers message, returns the number of receivers. */
  publish(channel: string, message: string, shard: boolean): number {
    let receivers = 0;
    const direct = (shard ? this.shardChannels : this.channels).get(channel);
    if (direct !== undefined) {
      for (const s of direct) {
        const r = s.reply;
        r.push(3);
        r.bulk(shard ? 'smessage' : 'message');
        r.bulk(channel);
        r.bulk(message);
        this.delivered(s);
        receivers++;
      }
    }
    if (!shard) {
      for (const [pattern, subscribers] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        for (const s of subscribers) {
          const r = s.reply;
          r.push(4);
          r.bulk('pmessage');
          r.bulk(pattern);
          r.bulk(channel);
          r.bulk(message);
          this.delivered(s);
          receivers++;
        }
      }
    }
    return receivers;
  }

  private delivered(s: Session): void {
    s.transport.flushSoon();
    const { hard, soft, softSeconds } = this.limit();
    const bytes = s.transport.outputBufferBytes();
    if (hard > 0 && bytes > hard) return this.onOverLimit(s, 'hard');
    if (soft > 0 && bytes > soft) {
      const now = Date.now();
      if (s.softLimitSince === 0) s.softLimitSince = now;
      else if (now - s.softLimitSince > softSeconds * 1000) this.onOverLimit(s, 'soft');
    } else {
      s.softLimitSince = 0;
    }
  }

  private registry(kind: 'channel' | 'pattern' | 'shard'): Map<string, Set<Session>> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shardChannels;
  }
}
