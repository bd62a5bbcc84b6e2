/** Driving an Engine in-process, without sockets. */
import type { Transport } from '../../src/engine/session.js';

/** A transport with no socket behind it. */
export const detached: Transport = {
  addr: 'test:0',
  laddr: 'test:0',
  fd: -1,
  close: () => {},
  flushSoon: () => {},
  queryBufferBytes: () => 0,
  outputBufferBytes: () => 0,
  resume: () => {},
};
