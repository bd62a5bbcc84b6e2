// pretest: the differential tests need Debian's redis-server and redis-tools (Redis 7.0).
// Installs them when missing and we are root; otherwise stops with the command to run.
import { execSync, spawnSync } from 'node:child_process';

const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = ['redis-server', 'redis-cli', 'redis-benchmark'].filter((c) => !have(c));
if (missing.length === 0) process.exit(0);

const install = 'apt-get update && apt-get install -y redis-server redis-tools';
if (typeof process.getuid === 'function' && process.getuid() === 0 && have('apt-get')) {
  console.log(`pretest: ${missing.join(', ')} missing; running: ${install}`);
  execSync(install, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  // Debian starts a redis-server service on 6379 after install; the tests never use it.
  process.exit(0);
}
console.error(`pretest: ${missing.join(', ')} not found. The tests compare Cairn with a real Redis 7.0; install it with:\n  sudo sh -c '${install}'`);
process.exit(1);
