/**
 * cairn-server: starts a Cairn server from redis-server-style arguments and an optional
 * config file; stops cleanly on SIGINT, SIGTERM and SHUTDOWN.
 */
import { loadLua } from '../scripting/lua.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/load.js';
import { Engine } from '../engine/engine.js';
import { watchGcPauses } from '../engine/gc-pauses.js';
import { DirLock } from '../persistence/dir-lock.js';
import { Logger } from '../engine/log.js';
import { CAIRN_VERSION, REDIS_VERSION } from '../engine/version.js';
import { CairnServer } from '../server/server.js';

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`Cairn server v=${CAIRN_VERSION} (Redis ${REDIS_VERSION} compatible) node=${process.versions.node}\n`);
    return 0;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'Usage: cairn-server [/path/to/cairn.conf] [--port N] [--bind ADDR ...] [--dir PATH] [--OPTION VALUE ...]\n' +
        'The config file uses redis.conf syntax; command-line options override it.\n',
    );
    return 0;
  }
  let loaded;
  try {
    loaded = loadConfig(argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`\n${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const { values, file } = loaded;
  const log = new Logger(values.logfile);
  log.level = values.loglevel;
  log.notice('oO0OoO0OoO0Oo Cairn is starting oO0OoO0OoO0Oo');
  log.notice(`Cairn version=${CAIRN_VERSION}, Redis compatibility=${REDIS_VERSION}, node=${process.versions.node}, pid=${process.pid}, just started`);
  log.notice(file ? `Configuration loaded from ${file}` : 'No config file specified, using the defaults and the command line');
  try {
    mkdirSync(values.dir, { recursive: true });
    process.chdir(values.dir);
    values.dir = process.cwd();
  } catch (e) {
    log.warning(`Can't chdir to '${values.dir}': ${(e as Error).message}`);
    return 1;
  }
  // One process per data directory: another Cairn (server or embedded) saving here would
  // overwrite our dump.rdb.
  let lock: DirLock;
  try {
    lock = DirLock.acquire(values.dir);
  } catch (e) {
    log.warning((e as Error).message);
    return 1;
  }
  process.on('exit', () => lock.release());
  // The Lua VM (WebAssembly) compiles once, before the first client can send EVAL.
  await loadLua();
  watchGcPauses();
  const engine = new Engine(values, log);
  engine.configFile = file;
  if (!engine.persistence.loadAtStartup()) return 1;
  const server = new CairnServer(engine);
  try {
    await server.listen();
  } catch (e) {
    log.warning((e as Error).message);
    return 1;
  }
  if (values.pidfile) writeFileSync(values.pidfile, `${process.pid}\n`);
  log.notice('Server initialized');
  log.notice(`Ready to accept connections tcp on ${values.bind.join(' ')} port ${server.port}`);

  return new Promise<number>((resolve) => {
    let exiting = false;
    const shutdown = (reason: string) => {
      if (exiting) return;
      exiting = true;
      log.warning(`${reason}: shutting down`);
      void server.close().then(() => {
        if (values.pidfile) rmSync(values.pidfile, { force: true });
        log.warning('Cairn is now ready to exit, bye bye...');
        resolve(0);
      });
    };
    engine.shutdownHandler = shutdown;
    const onSignal = (name: string) => {
      if (exiting) return;
      log.warning(`Received ${name} scheduling shutdown...`);
      if (!engine.persistence.shutdownSave('default', false)) {
        log.warning(`${name} received but errors trying to shut down the server, check the logs for more information`);
        return;
      }
      shutdown(`${name} received`);
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
}
