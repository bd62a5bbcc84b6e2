/**
 * Renders commands.generated.ts, the loose TypeScript declarations of every command in
 * the table (scripts/gen-embedded-types.mjs writes it; a test checks it is current).
 */
import type { CommandDecl } from '../commands/types.js';

/** Commands the embedded classes implement themselves (see OWN_METHODS in cairn.ts). */
const OWN = new Set(['multi', 'subscribe', 'psubscribe', 'call', 'close', 'listen']);

export function renderGeneratedTypes(decls: readonly CommandDecl[]): string {
  const sorted = [...decls].sort((a, b) => (a.name < b.name ? -1 : 1));
  let out =
    '// Generated from the command table by scripts/gen-embedded-types.mjs: do not edit.\n' +
    '// test/embedded/types.test.ts fails when a command is added without regenerating.\n\n' +
    '/** Every command as a method of a database; see typed-commands.ts for the typed ones. */\n' +
    'export interface GeneratedCommands {\n';
  for (const d of sorted) {
    if (OWN.has(d.name)) continue;
    const result = d.flags.includes('blocking') ? 'Promise<unknown>' : 'unknown';
    out += `  /** ${d.summary.replace(/\*\//g, '* /')} */\n  ${d.name}(...args: unknown[]): ${result};\n`;
  }
  out += '}\n\n/** Every command as a method of a transaction: it queues the command. */\nexport interface TransactionCommands {\n';
  for (const d of sorted) {
    if (d.name === 'multi' || d.name === 'exec') continue;
    out += `  ${d.name}(...args: unknown[]): this;\n`;
  }
  return out + '}\n';
}
