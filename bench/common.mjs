// Helpers the benchmark scripts share: free ports, waiting for a server, RSS, tools.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Exits with the install command when a Redis tool the benchmark needs is missing. */
export function requireTools(tools) {
  for (const tool of tools) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
      console.error(`${tool} not found: apt-get install -y redis-server redis-tools`);
      process.exit(1);
    }
  }
}

/** A loopback port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Waits until a server on port answers PING (redis-cli), for up to 10 s. */
export async function waitPing(port) {
  for (let i = 0; i < 200; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server on ${port} did not start`);
}

/** Resident memory of a process, in KB (Linux). */
export function rssKb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/**
 * The V8 flags Cairn is started with (`npm start` and bin/cairn-server's shebang carry the
 * same): a 4 MB young generation. With stored values off-heap it holds only per-request
 * garbage, and V8's default (up to 16 MB semi-spaces) cost a cache ~50 MB of RSS.
 * $BENCH_NODE_ARGS replaces them.
 */
export const CAIRN_NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '--max-semi-space-size=4').split(' ').filter(Boolean);

/**
 * Starts redis-server or cairn-server ('redis' | 'cairn') on a free port with a fresh data
 * directory and extra args; cpu pins it with taskset; nodeArgs (default: CAIRN_NODE_ARGS)
 * are V8/Node flags for Cairn's process. stop() kills it and removes the dir.
 */
export async function startServer(kind, args = [], { cpu = null, nodeArgs = CAIRN_NODE_ARGS } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  const common = ['--port', String(port), '--dir', dir, '--save', '', ...args];
  const argv =
    kind === 'redis'
      ? ['redis-server', ...common, '--bind', '127.0.0.1']
      : [process.execPath, ...nodeArgs, join(ROOT, 'bin/cairn-server'), ...common, '--loglevel', 'warning'];
  const pinned = cpu === null ? argv : ['taskset', '-c', String(cpu), ...argv];
  const child = spawn(pinned[0], pinned.slice(1), { stdio: 'ignore' });
  await waitPing(port);
  return {
    port,
    pid: child.pid,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
