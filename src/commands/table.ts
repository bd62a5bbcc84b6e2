/**
 * The command table, built once from the declarations of every command family.
 */
import type { Command, CommandDecl } from './types.js';

export class CommandTable {
  /** Keyed by lowercase and by uppercase name: most clients send one or the other, so
   * most lookups need no toLowerCase() copy. */
  private readonly byName = new Map<string, Command>();
  readonly commands: Command[] = [];

  constructor(decls: CommandDecl[]) {
    for (const decl of decls) {
      const cmd = buildCommand(decl, null);
      if (this.byName.has(cmd.name)) throw new Error(`command ${cmd.name} declared twice`);
      this.commands.push(cmd);
      this.byName.set(cmd.name, cmd);
      this.byName.set(cmd.name.toUpperCase(), cmd);
    }
  }

  /** The last name looked up and its command: pipelines repeat one command, and the
   * parser hands over the same string object for a repeated name, so this compares a
   * pointer where the Map lookup cost ~2 % of CPU at -P 16. */
  private lastName = '';
  private lastCommand: Command | undefined = undefined;

  get(name: string): Command | undefined {
    if (name === this.lastName) return this.lastCommand;
    const cmd = this.byName.get(name) ?? this.byName.get(name.toLowerCase());
    if (cmd !== undefined) {
      this.lastName = name;
      this.lastCommand = cmd;
    }
    return cmd;
  }

  /** Every command and subcommand, parents first. */
  *all(): Iterable<Command> {
    for (const cmd of this.commands) {
      yield cmd;
      if (cmd.subcommandTable) yield* cmd.subcommandTable.values();
    }
  }
}

function buildCommand(decl: CommandDecl, parent: Command | null): Command {
  const fullName = parent ? `${parent.name}|${decl.name}` : decl.name;
  if (decl.name !== decl.name.toLowerCase()) throw new Error(`command name ${decl.name} must be lowercase`);
  if (!decl.handler && !decl.subcommands) throw new Error(`command ${fullName} has neither handler nor subcommands`);
  // Every field spelled out, in one order: spreading the declaration gave commands as
  // many hidden classes as there are combinations of optional fields, and the engine's
  // per-command reads of cmd.stats, cmd.arity... went megamorphic once a server had run a
  // dozen different commands (measured: ~2 % of CPU at -P 16, plus slower stores).
  const cmd: Command = {
    name: decl.name,
    arity: decl.arity,
    flags: decl.flags,
    acl: decl.acl,
    keys: decl.keys ?? [0, 0, 0],
    keyFlags: decl.keyFlags,
    keyNotes: decl.keyNotes,
    keySpecs: decl.keySpecs,
    group: decl.group,
    summary: decl.summary,
    since: decl.since,
    complexity: decl.complexity,
    docFlags: decl.docFlags,
    deprecatedSince: decl.deprecatedSince,
    replacedBy: decl.replacedBy,
    tips: decl.tips,
    handler: decl.handler,
    subcommands: decl.subcommands,
    fullName,
    parent,
    flagSet: new Set(decl.flags),
    isWrite: decl.flags.includes('write'),
    isProtected: decl.flags.includes('protected'),
    aheadKey: aheadKeyOf(decl),
    subcommandTable: null,
    stats: { calls: 0, usec: 0, rejected: 0, failed: 0 },
  };
  if (decl.subcommands) {
    cmd.subcommandTable = new Map();
    for (const sub of decl.subcommands) cmd.subcommandTable.set(sub.name, buildCommand(sub, cmd));
  }
  return cmd;
}

/**
 * Where a command's key is, if the commands after it in a pipeline may be parsed before it
 * runs (engine prefetch); 0 otherwise. Parsing ahead is safe only past commands that
 * cannot change how the rest is parsed or whether it runs now: ones without keys include
 * AUTH, HELLO, RESET (the pre-AUTH parsing limits), CONFIG, MULTI, QUIT and every
 * container of subcommands; a blocking command leaves the rest in the query buffer, where
 * CLIENT LIST counts it.
 */
function aheadKeyOf(decl: CommandDecl): number {
  const first = decl.keys?.[0] ?? 0;
  if (first <= 0 || decl.subcommands !== undefined || decl.flags.includes('blocking')) return 0;
  return first;
}
