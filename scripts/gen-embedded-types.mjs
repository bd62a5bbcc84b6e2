// Regenerates src/embedded/commands.generated.ts from the built command table.
// Run after `npm run build`: node scripts/gen-embedded-types.mjs
import { writeFileSync } from 'node:fs';
import { allCommands } from '../dist/src/commands/index.js';
import { renderGeneratedTypes } from '../dist/src/embedded/generate-types.js';

const target = new URL('../src/embedded/commands.generated.ts', import.meta.url);
writeFileSync(target, renderGeneratedTypes(allCommands));
console.log(`wrote ${target.pathname}: ${allCommands.length} commands`);
