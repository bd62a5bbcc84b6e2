/** The Redis version Cairn is compatible with, reported where clients look for it. */
export const REDIS_VERSION = '7.0.15';
export const CAIRN_VERSION = '0.1.0';
