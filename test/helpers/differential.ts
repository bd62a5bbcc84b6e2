/**
 * Differential testing: the same command scripts go to a real redis-server and to Cairn,
 * and the raw replies must be identical byte for byte.
 *
 * A script is a list of commands. A command is an argv array, or a string split like an
 * inline command (quotes allowed). A leading marker changes the comparison:
 *   "~KEYS *"      unordered: the top-level array is compared as a multiset
 *   "?PTTL k"      only the reply's type byte is compared (time-dependent values)
 *   "%CONFIG GET x" map/pairs compared as a set of pairs
 *   "#sleep 10"     not sent: waits 10 ms (for expiry)
 *   "!CMD"          sent, no reply expected (CLIENT REPLY OFF/SKIP)
 * Each script starts on fresh connections after FLUSHALL, in RESP2 unless it says HELLO 3.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { splitArgs } from '../../src/protocol/parser.js';
import { RawClient, encodeCommand, parseReply } from './raw-client.js';
import { startCairn, startRedis, type RunningServer } from './servers.js';

export type Command = string | string[];
export type Script = Command[];

type Mode = 'exact' | 'unordered' | 'type' | 'pairs';

function prepare(command: Command): { argv: string[]; mode: Mode; text: string } {
  if (Array.isArray(command)) return { argv: command, mode: 'exact', text: JSON.stringify(command) };
  let mode: Mode = 'exact';
  let text = command;
  if (text.startsWith('~')) mode = 'unordered';
  else if (text.startsWith('?')) mode = 'type';
  else if (text.startsWith('%')) mode = 'pairs';
  if (mode !== 'exact') text = text.slice(1);
  const argv = splitArgs(text);
  if (argv === null) throw new Error(`bad command in test: ${command}`);
  return { argv, mode, text };
}

function canonical(reply: string, mode: Mode): string {
  // Client ids differ between the two servers by construction.
  reply = reply.replace(/(\$2\r\nid\r\n:)\d+/g, '$1<id>');
  if (mode === 'exact') return reply;
  if (mode === 'type') return reply[0]!;
  const value = parseReply(reply);
  const norm = (v: unknown): string => (v instanceof Error ? `ERR:${v.message}` : JSON.stringify(v));
  if (!Array.isArray(value)) return reply;
  // Sorts arrays at every depth: SCAN's key list sits inside the reply.
  const sortDeep = (v: unknown): unknown => (Array.isArray(v) ? v.map(sortDeep).map(norm).sort() : v);
  if (mode === 'unordered') return reply[0] + JSON.stringify(sortDeep(value));
  const pairs: string[] = [];
  for (let i = 0; i < value.length; i += 2) pairs.push(norm(value[i]) + '=' + norm(value[i + 1]));
  return reply[0] + JSON.stringify(pairs.sort());
}

export interface Servers {
  redis: RunningServer;
  cairn: RunningServer;
}

/** Starts both servers for the enclosing describe() and stops them after it. */
export function withServers(cairnArgs: string[] = [], redisArgs: string[] = []): Servers {
  const servers = {} as Servers;
  before(async () => {
    const [redis, cairn] = await Promise.all([startRedis(redisArgs), startCairn(cairnArgs)]);
    servers.redis = redis;
    servers.cairn = cairn;
  });
  after(async () => {
    await Promise.all([servers.redis?.stop(), servers.cairn?.stop()]);
  });
  return servers;
}

export async function runScript(servers: Servers, script: Script): Promise<void> {
  const [r, c] = await Promise.all([RawClient.connect(servers.redis.port), RawClient.connect(servers.cairn.port)]);
  try {
    await Promise.all([r.call('FLUSHALL'), c.call('FLUSHALL')]);
    for (const command of script) {
      if (typeof command === 'string' && command.startsWith('#sleep ')) {
        await new Promise((r) => setTimeout(r, Number(command.slice(7))));
        continue;
      }
      if (typeof command === 'string' && command.startsWith('!')) {
        const argv = splitArgs(command.slice(1))!;
        r.write(encodeCommand(argv));
        c.write(encodeCommand(argv));
        continue;
      }
      const { argv, mode, text } = prepare(command);
      const [expected, actual] = await Promise.all([r.call(...argv), c.call(...argv)]);
      assert.equal(
        canonical(actual, mode),
        canonical(expected, mode),
        `${text}\n  redis: ${JSON.stringify(expected)}\n  cairn: ${JSON.stringify(actual)}`,
      );
    }
  } finally {
    r.close();
    c.close();
  }
}

/** One it() per script, named by its first commands. */
export function differential(title: string, scripts: Script[], cairnArgs: string[] = [], redisArgs: string[] = []): void {
  describe(title, () => {
    const servers = withServers(cairnArgs, redisArgs);
    scripts.forEach((script, i) => {
      const name = script
        .slice(0, 3)
        .map((c) => (Array.isArray(c) ? c.join(' ') : c))
        .join(' | ');
      it(`#${i + 1} ${name.length > 100 ? name.slice(0, 100) + '…' : name}`, () => runScript(servers, script));
    });
  });
}
