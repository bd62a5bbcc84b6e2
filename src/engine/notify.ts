/**
 * Keyspace notifications (notify-keyspace-events): the classes of events, their flag
 * letters, and the two Pub/Sub channels every event goes to. Bit values are Redis's, so
 * the flag arithmetic below reads like its notify.c.
 */

export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m
export const NOTIFY_MODULE = 1 << 13; // d
export const NOTIFY_NEW = 1 << 14; // n
/** "A": every class except key misses and new keys, which are too frequent to be implied. */
export const NOTIFY_ALL =
  NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

const LETTERS: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NOTIFY_GENERIC,
  $: NOTIFY_STRING,
  l: NOTIFY_LIST,
  s: NOTIFY_SET,
  h: NOTIFY_HASH,
  z: NOTIFY_ZSET,
  x: NOTIFY_EXPIRED,
  e: NOTIFY_EVICTED,
  K: NOTIFY_KEYSPACE,
  E: NOTIFY_KEYEVENT,
  t: NOTIFY_STREAM,
  m: NOTIFY_KEY_MISS,
  d: NOTIFY_MODULE,
  n: NOTIFY_NEW,
};

/** The flags a notify-keyspace-events value spells, or -1 for an unknown letter. */
export function parseNotifyFlags(classes: string): number {
  let flags = 0;
  for (const c of classes) {
    const bit = LETTERS[c];
    if (bit === undefined) return -1;
    flags |= bit;
  }
  return flags;
}

/**
 * The value CONFIG GET shows. Redis's own order, including its quirk: when every class of
 * "A" is on, "A" is written and "n" is not, although it stays enabled.
 */
export function formatNotifyFlags(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out += 'A';
  else {
    const order: [number, string][] = [
      [NOTIFY_GENERIC, 'g'],
      [NOTIFY_STRING, '$'],
      [NOTIFY_LIST, 'l'],
      [NOTIFY_SET, 's'],
      [NOTIFY_HASH, 'h'],
      [NOTIFY_ZSET, 'z'],
      [NOTIFY_EXPIRED, 'x'],
      [NOTIFY_EVICTED, 'e'],
      [NOTIFY_STREAM, 't'],
      [NOTIFY_MODULE, 'd'],
      [NOTIFY_NEW, 'n'],
    ];
    for (const [bit, letter] of order) if (flags & bit) out += letter;
  }
  if (flags & NOTIFY_KEYSPACE) out += 'K';
  if (flags & NOTIFY_KEYEVENT) out += 'E';
  if (flags & NOTIFY_KEY_MISS) out += 'm';
  return out;
}

/** What publishing needs; the engine's Pub/Sub registry implements it. */
export interface Publisher {
  publish(channel: string, message: string, shard: boolean): number;
}

/** Publishes one event on __keyspace@<db>__:<key> and/or __keyevent@<db>__:<event>, as configured. */
export function publishKeyspaceEvent(pubsub: Publisher, flags: number, event: string, key: string, dbIndex: number): void {
  if (flags & NOTIFY_KEYSPACE) pubsub.publish(`__keyspace@${dbIndex}__:${key}`, event, false);
  if (flags & NOTIFY_KEYEVENT) pubsub.publish(`__keyevent@${dbIndex}__:${event}`, key, false);
}
