/**
 * The network server: listeners on the configured addresses, admission of connections
 * (maxclients, protected mode), the once-a-second housekeeping (idle timeout, stats),
 * and shutdown.
 */
import net from 'node:net';
import type { Engine } from '../engine/engine.js';
import { Connection } from './connection.js';

const PROTECTED_MODE_DENIED =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

function isLoopback(addr: string | undefined): boolean {
  if (!addr) return false;
  return addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.');
}

/** Redis's bind syntax: "*" is every IPv4 address, "::*" every IPv6, "-addr" optional. */
function bindTargets(bind: string[]): { host: string; optional: boolean }[] {
  return bind.map((b) => {
    const optional = b.startsWith('-');
    const addr = optional ? b.slice(1) : b;
    const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
    return { host, optional };
  });
}

export class CairnServer {
  private listeners: net.Server[] = [];
  private readonly connections = new Set<Connection>();
  private cron: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;

  /** ownsEngine: false when the engine belongs to an embedded database that outlives us. */
  constructor(
    readonly engine: Engine,
    private readonly options: { ownsEngine?: boolean } = {},
  ) {}

  /** Listens on every bind address; rejects when a required one fails. */
  async listen(): Promise<void> {
    const { config } = this.engine;
    const listeners: net.Server[] = [];
    for (const { host, optional } of bindTargets(config.bind)) {
      // pauseOnConnect: Connection takes the handle over before anything is read.
      const server = net.createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
      server.maxConnections = Number.MAX_SAFE_INTEGER;
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port: config.port, host, backlog: config.tcpBacklog }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        listeners.push(server);
      } catch (e) {
        if (!optional) {
          for (const l of listeners) l.close();
          throw new Error(`Could not create server TCP listening socket ${host}:${config.port}: ${(e as Error).message}`);
        }
      }
    }
    for (const l of this.listeners) l.close();
    this.listeners = listeners;
    const address = listeners[0]?.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    this.engine.listening = { port, tcpPort: port };
    if (this.cron === null) {
      this.cron = setInterval(() => this.housekeeping(), 100);
      this.cron.unref();
    }
    this.engine.start();
  }

  /** The TCP port actually bound (useful with port 0 in tests). */
  get port(): number {
    return this.engine.listening.tcpPort;
  }

  private accept(socket: net.Socket): void {
    const { config, stats } = this.engine;
    if (this.stopping) {
      socket.destroy();
      return;
    }
    if (this.connections.size >= config.maxclients) {
      stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    if (config.protectedMode && config.requirepass === '' && !isLoopback(socket.remoteAddress)) {
      stats.rejectedConnections++;
      socket.end(PROTECTED_MODE_DENIED);
      return;
    }
    const connection = new Connection(socket, this.engine, (c) => this.connections.delete(c));
    this.connections.add(connection);
  }

  private ticks = 0;

  private housekeeping(): void {
    this.engine.cron();
    if (++this.ticks % 10 !== 0) return;
    const timeout = this.engine.config.timeout;
    if (timeout <= 0) return;
    const now = Date.now();
    for (const c of this.connections) {
      const s = c.session;
      if (s.monitor) continue;
      if (now - s.lastInteraction > timeout * 1000) {
        this.engine.log.verbose(`Closing idle client id=${s.id}`);
        c.destroy();
      }
    }
  }

  /** Stops listening, closes every connection, stops the engine's timers. */
  close(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      if (this.cron) clearInterval(this.cron);
      this.cron = null;
      const closing = this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())));
      for (const c of [...this.connections]) c.destroy();
      if (this.options.ownsEngine !== false) this.engine.stop();
      await Promise.all(closing);
    })();
    return this.stopping;
  }
}
