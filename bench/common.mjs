// Helpers the benchmark scripts share: free ports, waiting for a server, RSS, tools.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';

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
