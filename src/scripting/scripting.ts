/**
 * EVAL and friends: scripts sent whole (or by sha1 once cached), run on a Lua runtime of
 * their own (runtime.ts). The cache maps sha1 to the compiled chunk; SCRIPT FLUSH empties it.
 */
import type { Engine } from '../engine/engine.js';
import type { Session } from '../engine/session.js';
import { NOT_INTEGER, parseInt64 } from '../commands/util.js';
import { luaLoaded } from './lua.js';
import { FLAG_ALLOW_OOM, FLAG_NO_WRITES, LuaRuntime, mayRun, mayYield, scriptFlagBit, sha1hex } from './runtime.js';

interface CompiledScript {
  body: string;
  ref: number;
  /** Declared by a shebang; a script without one runs in Redis's compatibility mode. */
  flags: number | null;
}

export class Scripting {
  private readonly runtime: LuaRuntime;
  private readonly scripts = new Map<string, CompiledScript>();

  constructor(engine: Engine) {
    this.runtime = new LuaRuntime(engine);
  }

  close(): void {
    this.runtime.close();
  }

  get cachedScripts(): number {
    return this.scripts.size;
  }

  get memoryUsed(): number {
    return this.runtime.memoryUsed;
  }

  /** Bytes of script bodies held by the cache (INFO's used_memory_scripts_eval, roughly). */
  get cacheBytes(): number {
    let n = 0;
    for (const script of this.scripts.values()) n += script.body.length + 64;
    return n;
  }

  /** Compiles body into the cache (SCRIPT LOAD, EVAL); the sha1, or null after replying with the error. */
  load(s: Session, body: string): string | null {
    const sha = sha1hex(body);
    if (this.scripts.has(sha)) return sha;
    const shebang = parseShebang(body);
    if (shebang.error !== null) {
      s.reply.error(shebang.error);
      return null;
    }
    const { code, flags } = shebang;
    if (code.charCodeAt(0) === 27) {
      s.reply.error('ERR Error compiling script (new function): user_script: bytecode is not supported');
      return null;
    }
    const ref = this.runtime.compile(code, '@user_script');
    if (typeof ref === 'string') {
      s.reply.error(`ERR Error compiling script (new function): ${ref}`.replace(/[\r\n]/g, ' '));
      return null;
    }
    this.scripts.set(sha, { body, ref, flags });
    return sha;
  }

  /**
   * The flags a script declares, for deciding before it runs whether the command counts as
   * a write that may be refused (Redis's evalGetCommandFlags); null for a script without a
   * shebang, an unknown sha or a shebang that does not parse.
   */
  declaredFlags(isSha: boolean, text: string): number | null {
    if (isSha) return this.scripts.get(text.toLowerCase())?.flags ?? null;
    const cached = this.scripts.get(sha1hex(text));
    if (cached !== undefined) return cached.flags;
    const shebang = parseShebang(text);
    return shebang.error === null ? shebang.flags : null;
  }

  exists(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  flush(): void {
    for (const script of this.scripts.values()) this.runtime.release(script.ref);
    this.scripts.clear();
    this.runtime.collectGarbage();
  }

  /** EVAL / EVALSHA (and their _RO forms): argv[1] is the body or sha, argv[2] numkeys. */
  run(s: Session, argv: string[], bySha: boolean, readonlyCommand: boolean): void {
    const numkeys = parseInt64(argv[2]!);
    if (numkeys === null) return s.reply.error(NOT_INTEGER);
    if (numkeys > argv.length - 3) return s.reply.error("ERR Number of keys can't be greater than number of args");
    if (numkeys < 0) return s.reply.error("ERR Number of keys can't be negative");
    let sha: string | null;
    if (bySha) {
      sha = argv[1]!.toLowerCase();
      if (!this.scripts.has(sha)) return s.reply.error('NOSCRIPT No matching script. Please use EVAL.');
    } else {
      sha = this.load(s, argv[1]!);
      if (sha === null) return;
    }
    const script = this.scripts.get(sha)!;
    if (script.flags !== null && !mayRun(s, script.flags, readonlyCommand)) return;
    const readonly = readonlyCommand || (script.flags !== null && (script.flags & FLAG_NO_WRITES) !== 0);
    this.runtime.run(s, { name: sha, ref: script.ref, argv, numkeys, asGlobals: true, readonly, allowOom: script.flags !== null && (script.flags & FLAG_ALLOW_OOM) !== 0 }, mayYield(s));
  }
}

/** The scripting engine for an Engine, once Lua is loaded; null before that. */
export function createScripting(engine: Engine): Scripting | null {
  return luaLoaded() ? new Scripting(engine) : null;
}

/**
 * A script body's "#!lua flags=..." line: its flags (null without a shebang), the code
 * to compile, or Redis's error text.
 */
export function parseShebang(body: string): { flags: number | null; code: string; error: string | null } {
  if (!body.startsWith('#!')) return { flags: null, code: body, error: null };
  const end = body.indexOf('\n');
  const line = end < 0 ? body : body.slice(0, end);
  const words = line.slice(2).split(' ').filter((w) => w !== '');
  if (words[0] !== 'lua') return { flags: null, code: body, error: `ERR Unexpected engine in script shebang: ${line.split(' ')[0]}` };
  let flags = 0;
  for (const word of words.slice(1)) {
    if (!word.startsWith('flags=')) return { flags: null, code: body, error: `ERR Unknown lua shebang option: ${word}` };
    for (const flag of word.slice(6).split(',')) {
      if (flag === '') continue;
      // Shebang flags are case-sensitive in Redis, unlike register_function's.
      const bit = flag === flag.toLowerCase() ? scriptFlagBit(flag) : 0;
      if (bit === 0) return { flags: null, code: body, error: `ERR Unexpected flag in script shebang: ${flag}` };
      flags |= bit;
    }
  }
  // The shebang line is not Lua; its newline stays so line numbers do not shift.
  return { flags, code: end < 0 ? '' : body.slice(end), error: null };
}
