/** Every command family, in the order COMMAND lists them. */
import type { CommandDecl } from './types.js';
import { connectionCommands } from './connection.js';
import { expireCommands } from './expire.js';
import { keyCommands } from './keys.js';
import { serverCommands } from './server.js';
import { stringCommands } from './strings.js';

export const allCommands: CommandDecl[] = [
  ...stringCommands,
  ...keyCommands,
  ...expireCommands,
  ...connectionCommands,
  ...serverCommands,
];
