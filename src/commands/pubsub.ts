/**
 * Pub/sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.
 * Subscription replies are RESP3 pushes, or arrays in RESP2, as Redis sends them.
 */
import type { Session } from '../engine/session.js';
import { globMatch } from '../store/glob.js';
import type { CommandDecl } from './types.js';
import { replyHelp } from './util.js';

type Kind = 'channel' | 'pattern' | 'shard';

const NAMES: Record<Kind, [string, string]> = {
  channel: ['subscribe', 'unsubscribe'],
  pattern: ['psubscribe', 'punsubscribe'],
  shard: ['ssubscribe', 'sunsubscribe'],
};

/** The count Redis reports: channels + patterns, or shard channels alone. */
function count(s: Session, kind: Kind): number {
  return kind === 'shard' ? s.shardChannels.size : s.channels.size + s.patterns.size;
}

function notice(s: Session, what: string, name: string | null, kind: Kind): void {
  const r = s.reply;
  r.push(3);
  r.bulk(what);
  if (name === null) r.nil();
  else r.bulk(name);
  r.integer(count(s, kind));
}

function subscribe(s: Session, argv: string[], kind: Kind): void {
  for (let i = 1; i < argv.length; i++) {
    s.engine.pubsub.subscribe(s, kind, argv[i]!);
    notice(s, NAMES[kind][0], argv[i]!, kind);
  }
}

function unsubscribe(s: Session, argv: string[], kind: Kind): void {
  const own = kind === 'channel' ? s.channels : kind === 'pattern' ? s.patterns : s.shardChannels;
  const names = argv.length > 1 ? argv.slice(1) : [...own];
  if (names.length === 0) return notice(s, NAMES[kind][1], null, kind);
  for (const name of names) {
    s.engine.pubsub.unsubscribe(s, kind, name);
    notice(s, NAMES[kind][1], name, kind);
  }
}

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

const subDecl = (name: string, kind: Kind, subscribing: boolean): CommandDecl => ({
  name,
  arity: subscribing ? -2 : -1,
  flags: ['pubsub', 'noscript', 'loading', 'stale'],
  acl: ['pubsub', 'slow'],
  group: 'pubsub',
  keys: [0, 0, 0],
  summary: {
    subscribe: 'Listens for messages published to channels.',
    unsubscribe: 'Stops listening to messages posted to channels.',
    psubscribe: 'Listens for messages published to channels that match one or more patterns.',
    punsubscribe: 'Stops listening to messages published to channels that match one or more patterns.',
    ssubscribe: 'Listens for messages published to shard channels.',
    sunsubscribe: 'Stops listening to messages posted to shard channels.',
  }[name]!,
  since: kind === 'shard' ? '7.0.0' : '2.0.0',
  complexity: 'O(N) where N is the number of channels to subscribe to.',
  handler: (s, argv) => (subscribing ? subscribe(s, argv, kind) : unsubscribe(s, argv, kind)),
});

function channelList(s: Session, registry: Map<string, Set<Session>>, pattern: string | undefined): void {
  const names = [...registry.keys()].filter((c) => pattern === undefined || globMatch(pattern, c));
  s.reply.array(names.length);
  for (const n of names) s.reply.bulk(n);
}

function numsub(s: Session, registry: Map<string, Set<Session>>, channels: string[]): void {
  s.reply.array(channels.length * 2);
  for (const c of channels) {
    s.reply.bulk(c);
    s.reply.integer(registry.get(c)?.size ?? 0);
  }
}

const introspection = (name: string, arity: number, summary: string, handler: CommandDecl['handler']): CommandDecl => ({
  name,
  arity,
  flags: ['pubsub', 'loading', 'stale'],
  acl: ['pubsub', 'slow'],
  group: 'pubsub',
  summary,
  since: name.startsWith('shard') ? '7.0.0' : '2.8.0',
  complexity: 'O(N) where N is the number of active channels',
  handler,
});

export const pubsubCommands: CommandDecl[] = [
  subDecl('subscribe', 'channel', true),
  subDecl('unsubscribe', 'channel', false),
  subDecl('psubscribe', 'pattern', true),
  subDecl('punsubscribe', 'pattern', false),
  {
    ...subDecl('ssubscribe', 'shard', true),
    keys: [1, -1, 1],
    keySpecs: [{ flags: ['not_key'], index: 1, lastKey: -1, keyStep: 1 }],
  },
  {
    ...subDecl('sunsubscribe', 'shard', false),
    keys: [1, -1, 1],
    keySpecs: [{ flags: ['not_key'], index: 1, lastKey: -1, keyStep: 1 }],
  },
  {
    name: 'publish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    acl: ['pubsub', 'fast'],
    group: 'pubsub',
    summary: 'Posts a message to a channel.',
    since: '2.0.0',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    handler: (s, argv) => s.reply.integer(s.engine.pubsub.publish(argv[1]!, argv[2]!, false)),
  },
  {
    name: 'spublish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    acl: ['pubsub', 'fast'],
    group: 'pubsub',
    keys: [1, 1, 1],
    keySpecs: [{ flags: ['not_key'], index: 1, lastKey: 0, keyStep: 1 }],
    summary: 'Post a message to a shard channel',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    handler: (s, argv) => s.reply.integer(s.engine.pubsub.publish(argv[1]!, argv[2]!, true)),
  },
  {
    name: 'pubsub',
    arity: -2,
    flags: [],
    acl: ['slow'],
    group: 'pubsub',
    summary: 'A container for Pub/Sub commands.',
    since: '2.8.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      introspection('channels', -2, 'Returns the active channels.', (s, argv) => channelList(s, s.engine.pubsub.channels, argv[2])),
      introspection('numsub', -2, 'Returns a count of subscribers to channels.', (s, argv) => numsub(s, s.engine.pubsub.channels, argv.slice(2))),
      introspection('numpat', 2, 'Returns a count of unique pattern subscriptions.', (s) => s.reply.integer(s.engine.pubsub.patterns.size)),
      introspection('shardchannels', -2, 'Returns the active shard channels.', (s, argv) => channelList(s, s.engine.pubsub.shardChannels, argv[2])),
      introspection('shardnumsub', -2, 'Returns the count of subscribers of shard channels.', (s, argv) =>
        numsub(s, s.engine.pubsub.shardChannels, argv.slice(2)),
      ),
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow'],
        group: 'pubsub',
        summary: 'Returns helpful text about the different subcommands.',
        since: '6.2.0',
        complexity: 'O(1)',
        handler: (s) => replyHelp(s, 'pubsub', PUBSUB_HELP),
      },
    ],
  },
];
