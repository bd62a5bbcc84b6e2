/**
 * Starts real servers for tests: Debian's redis-server (the oracle) and Cairn's own
 * cairn-server, each on a free loopback port, each stopped by PID when the test ends.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CAIRN_BIN = join(ROOT, 'bin', 'cairn-server');
/**
 * The Node flags bin/cairn-server's shebang gives (`#!/usr/bin/env -S node FLAGS`), so the
 * server under test runs as `npm start` runs it (the young-generation size changes GC
 * pauses) although the tests start it with this process's node.
 */
export const CAIRN_NODE_ARGS = (() => {
  const words = readFileSync(CAIRN_BIN, 'latin1').split('\n', 1)[0]!.split(/\s+/);
  return words.slice(words.indexOf('node') + 1).filter(Boolean);
})();

export interface RunningServer {
  port: number;
  pid: number;
  process: ChildProcess;
  /** Everything the server printed. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolvePort(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('data', (d) => {
      got += d.toString('latin1');
      // PONG, or NOAUTH when a password is set: either way it answers.
      if (got.includes('\r\n')) finish(true);
    });
    socket.on('connect', () => socket.write('PING\r\n'));
  });
}

async function waitReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server on port ${port} did not answer PING:\n${output()}`);
}

function launch(command: string, args: string[], port: number, cleanup: () => void): Promise<RunningServer> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const output = () => out;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    cleanup();
  };
  return waitReady(port, child, output).then(
    () => ({ port, pid: child.pid!, process: child, output, stop }),
    async (e) => {
      await stop();
      throw e;
    },
  );
}

export interface StartOptions {
  /** Data directory to use and keep (default: a fresh one, removed when the server stops). */
  dir?: string;
}

/**
 * A real redis-server, without save points unless extraArgs set some. Fails (never skips)
 * when it is not installed, and throws then rather than rejecting: in
 * `Promise.all([startRedis(), startCairn()])` the Cairn is then never started, where a
 * rejection would leave it running, unreferenced, and the test process waiting on it.
 */
export function startRedis(extraArgs: string[] = [], options: StartOptions = {}): Promise<RunningServer> {
  if (spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('redis-server is not installed: apt-get install -y redis-server redis-tools');
  }
  return launchRedis(extraArgs, options);
}

async function launchRedis(extraArgs: string[], options: StartOptions): Promise<RunningServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'redis-oracle-'));
  const port = await freePort();
  return launch(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
    port,
    () => {
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  );
}

/**
 * A cairn-server process; a config file, if any, goes first as redis-server expects.
 * Like the oracle, it starts without save points unless extraArgs set some.
 */
export async function startCairn(extraArgs: string[] = [], configFile?: string, options: StartOptions = {}): Promise<RunningServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cairn-test-'));
  const port = await freePort();
  const file = configFile ? [configFile] : [];
  return launch(process.execPath, [...CAIRN_NODE_ARGS, CAIRN_BIN, ...file, '--port', String(port), '--dir', dir, '--save', '', ...extraArgs], port, () => {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  });
}
