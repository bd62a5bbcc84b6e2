/**
 * One process per data directory. Two processes saving into the same directory would
 * overwrite each other's dump.rdb; the second one to open it gets a clear error instead.
 *
 * The lock is a file holding the owner's pid, created with O_EXCL. A lock left behind by
 * a process that died (kill -9, power loss) names a pid that no longer runs and is taken
 * over. (A recycled pid could keep a stale lock alive; the error names the file to remove.)
 */
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'cairn.lock';

export class DirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly ownerPid: number,
  ) {
    super(
      ownerPid === process.pid
        ? `The data directory ${dir} is already open in this process; close it first.`
        : `The data directory ${dir} is in use by process ${ownerPid} (lock file ${join(dir, LOCK_FILE)}). ` +
            'Stop that process, or remove the lock file if no Cairn runs there.',
    );
    this.name = 'DirLockedError';
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DirLock {
  private released = false;

  private constructor(readonly path: string) {}

  /** Takes the directory's lock or throws DirLockedError. */
  static acquire(dir: string): DirLock {
    const path = join(dir, LOCK_FILE);
    // Two attempts: the second after removing a stale lock.
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx', 0o644);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const owner = Number.parseInt(readQuietly(path), 10);
        if (Number.isInteger(owner) && owner > 0 && alive(owner)) throw new DirLockedError(dir, owner);
        // Stale (or empty: its writer died between create and write): take it over.
        try {
          unlinkSync(path);
        } catch {
          // Another process removed it first; the retry settles who wins.
        }
        continue;
      }
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return new DirLock(path);
    }
    throw new DirLockedError(dir, Number.parseInt(readQuietly(path), 10) || 0);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    // Only our own lock: never remove one another process took over.
    if (Number.parseInt(readQuietly(this.path), 10) !== process.pid) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}

function readQuietly(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}
