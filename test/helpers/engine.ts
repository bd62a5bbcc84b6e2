/** Driving an Engine in-process, without sockets. */
import { ConfigValues } from '../../src/config/config.js';
import { Engine } from '../../src/engine/engine.js';
import { Logger } from '../../src/engine/log.js';
import { detachedTransport } from '../../src/engine/session.js';
import { RespWriter } from '../../src/protocol/reply.js';

/** A transport with no socket behind it. */
export const detached = detachedTransport('test:0');

/** Default config without save points: FLUSHALL and SHUTDOWN would otherwise write dump.rdb into the working directory. */
function unsaved(): ConfigValues {
  const config = new ConfigValues();
  config.savePoints = [];
  return config;
}

/** An engine (quiet logger) and one session on it; run() executes a command and returns its raw reply. */
export function inProcess(config = unsaved()): { engine: Engine; run: (...argv: string[]) => string } {
  const engine = new Engine(config, new Logger('', true));
  const reply = new RespWriter();
  const session = engine.openSession(reply, detached);
  const run = (...argv: string[]) => {
    engine.beginBatch();
    engine.execute(session, argv);
    return reply.take();
  };
  return { engine, run };
}

/** Seeded xorshift32: rng(seed)(n) is in [0, n), so a failing random test replays. */
export function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** Seeded mulberry32: floats in [0, 1), so a failing randomized script replays from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
