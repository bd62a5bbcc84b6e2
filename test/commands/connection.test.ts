import { differential, type Script } from '../helpers/differential.js';

const connection: Script[] = [
  ['PING', 'PING hello', 'PING a b', 'ping', 'PiNg x'],
  ['ECHO hi', 'ECHO ""', 'ECHO', 'ECHO a b', ['ECHO', 'bin\x00\r\n\xff']],
  ['NOSUCHCMD', 'NOSUCHCMD a b c', 'nosuchcmd "with space" x', ['NOSUCHCMD', 'a\r\nb']],
  [['X'.repeat(200), 'a'.repeat(200), 'b']],
  [['FOO', ...Array.from({ length: 30 }, (_, i) => `argument-${i}`)]],
  ['CLIENT', 'CLIENT NOSUCH', 'CLIENT nosuch x y', 'CONFIG', 'CONFIG NOSUCH', 'OBJECT NOSUCH k', 'COMMAND NOSUCH'],
  ['HELLO 4', 'HELLO 1', 'HELLO abc', 'HELLO 3 FOO', 'HELLO 3 AUTH', 'HELLO 3 AUTH default', 'HELLO 3 SETNAME', 'HELLO 2 SETNAME "bad name"'],
  ['HELLO 3 AUTH default wrong', 'HELLO 3 AUTH nobody x', 'AUTH x', 'AUTH a b c', 'AUTH default anything', 'AUTH other x'],
  ['?HELLO', '?HELLO 3', '?HELLO 2'],
  // RESP3 encodings of ordinary replies
  ['HELLO 3', 'GET missing', 'SET k v', 'GET k', 'MGET k missing', 'INCR n', 'SET k v GET', 'SET k2 v NX', 'SET k2 v XX GET', 'OBJECT ENCODING missing', 'CLIENT GETNAME', 'CONFIG GET hz', 'CONFIG GET nosuch*', 'LCS k k IDX', 'HELLO 2', 'GET missing'],
  ['HELLO 3', 'EXISTS k', 'TTL k', 'SCAN 0 MATCH nothing', 'GETEX missing', 'COMMAND INFO nosuchcommand', 'PING', 'ECHO x', 'SELECT 1', 'TYPE missing'],
  ['CLIENT SETNAME myname', 'CLIENT GETNAME', 'CLIENT SETNAME ""', 'CLIENT GETNAME', 'CLIENT SETNAME "a b"', 'CLIENT SETNAME "a\nb"', 'CLIENT SETNAME', 'CLIENT GETNAME x'],
  ['HELLO 2 SETNAME viahello', 'CLIENT GETNAME'],
  ['CLIENT KILL 1.2.3.4:5', 'CLIENT KILL ID abc', 'CLIENT KILL ID 0', 'CLIENT KILL ID -1', 'CLIENT KILL FOO bar', 'CLIENT KILL ID', 'CLIENT KILL ID 999999', 'CLIENT KILL TYPE normal SKIPME yes', 'CLIENT KILL TYPE foo', 'CLIENT KILL SKIPME maybe', 'CLIENT KILL USER nobody', 'CLIENT KILL ADDR 1.2.3.4:5 SKIPME yes'],
  ['CLIENT PAUSE abc', 'CLIENT PAUSE -1', 'CLIENT PAUSE 10 FOO', 'CLIENT PAUSE 0 WRITE', 'CLIENT PAUSE 0', 'CLIENT UNPAUSE', 'CLIENT PAUSE', 'CLIENT PAUSE 1 ALL x'],
  ['CLIENT REPLY FOO', 'CLIENT REPLY ON', 'CLIENT NO-EVICT maybe', 'CLIENT NO-EVICT on', 'CLIENT NO-EVICT OFF', 'CLIENT NO-EVICT'],
  ['!CLIENT REPLY OFF', '!SET a 1', '!GET a', '!NOSUCH', 'CLIENT REPLY ON', 'GET a'],
  ['!CLIENT REPLY SKIP', '!SET a 2', 'GET a', '!CLIENT REPLY SKIP', '!NOSUCHCMD', 'GET a', '!CLIENT REPLY OFF', '!CLIENT REPLY SKIP', '!GET a', 'CLIENT REPLY ON'],
  ['?CLIENT ID', 'CLIENT ID x', 'CLIENT LIST TYPE foo', 'CLIENT LIST FOO', 'CLIENT LIST ID abc', 'CLIENT LIST ID 0', 'CLIENT LIST ID 999999', 'CLIENT LIST TYPE pubsub', 'CLIENT LIST TYPE master', 'CLIENT LIST TYPE replica'],
  ['RESET', 'SELECT 3', 'SET a 1', 'RESET', 'GET a', 'HELLO 3', 'RESET', 'GET x', 'RESET x'],
  ['SELECT 2', 'SET a 1', '!CLIENT REPLY OFF', 'RESET', 'GET a'],
  ['QUIT x y'],
];

