/**
 * MEMORY: what keys and the server cost, from the running estimates of engine/memory.ts
 * (Redis asks its allocator; a V8 heap has no such answer per object, see store/memory.ts).
 */
import type { Session } from '../engine/session.js';
import { allocatorFigures, STARTUP_BYTES } from '../engine/memory.js';
import { KEEP_BLOB } from '../store/keyspace.js';
import type { CommandDecl } from './types.js';
import { parseInt64, replyHelp } from './util.js';

const MEMORY_HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

/** MEMORY STATS/DOCTOR's figures: the budget's overhead data and the V8 heap's own. */
function overhead(s: Session) {
  const e = s.engine;
  const o = e.memory.overhead();
  const { allocated, active, m } = allocatorFigures(e);
  return { e, total: o.used, dbs: o.dbs, aof: o.aof, overheadTotal: o.total, keys: e.keyspace.totalKeys, dataset: o.dataset, allocated, active, rss: m.rss };
}

export const memoryCommands: CommandDecl[] = [
  {
    name: 'memory',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'server',
    summary: 'A container for memory diagnostics commands',
    since: '4.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'malloc-stats',
        arity: 2,
        flags: [],
        acl: ['slow'],
        group: 'server',
        summary: 'Show allocator internal stats',
        since: '4.0.0',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler: (s) => {
          // Redis without jemalloc answers this; V8's heap spaces are the nearest thing we have.
          const m = process.memoryUsage();
          s.reply.verbatim(
            `Stats not supported for the current allocator\nV8 heap: used=${m.heapUsed} total=${m.heapTotal} external=${m.external} rss=${m.rss}\n`,
            'txt',
          );
        },
      },
      {
        name: 'purge',
        arity: 2,
        flags: [],
        acl: ['slow'],
        group: 'server',
        summary: 'Ask the allocator to release memory',
        since: '4.0.0',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
        handler: (s) => {
          // Flushed keys' off-heap values still being freed in slices go now, with the
          // arena's empty slabs. V8 frees dead objects itself; without --expose-gc there is
          // nothing to ask it.
          s.engine.keyspace.releaseNow();
          const gc = (globalThis as { gc?: () => void }).gc;
          if (typeof gc === 'function') gc();
          s.reply.ok();
        },
      },
      {
        name: 'usage',
        arity: -3,
        flags: ['readonly'],
        acl: ['read', 'slow'],
        keys: [2, 2, 1],
        keyFlags: ['RO'],
        group: 'server',
        summary: 'Estimate the memory usage of a key',
        since: '4.0.0',
        complexity: 'O(N) where N is the number of samples.',
        handler: (s, argv) => {
          for (let j = 3; j < argv.length; j++) {
            if (argv[j]!.toLowerCase() === 'samples' && j + 1 < argv.length) {
              // Accepted for compatibility: Cairn's figure is a running total, not a sample.
              const n = parseInt64(argv[j + 1]!);
              if (n === null) return s.reply.error('ERR value is not an integer or out of range');
              if (n < 0) return s.reply.error('ERR syntax error');
              j++;
            } else {
              return s.reply.error('ERR syntax error');
            }
          }
          const key = argv[2]!;
          const entry = s.db.find(key, KEEP_BLOB);
          if (entry === undefined) return s.reply.nil();
          s.reply.integer(s.db.entryBytes(key, entry));
        },
      },
      {
        name: 'doctor',
        arity: 2,
        flags: [],
        acl: ['slow'],
        group: 'server',
        summary: 'Outputs memory problems report',
        since: '4.0.0',
        complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler: (s) => {
          const o = overhead(s);
          const reports: string[] = [];
          const empty = o.total < 5 * 1024 * 1024;
          if (o.e.memory.peak / o.total > 1.5) {
            reports.push(
              ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n',
            );
          }
          const clients = Math.max(1, o.e.sessions.size);
          if (o.e.memory.clientsNormal / clients > 200 * 1024) {
            reports.push(
              ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n',
            );
          }
          if ((o.e.loadedScripting?.cachedScripts ?? 0) > 1000) {
            reports.push(
              " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n",
            );
          }
          let text: string;
          if (empty) {
            text =
              "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
          } else if (reports.length === 0) {
            text = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
          } else {
            text = 'Sam, I detected a few issues in this Redis instance memory implants:\n\n' + reports.join('') + "I'm here to keep you safe, Sam. I want to help you.\n";
          }
          s.reply.verbatim(text, 'txt');
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow'],
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '4.0.0',
        complexity: 'O(1)',
        handler: (s) => replyHelp(s, 'memory', MEMORY_HELP),
      },
      {
        name: 'stats',
        arity: 2,
        flags: [],
        acl: ['slow'],
        group: 'server',
        summary: 'Show memory usage details',
        since: '4.0.0',
        complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler: (s) => {
          const o = overhead(s);
          const r = s.reply;
          r.map(27 + o.dbs.length);
          const int = (name: string, n: number) => {
            r.bulk(name);
            r.integer(Math.round(n));
          };
          const dbl = (name: string, n: number) => {
            r.bulk(name);
            r.double(n);
          };
          int('peak.allocated', o.e.memory.peak);
          int('total.allocated', o.total);
          int('startup.allocated', STARTUP_BYTES);
          int('replication.backlog', 0);
          int('clients.slaves', 0);
          int('clients.normal', o.e.memory.clientsNormal);
          int('cluster.links', 0);
          int('aof.buffer', o.aof);
          int('lua.caches', o.e.loadedScripting?.cacheBytes ?? 0);
          int('functions.caches', o.e.loadedFunctions?.overheadBytes ?? 0);
          for (const db of o.dbs) {
            r.bulk(`db.${db.id}`);
            r.map(3);
            int('overhead.hashtable.main', db.main);
            int('overhead.hashtable.expires', db.expires);
            int('overhead.hashtable.slot-to-keys', 0);
          }
          int('overhead.total', o.overheadTotal);
          int('keys.count', o.keys);
          int('keys.bytes-per-key', o.keys === 0 ? 0 : Math.floor((o.total - STARTUP_BYTES) / o.keys));
          int('dataset.bytes', o.dataset);
          dbl('dataset.percentage', o.total > STARTUP_BYTES ? (o.dataset * 100) / (o.total - STARTUP_BYTES) : 0);
          dbl('peak.percentage', (o.total * 100) / Math.max(1, o.e.memory.peak));
          int('allocator.allocated', o.allocated);
          int('allocator.active', o.active);
          int('allocator.resident', o.rss);
          dbl('allocator-fragmentation.ratio', o.active / Math.max(1, o.allocated));
          int('allocator-fragmentation.bytes', o.active - o.allocated);
          dbl('allocator-rss.ratio', o.rss / Math.max(1, o.active));
          int('allocator-rss.bytes', o.rss - o.active);
          dbl('rss-overhead.ratio', 1);
          int('rss-overhead.bytes', 0);
          dbl('fragmentation', o.rss / Math.max(1, o.total));
          int('fragmentation.bytes', o.rss - o.total);
        },
      },
    ],
  },
];
