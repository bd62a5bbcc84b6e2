/** Every command family, in the order COMMAND lists them. */
import type { CommandDecl } from './types.js';
import { bitmapCommands } from './bitmaps.js';
import { connectionCommands } from './connection.js';
import { geoCommands } from './geo.js';
import { hashCommands } from './hashes.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { listCommands } from './lists.js';
import { setCommands } from './sets.js';
import { sortCommands } from './sort.js';
import { zsetCommands } from './zsets.js';
import { expireCommands } from './expire.js';
import { keyCommands } from './keys.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { scriptingCommands } from './scripting.js';
import { functionCommands } from './functions.js';
import { serverCommands } from './server.js';
import { memoryCommands } from './memory.js';
import { stringCommands } from './strings.js';
import { streamCommands, streamGroupCommands } from './streams.js';
import { transactionCommands } from './transactions.js';

export const allCommands: CommandDecl[] = [
  ...stringCommands,
  ...bitmapCommands,
  ...hyperloglogCommands,
  ...listCommands,
  ...hashCommands,
  ...setCommands,
  ...zsetCommands,
  ...geoCommands,
  ...streamCommands,
  ...streamGroupCommands,
  ...keyCommands,
  ...persistenceCommands,
  ...expireCommands,
  ...sortCommands,
  ...connectionCommands,
  ...pubsubCommands,
  ...serverCommands,
  ...memoryCommands,
  ...transactionCommands,
  ...scriptingCommands,
  ...functionCommands,
];
