/** Cairn's package entry: the embedded database, and the engine and server it is made of. */
export { Cairn, Transaction, ReplyError, type OpenOptions, type Listener, type Subscription, type ScanOptions } from './embedded/cairn.js';
export type { Arg } from './embedded/args.js';
export type { SetOptions, GetExOptions, ExpireOptions, ZAddOptions, ZRangeOptions } from './embedded/typed-commands.js';
export { Engine } from './engine/engine.js';
export { Logger } from './engine/log.js';
export { CAIRN_VERSION, REDIS_VERSION } from './engine/version.js';
export { ConfigValues } from './config/config.js';
export { CairnServer } from './server/server.js';
