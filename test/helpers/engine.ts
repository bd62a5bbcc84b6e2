/** Driving an Engine in-process, without sockets. */
import { detachedTransport } from '../../src/engine/session.js';

/** A transport with no socket behind it. */
export const detached = detachedTransport('test:0');
