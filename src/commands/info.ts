/**
 * INFO: sections and field names as Redis 7.0 prints them, with Cairn's real figures.
 * Fields Cairn has no counterpart for yet (replication, persistence) state what is
 * true of Cairn today (no replicas, no background save), not invented activity.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { CAIRN_VERSION, REDIS_VERSION } from '../engine/version.js';
import { allocatorFigures, STARTUP_BYTES } from '../engine/memory.js';


const RUN_ID = randomBytes(20).toString('hex');

export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let value = n / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(2)}${units[i]}`;
}

type Section = (e: Engine) => [string, string | number][];

const sections: Record<string, Section> = {
  server: (e) => {
    const now = Date.now();
    const uptime = Math.floor((now - e.stats.startedAt) / 1000);
    return [
      ['redis_version', REDIS_VERSION],
      ['cairn_version', CAIRN_VERSION],
      ['redis_mode', 'standalone'],
      ['os', `${os.type()} ${os.release()} ${os.arch()}`],
      ['arch_bits', process.arch.includes('64') ? 64 : 32],
      ['multiplexing_api', 'libuv'],
      ['node_version', process.versions.node],
      ['process_id', process.pid],
      ['process_supervised', 'no'],
      ['run_id', RUN_ID],
      ['tcp_port', e.listening.tcpPort],
      ['server_time_usec', Math.floor((performance.timeOrigin + performance.now()) * 1000)],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
      ['hz', e.config.hz],
      ['configured_hz', e.config.hz],
      ['lru_clock', e.clock.lruSeconds],
      ['executable', process.argv[1] ?? ''],
      ['config_file', e.configFile ?? ''],
      ['io_threads_active', 0],
    ];
  },
  clients: (e) => [
    ['connected_clients', e.sessions.size],
    ['cluster_connections', 0],
    ['maxclients', e.config.maxclients],
    ['blocked_clients', e.blocking.count],
    ['tracking_clients', e.tracking.clients],
    ['clients_in_timeout_table', 0],
  ],
  memory: (e) => {
    const { allocated, active, m } = allocatorFigures(e);
    const o = e.memory.overhead();
    const used = o.used;
    const peak = e.memory.peak;
    const aof = o.aof;
    const startup = STARTUP_BYTES;
    const overheadBytes = o.total;
    const dataset = o.dataset;
    const max = e.config.maxmemory;
    return [
      ['used_memory', used],
      ['used_memory_human', bytesToHuman(used)],
      ['used_memory_rss', m.rss],
      ['used_memory_rss_human', bytesToHuman(m.rss)],
      ['used_memory_peak', peak],
      ['used_memory_peak_human', bytesToHuman(peak)],
      ['used_memory_peak_perc', `${((used * 100) / Math.max(1, peak)).toFixed(2)}%`],
      ['used_memory_overhead', overheadBytes],
      ['used_memory_startup', startup],
      ['used_memory_dataset', dataset],
      ['used_memory_dataset_perc', `${(used > startup ? (dataset * 100) / (used - startup) : 0).toFixed(2)}%`],
      ['allocator_allocated', allocated],
      ['allocator_active', active],
      ['allocator_resident', m.rss],
      ['used_memory_heap_total', m.heapTotal],
      ['total_system_memory', os.totalmem()],
      ['total_system_memory_human', bytesToHuman(os.totalmem())],
      // Lua's own heaps (EVAL's and the functions'), and what the caches hold, with Redis's names.
      ...luaMemory(e),
      ['maxmemory', max],
      ['maxmemory_human', bytesToHuman(max)],
      ['maxmemory_policy', e.config.maxmemoryPolicy],
      ['allocator_frag_ratio', (active / Math.max(1, allocated)).toFixed(2)],
      ['allocator_frag_bytes', active - allocated],
      ['allocator_rss_ratio', (m.rss / Math.max(1, active)).toFixed(2)],
      ['allocator_rss_bytes', m.rss - active],
      ['rss_overhead_ratio', '1.00'],
      ['rss_overhead_bytes', 0],
      ['mem_fragmentation_ratio', (m.rss / Math.max(1, used)).toFixed(2)],
      ['mem_fragmentation_bytes', m.rss - used],
      ['mem_not_counted_for_evict', aof],
      ['mem_replication_backlog', 0],
      ['mem_total_replication_buffers', 0],
      ['mem_clients_slaves', 0],
      ['mem_clients_normal', e.memory.clientsNormal],
      ['mem_cluster_links', 0],
      ['mem_aof_buffer', aof],
      ['mem_allocator', 'v8'],
      ['active_defrag_running', 0],
      ['lazyfree_pending_objects', 0],
      ['lazyfreed_objects', 0],
    ];
  },
  persistence: (e) => [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', e.persistence.background?.keysWritten ?? 0],
    ['current_save_keys_total', e.persistence.background?.keysTotal ?? 0],
    ['rdb_changes_since_last_save', e.persistence.changesSinceLastSave],
    ['rdb_bgsave_in_progress', e.persistence.background !== null && e.persistence.backgroundKind === 'rdb' ? 1 : 0],
    ['rdb_last_save_time', e.persistence.lastSave],
    ['rdb_last_bgsave_status', e.persistence.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', e.persistence.lastBgsaveSeconds],
    ['rdb_current_bgsave_time_sec', e.persistence.background !== null && e.persistence.backgroundKind === 'rdb' ? Math.round((Date.now() - e.persistence.background.startedAt) / 1000) : -1],
    ['rdb_saves', e.persistence.saves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', e.persistence.lastLoad.expired],
    ['rdb_last_load_keys_loaded', e.persistence.lastLoad.keys],
    ['aof_enabled', e.aof.enabled ? 1 : 0],
    ['aof_rewrite_in_progress', e.aof.rewriteStartedAt !== 0 ? 1 : 0],
    ['aof_rewrite_scheduled', e.aof.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', e.aof.lastRewriteSeconds],
    ['aof_current_rewrite_time_sec', e.aof.rewriteStartedAt !== 0 ? Math.round((Date.now() - e.aof.rewriteStartedAt) / 1000) : -1],
    ['aof_last_bgrewrite_status', e.aof.lastRewriteOk ? 'ok' : 'err'],
    ['aof_rewrites', e.aof.rewrites],
    ['aof_rewrites_consecutive_failures', 0],
    ['aof_last_write_status', e.aof.lastWriteError === null ? 'ok' : 'err'],
    ['aof_last_cow_size', 0],
    ...((e.aof.enabled
      ? [
          ['aof_current_size', e.aof.baseSize + e.aof.incrSize],
          ['aof_base_size', e.aof.baseSize],
          ['aof_pending_rewrite', e.aof.rewriteScheduled ? 1 : 0],
          ['aof_buffer_length', e.aof.appended - e.aof.written],
          ['aof_pending_bio_fsync', e.aof.written > e.aof.synced ? 1 : 0],
          ['aof_delayed_fsync', 0],
        ]
      : []) as [string, string | number][]),
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ],
  stats: (e) => {
    const ks = e.keyspace.stats;
    return [
      ['total_connections_received', e.stats.connectionsReceived],
      ['total_commands_processed', e.stats.commandsProcessed],
      ['instantaneous_ops_per_sec', e.opsPerSec],
      ['total_net_input_bytes', e.stats.netInputBytes],
      ['total_net_output_bytes', e.stats.netOutputBytes],
      ['rejected_connections', e.stats.rejectedConnections],
      ['expired_keys', ks.expiredKeys],
      ['expired_stale_perc', ks.expiredStalePerc.toFixed(2)],
      ['expire_cycle_cpu_milliseconds', Math.round(ks.expireCycleCpuMs)],
      ['evicted_keys', e.memory.evictedKeys],
      ['evicted_clients', e.memory.evictedClients],
      ['total_eviction_exceeded_time', e.memory.exceededMs + (e.memory.exceededSince !== 0 ? Date.now() - e.memory.exceededSince : 0)],
      ['current_eviction_exceeded_time', e.memory.exceededSince !== 0 ? Date.now() - e.memory.exceededSince : 0],
      ['keyspace_hits', ks.keyspaceHits],
      ['keyspace_misses', ks.keyspaceMisses],
      ['pubsub_channels', e.pubsub.channels.size],
      ['pubsub_patterns', e.pubsub.patterns.size],
      ['tracking_total_keys', e.tracking.totalKeys],
      ['tracking_total_items', e.tracking.totalItems],
      ['tracking_total_prefixes', e.tracking.totalPrefixes],
      ['total_error_replies', e.stats.errorReplies],
    ];
  },
  replication: () => [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_repl_offset', 0],
  ],
  cpu: () => {
    const u = process.cpuUsage();
    return [
      ['used_cpu_sys', (u.system / 1e6).toFixed(6)],
      ['used_cpu_user', (u.user / 1e6).toFixed(6)],
    ];
  },
  errorstats: (e) => [...e.stats.errorCodes].map(([code, n]) => [`errorstat_${code}`, `count=${n}`]),
  cluster: () => [['cluster_enabled', 0]],
  keyspace: (e) => {
    const out: [string, string][] = [];
    for (const db of e.keyspace.dbs) {
      if (db.size === 0) continue;
      out.push([`db${db.id}`, `keys=${db.size},expires=${db.volatile.size},avg_ttl=0`]);
    }
    return out;
  },
  commandstats: (e) => {
    const out: [string, string][] = [];
    for (const cmd of e.commands.all()) {
      const st = cmd.stats;
      if (st.calls === 0 && st.rejected === 0 && st.failed === 0) continue;
      const usec = Math.round(st.usec);
      const perCall = st.calls === 0 ? 0 : st.usec / st.calls;
      out.push([
        `cmdstat_${cmd.fullName}`,
        `calls=${st.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${st.rejected},failed_calls=${st.failed}`,
      ]);
    }
    return out;
  },
};

function luaMemory(e: Engine): [string, string | number][] {
  const scripting = e.loadedScripting;
  const functions = e.loadedFunctions;
  const evalVm = scripting?.memoryUsed ?? 0;
  const functionsVm = functions?.memoryUsed ?? 0;
  const evalCache = scripting?.cacheBytes ?? 0;
  const functionsCache = functions?.overheadBytes ?? 0;
  return [
    ['used_memory_lua', evalVm],
    ['used_memory_vm_eval', evalVm],
    ['used_memory_lua_human', bytesToHuman(evalVm)],
    ['used_memory_scripts_eval', evalCache],
    ['number_of_cached_scripts', scripting?.cachedScripts ?? 0],
    ['number_of_functions', functions?.functionCount ?? 0],
    ['number_of_libraries', functions?.libraryCount ?? 0],
    ['used_memory_vm_functions', functionsVm],
    ['used_memory_vm_total', evalVm + functionsVm],
    ['used_memory_vm_total_human', bytesToHuman(evalVm + functionsVm)],
    ['used_memory_functions', functionsCache],
    ['used_memory_scripts', evalCache + functionsCache],
    ['used_memory_scripts_human', bytesToHuman(evalCache + functionsCache)],
  ];
}

const DEFAULT = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'errorstats', 'cluster', 'keyspace'];
const ALL = [...DEFAULT.slice(0, -2), 'commandstats', ...DEFAULT.slice(-2)];

const TITLES: Record<string, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  persistence: 'Persistence',
  stats: 'Stats',
  replication: 'Replication',
  cpu: 'CPU',
  errorstats: 'Errorstats',
  cluster: 'Cluster',
  keyspace: 'Keyspace',
  commandstats: 'Commandstats',
};

/** The INFO text for the requested section names (empty: the default set). */
export function infoText(e: Engine, requested: string[]): string {
  let names: string[];
  if (requested.length === 0) names = DEFAULT;
  else {
    const wanted = new Set<string>();
    for (const r of requested.map((x) => x.toLowerCase())) {
      if (r === 'all' || r === 'everything') ALL.forEach((n) => wanted.add(n));
      else if (r === 'default') DEFAULT.forEach((n) => wanted.add(n));
      else if (sections[r]) wanted.add(r);
    }
    names = ALL.filter((n) => wanted.has(n));
  }
  const parts: string[] = [];
  for (const name of names) {
    let text = `# ${TITLES[name]}\r\n`;
    for (const [k, v] of sections[name]!(e)) text += `${k}:${v}\r\n`;
    parts.push(text);
  }
  return parts.join('\r\n');
}
