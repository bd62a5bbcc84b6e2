/**
 * TypeScript signatures for the most used commands. The methods themselves are installed
 * from the command table (cairn.ts); these declarations only describe what they take and
 * return. Every other command is typed loosely in commands.generated.ts.
 *
 * Replies follow RESP3: integers and doubles are numbers, maps are objects, null is null.
 * V is string, or Buffer when the database was opened with returnBuffers.
 */
import type { Arg } from './args.js';
import type { GeneratedCommands } from './commands.generated.js';

export interface SetOptions {
  ex?: number;
  px?: number;
  exat?: number;
  pxat?: number;
  keepttl?: boolean;
  nx?: boolean;
  xx?: boolean;
  /** Return the previous value instead of OK. */
  get?: boolean;
}

export interface GetExOptions {
  ex?: number;
  px?: number;
  exat?: number;
  pxat?: number;
  persist?: boolean;
}

export interface ExpireOptions {
  nx?: boolean;
  xx?: boolean;
  gt?: boolean;
  lt?: boolean;
}

export interface ZAddOptions {
  nx?: boolean;
  xx?: boolean;
  gt?: boolean;
  lt?: boolean;
  ch?: boolean;
  incr?: boolean;
}

export interface ZRangeOptions {
  byscore?: boolean;
  bylex?: boolean;
  rev?: boolean;
  limit?: { offset: number; count: number };
  withscores?: boolean;
  withScores?: boolean;
}

export type Pairs = Record<string, Arg> | Map<Arg, Arg>;

export interface TypedCommands<V> {
  get(key: Arg): V | null;
  set(key: Arg, value: Arg, options?: SetOptions): 'OK' | V | null;
  getdel(key: Arg): V | null;
  getex(key: Arg, options?: GetExOptions): V | null;
  mget(...keys: (Arg | Arg[])[]): (V | null)[];
  mset(pairs: Pairs): 'OK';
  mset(...keyValues: Arg[]): 'OK';
  append(key: Arg, value: Arg): number;
  strlen(key: Arg): number;
  incr(key: Arg): number;
  incrby(key: Arg, increment: number | bigint): number;
  decr(key: Arg): number;
  decrby(key: Arg, decrement: number | bigint): number;
  incrbyfloat(key: Arg, increment: number): V;

  del(...keys: (Arg | Arg[])[]): number;
  unlink(...keys: (Arg | Arg[])[]): number;
  exists(...keys: (Arg | Arg[])[]): number;
  type(key: Arg): string;
  keys(pattern: Arg): V[];
  rename(key: Arg, newKey: Arg): 'OK';
  expire(key: Arg, seconds: number, options?: ExpireOptions): number;
  pexpire(key: Arg, milliseconds: number, options?: ExpireOptions): number;
  expireat(key: Arg, unixSeconds: number, options?: ExpireOptions): number;
  pexpireat(key: Arg, unixMilliseconds: number, options?: ExpireOptions): number;
  ttl(key: Arg): number;
  pttl(key: Arg): number;
  persist(key: Arg): number;
  dbsize(): number;
  flushdb(): 'OK';
  flushall(): 'OK';

  hset(key: Arg, fields: Pairs): number;
  hset(key: Arg, ...fieldValues: Arg[]): number;
  hget(key: Arg, field: Arg): V | null;
  hgetall(key: Arg): Record<string, V>;
  hmget(key: Arg, ...fields: (Arg | Arg[])[]): (V | null)[];
  hdel(key: Arg, ...fields: (Arg | Arg[])[]): number;
  hexists(key: Arg, field: Arg): number;
  hlen(key: Arg): number;
  hkeys(key: Arg): V[];
  hvals(key: Arg): V[];
  hincrby(key: Arg, field: Arg, increment: number | bigint): number;
  hincrbyfloat(key: Arg, field: Arg, increment: number): V;

  lpush(key: Arg, ...elements: (Arg | Arg[])[]): number;
  rpush(key: Arg, ...elements: (Arg | Arg[])[]): number;
  lpop(key: Arg): V | null;
  lpop(key: Arg, count: number): V[] | null;
  rpop(key: Arg): V | null;
  rpop(key: Arg, count: number): V[] | null;
  lrange(key: Arg, start: number, stop: number): V[];
  llen(key: Arg): number;
  lindex(key: Arg, index: number): V | null;
  blpop(...keysThenTimeout: (Arg | Arg[])[]): Promise<[V, V] | null>;
  brpop(...keysThenTimeout: (Arg | Arg[])[]): Promise<[V, V] | null>;

  sadd(key: Arg, ...members: (Arg | Arg[])[]): number;
  srem(key: Arg, ...members: (Arg | Arg[])[]): number;
  smembers(key: Arg): V[];
  sismember(key: Arg, member: Arg): number;
  scard(key: Arg): number;

  zadd(key: Arg, ...scoreMembers: (Arg | ZAddOptions | Arg[])[]): number;
  zincrby(key: Arg, increment: number, member: Arg): number;
  zscore(key: Arg, member: Arg): number | null;
  zrem(key: Arg, ...members: (Arg | Arg[])[]): number;
  zcard(key: Arg): number;
  zcount(key: Arg, min: Arg, max: Arg): number;
  zrank(key: Arg, member: Arg): number | null;
  zrevrank(key: Arg, member: Arg): number | null;
  zrange(key: Arg, start: Arg, stop: Arg, options: ZRangeOptions & ({ withscores: true } | { withScores: true })): [V, number][];
  zrange(key: Arg, start: Arg, stop: Arg, options?: ZRangeOptions): V[];

  publish(channel: Arg, message: Arg): number;
  ping(message?: Arg): 'PONG' | V;
  select(index: number): 'OK';
}

/** Every command: the typed ones above, the rest as declared from the command table. */
export type CairnCommands<V> = TypedCommands<V> & Omit<GeneratedCommands, keyof TypedCommands<unknown>>;
