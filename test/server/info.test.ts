/**
 * INFO: the sections and field names tools read (redis-cli --stat, exporters, client
 * libraries) are those of Redis 7.0. Values differ by nature, so names are compared.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withServers } from '../helpers/differential.js';
import { RawClient, parseReply } from '../helpers/raw-client.js';

/** Field names Cairn reports per section; each must also be one Redis 7.0 reports. */
const REQUIRED: Record<string, string[]> = {
  Server: ['redis_version', 'redis_mode', 'os', 'arch_bits', 'process_id', 'run_id', 'tcp_port', 'uptime_in_seconds', 'uptime_in_days', 'hz', 'configured_hz', 'lru_clock', 'executable', 'config_file'],
  Clients: ['connected_clients', 'maxclients', 'blocked_clients', 'tracking_clients'],
  Memory: ['used_memory', 'used_memory_human', 'used_memory_rss', 'used_memory_rss_human', 'used_memory_peak', 'used_memory_peak_human', 'total_system_memory', 'maxmemory', 'maxmemory_human', 'maxmemory_policy', 'mem_fragmentation_ratio'],
  Persistence: ['loading', 'rdb_changes_since_last_save', 'rdb_bgsave_in_progress', 'aof_enabled'],
  Stats: ['total_connections_received', 'total_commands_processed', 'instantaneous_ops_per_sec', 'total_net_input_bytes', 'total_net_output_bytes', 'rejected_connections', 'expired_keys', 'expired_stale_perc', 'evicted_keys', 'keyspace_hits', 'keyspace_misses', 'total_error_replies'],
  Replication: ['role', 'connected_slaves', 'master_repl_offset'],
  CPU: ['used_cpu_sys', 'used_cpu_user'],
  Cluster: ['cluster_enabled'],
};

function sections(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) {
      current = new Map();
      out.set(line.slice(2), current);
    } else if (line.includes(':')) {
      const i = line.indexOf(':');
      current.set(line.slice(0, i), line.slice(i + 1));
    }
  }
  return out;
}

describe('INFO', () => {
  const servers = withServers();

  it('has Redis 7.0 section titles and field names', async () => {
    const [r, c] = await Promise.all([RawClient.connect(servers.redis.port), RawClient.connect(servers.cairn.port)]);
    for (const client of [r, c]) {
      await client.call('SET', 'k', 'v', 'EX', '100');
      await client.call('GET', 'k');
      await client.call('GET', 'missing');
      await client.call('NOSUCHCOMMAND');
    }
    const redis = sections(parseReply(await r.call('INFO', 'everything')) as string);
    const cairn = sections(parseReply(await c.call('INFO', 'everything')) as string);
    for (const [section, fields] of Object.entries(REQUIRED)) {
      for (const field of fields) {
        assert.ok(redis.get(section)?.has(field), `Redis has ${section}.${field}`);
        assert.ok(cairn.get(section)?.has(field), `Cairn has ${section}.${field}`);
      }
    }
    assert.match(cairn.get('Keyspace')!.get('db0')!, /^keys=1,expires=1,avg_ttl=\d+$/);
    assert.equal(cairn.get('Stats')!.get('keyspace_hits'), '1');
    assert.equal(cairn.get('Stats')!.get('keyspace_misses'), '1');
    assert.equal(cairn.get('Errorstats')!.get('errorstat_ERR'), 'count=1');
    assert.match(cairn.get('Commandstats')!.get('cmdstat_set')!, /^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/);
    assert.equal(cairn.get('Server')!.get('redis_version'), redis.get('Server')!.get('redis_version'));
    // Single sections and the default set.
    assert.match(parseReply(await c.call('INFO', 'keyspace')) as string, /^# Keyspace\r\ndb0:/);
    const defaults = sections(parseReply(await c.call('INFO')) as string);
    assert.ok(!defaults.has('Commandstats'));
    assert.ok(defaults.has('Keyspace'));
    assert.equal(await c.call('INFO', 'nosuchsection'), await r.call('INFO', 'nosuchsection'));
    r.close();
    c.close();
  });
});
