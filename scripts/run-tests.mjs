// Runs every compiled test file (dist/test/**/*.test.js) with Node's built-in test runner,
// so its summary line is what CI reads. Node 20's --test has no glob support of its own.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...find(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = find('dist/test').sort();
if (filter.length > 0) files = files.filter((f) => filter.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error('no test files found under dist/test');
  process.exit(1);
}
// One file at a time: some tests measure latency (active expiry under load), and on a
// 2-core machine a second test file's servers would compete for the same cores.
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=300000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
