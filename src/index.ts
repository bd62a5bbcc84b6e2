/** Cairn's package entry: the engine and the network server, for embedding. */
export { Engine } from './engine/engine.js';
export { Logger } from './engine/log.js';
export { CAIRN_VERSION, REDIS_VERSION } from './engine/version.js';
export { ConfigValues } from './config/config.js';
export { CairnServer } from './server/server.js';