const server: Script[] = [
  ['%CONFIG GET hz', '%CONFIG GET maxmemory-policy', '%CONFIG GET lfu-*', '%CONFIG GET proto-max-bulk-len client-query-buffer-limit', '%CONFIG GET HZ', 'CONFIG GET', '%CONFIG GET nosuchparam', '%CONFIG GET databases', '%CONFIG GET timeout tcp-keepalive'],
  ['%CONFIG GET loglevel', '%CONFIG GET protected-mode', '%CONFIG GET appendonly', '%CONFIG GET save', '%CONFIG GET enable-debug-command', '%CONFIG GET daemonize', '%CONFIG GET maxclients', '%CONFIG GET tcp-backlog'],
  ['CONFIG SET hz 50', '%CONFIG GET hz', 'CONFIG SET hz 0', '%CONFIG GET hz', 'CONFIG SET hz 600', '%CONFIG GET hz', 'CONFIG SET hz abc', 'CONFIG SET hz 99999999999', 'CONFIG SET hz -1', 'CONFIG SET hz 10'],
  ['CONFIG SET maxmemory-policy foo', 'CONFIG SET maxmemory-policy ALLKEYS-LRU', '%CONFIG GET maxmemory-policy', 'CONFIG SET maxmemory-policy noeviction'],
  ['CONFIG SET databases 3', 'CONFIG SET foo bar', 'CONFIG SET protected-mode maybe', 'CONFIG SET proto-max-bulk-len 1x', 'CONFIG SET proto-max-bulk-len 10', 'CONFIG SET enable-debug-command yes', 'CONFIG SET daemonize yes'],
  ['CONFIG SET proto-max-bulk-len 1mb', '%CONFIG GET proto-max-bulk-len', 'CONFIG SET proto-max-bulk-len 2000000', '%CONFIG GET proto-max-bulk-len', 'CONFIG SET proto-max-bulk-len 1g', '%CONFIG GET proto-max-bulk-len', 'CONFIG SET proto-max-bulk-len 512MB'],
  ['CONFIG SET hz 20 timeout 5', '%CONFIG GET hz timeout', 'CONFIG SET hz 30 timeout abc', '%CONFIG GET hz timeout', 'CONFIG SET hz 1 hz 2', 'CONFIG SET hz', 'CONFIG SET hz 1 timeout', 'CONFIG SET hz 10 timeout 0'],
  ['CONFIG SET lfu-log-factor 5', '%CONFIG GET lfu-log-factor', 'CONFIG SET lfu-log-factor -1', 'CONFIG SET lfu-log-factor 10', 'CONFIG SET loglevel bogus', 'CONFIG SET loglevel WARNING', '%CONFIG GET loglevel', 'CONFIG SET loglevel notice'],
  ['CONFIG SET maxclients 0', 'CONFIG SET maxclients 5000', '%CONFIG GET maxclients', 'CONFIG SET maxclients 10000', 'CONFIG SET tcp-keepalive 0', 'CONFIG SET tcp-keepalive 300', 'CONFIG SET save ""', 'CONFIG SET appendonly no'],
  // CONFIG HELP differs on purpose: Cairn has no CONFIG REWRITE yet and does not list it.
  ['CONFIG RESETSTAT', 'CONFIG RESETSTAT x', 'CONFIG HELP x', 'CONFIG SET dir /nonexistent/cairn-test-dir', 'CONFIG SET dir /tmp', '%CONFIG GET enable-protected-configs', 'CONFIG SET enable-protected-configs yes'],
  ['COMMAND HELP', 'COMMAND INFO nosuch', 'COMMAND COUNT x', 'COMMAND GETKEYS', 'COMMAND GETKEYS get', 'COMMAND GETKEYS nosuch a', 'COMMAND GETKEYS ping', 'COMMAND GETKEYS get a b'],
  ['COMMAND GETKEYS get a', 'COMMAND GETKEYS set a b', 'COMMAND GETKEYS mset a 1 b 2', 'COMMAND GETKEYS mget a b c', 'COMMAND GETKEYS del a b', 'COMMAND GETKEYS rename a b', 'COMMAND GETKEYS object encoding k', 'COMMAND GETKEYS lcs a b', 'COMMAND GETKEYS expire k 10'],
  ['COMMAND INFO get set mget mset del incr expire ttl exists type keys scan', 'COMMAND INFO GET', 'COMMAND INFO select ping echo dbsize flushdb flushall swapdb'],
  ['COMMAND INFO setnx setex psetex getset getdel getex append strlen incrby decrby decr incrbyfloat getrange substr setrange lcs msetnx'],
  ['COMMAND INFO unlink rename renamenx copy move randomkey touch pexpire expireat pexpireat pttl expiretime pexpiretime persist'],
  ['COMMAND INFO auth hello quit reset time lolwut monitor info shutdown debug'],
  ['COMMAND INFO client|kill client|list client|setname config|get config|set object|encoding'],
  ['TIME x', '?TIME', 'INFO nosuchsection', 'DBSIZE 1', 'MONITOR x', 'SHUTDOWN foo', 'SHUTDOWN ABORT', 'DEBUG SLEEP 0', 'DEBUG HELP'],
];

differential('connection commands match Redis', connection);
differential('server commands match Redis', server);
