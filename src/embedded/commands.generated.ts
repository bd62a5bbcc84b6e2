// Generated from the command table by scripts/gen-embedded-types.mjs: do not edit.
// test/embedded/types.test.ts fails when a command is added without regenerating.

/** Every command as a method of a database; see typed-commands.ts for the typed ones. */
export interface GeneratedCommands {
  /** Appends a string to the value of a key. Creates the key if it doesn't exist. */
  append(...args: unknown[]): unknown;
  /** Authenticates the connection. */
  auth(...args: unknown[]): unknown;
  /** Asynchronously rewrite the append-only file */
  bgrewriteaof(...args: unknown[]): unknown;
  /** Asynchronously save the dataset to disk */
  bgsave(...args: unknown[]): unknown;
  /** Count set bits in a string */
  bitcount(...args: unknown[]): unknown;
  /** Perform arbitrary bitfield integer operations on strings */
  bitfield(...args: unknown[]): unknown;
  /** Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD */
  bitfield_ro(...args: unknown[]): unknown;
  /** Perform bitwise operations between strings */
  bitop(...args: unknown[]): unknown;
  /** Find first bit set or clear in a string */
  bitpos(...args: unknown[]): unknown;
  /** Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved. */
  blmove(...args: unknown[]): Promise<unknown>;
  /** Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped. */
  blmpop(...args: unknown[]): Promise<unknown>;
  /** Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped. */
  blpop(...args: unknown[]): Promise<unknown>;
  /** Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped. */
  brpop(...args: unknown[]): Promise<unknown>;
  /** Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped. */
  brpoplpush(...args: unknown[]): Promise<unknown>;
  /** Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped. */
  bzmpop(...args: unknown[]): Promise<unknown>;
  /** Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped. */
  bzpopmax(...args: unknown[]): Promise<unknown>;
  /** Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped. */
  bzpopmin(...args: unknown[]): Promise<unknown>;
  /** A container for client connection commands. */
  client(...args: unknown[]): unknown;
  /** Returns detailed information about all commands. */
  command(...args: unknown[]): unknown;
  /** A container for server configuration commands. */
  config(...args: unknown[]): unknown;
  /** Copies the value of a key to a new key. */
  copy(...args: unknown[]): unknown;
  /** Returns the number of keys in the database. */
  dbsize(...args: unknown[]): unknown;
  /** A container for debugging commands. */
  debug(...args: unknown[]): unknown;
  /** Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist. */
  decr(...args: unknown[]): unknown;
  /** Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist. */
  decrby(...args: unknown[]): unknown;
  /** Deletes one or more keys. */
  del(...args: unknown[]): unknown;
  /** Discards a transaction. */
  discard(...args: unknown[]): unknown;
  /** Return a serialized version of the value stored at the specified key. */
  dump(...args: unknown[]): unknown;
  /** Returns the given string. */
  echo(...args: unknown[]): unknown;
  /** Executes a server-side Lua script. */
  eval(...args: unknown[]): unknown;
  /** Executes a read-only server-side Lua script. */
  eval_ro(...args: unknown[]): unknown;
  /** Executes a server-side Lua script by SHA1 digest. */
  evalsha(...args: unknown[]): unknown;
  /** Executes a read-only server-side Lua script by SHA1 digest. */
  evalsha_ro(...args: unknown[]): unknown;
  /** Executes all commands in a transaction. */
  exec(...args: unknown[]): unknown;
  /** Determines whether one or more keys exist. */
  exists(...args: unknown[]): unknown;
  /** Sets the expiration time of a key in seconds. */
  expire(...args: unknown[]): unknown;
  /** Sets the expiration time of a key to a Unix timestamp. */
  expireat(...args: unknown[]): unknown;
  /** Returns the expiration time of a key as a Unix timestamp. */
  expiretime(...args: unknown[]): unknown;
  /** Invoke a function */
  fcall(...args: unknown[]): unknown;
  /** Invoke a read-only function */
  fcall_ro(...args: unknown[]): unknown;
  /** Removes all keys from all databases. */
  flushall(...args: unknown[]): unknown;
  /** Remove all keys from the current database. */
  flushdb(...args: unknown[]): unknown;
  /** A container for function commands */
  function(...args: unknown[]): unknown;
  /** Add one or more geospatial items in the geospatial index represented using a sorted set */
  geoadd(...args: unknown[]): unknown;
  /** Returns the distance between two members of a geospatial index */
  geodist(...args: unknown[]): unknown;
  /** Returns members of a geospatial index as standard geohash strings */
  geohash(...args: unknown[]): unknown;
  /** Returns longitude and latitude of members of a geospatial index */
  geopos(...args: unknown[]): unknown;
  /** Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point */
  georadius(...args: unknown[]): unknown;
  /** A read-only variant for GEORADIUS */
  georadius_ro(...args: unknown[]): unknown;
  /** Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member */
  georadiusbymember(...args: unknown[]): unknown;
  /** A read-only variant for GEORADIUSBYMEMBER */
  georadiusbymember_ro(...args: unknown[]): unknown;
  /** Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle. */
  geosearch(...args: unknown[]): unknown;
  /** Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key. */
  geosearchstore(...args: unknown[]): unknown;
  /** Returns the string value of a key. */
  get(...args: unknown[]): unknown;
  /** Returns the bit value at offset in the string value stored at key */
  getbit(...args: unknown[]): unknown;
  /** Returns the string value of a key after deleting the key. */
  getdel(...args: unknown[]): unknown;
  /** Returns the string value of a key after setting its expiration time. */
  getex(...args: unknown[]): unknown;
  /** Returns a substring of the string stored at a key. */
  getrange(...args: unknown[]): unknown;
  /** Returns the previous string value of a key after setting it to a new value. */
  getset(...args: unknown[]): unknown;
  /** Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain. */
  hdel(...args: unknown[]): unknown;
  /** Handshakes with the Redis server. */
  hello(...args: unknown[]): unknown;
  /** Determines whether a field exists in a hash. */
  hexists(...args: unknown[]): unknown;
  /** Returns the value of a field in a hash. */
  hget(...args: unknown[]): unknown;
  /** Returns all fields and values in a hash. */
  hgetall(...args: unknown[]): unknown;
  /** Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist. */
  hincrby(...args: unknown[]): unknown;
  /** Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist. */
  hincrbyfloat(...args: unknown[]): unknown;
  /** Returns all fields in a hash. */
  hkeys(...args: unknown[]): unknown;
  /** Returns the number of fields in a hash. */
  hlen(...args: unknown[]): unknown;
  /** Returns the values of all fields in a hash. */
  hmget(...args: unknown[]): unknown;
  /** Sets the values of multiple fields. */
  hmset(...args: unknown[]): unknown;
  /** Returns one or more random fields from a hash. */
  hrandfield(...args: unknown[]): unknown;
  /** Iterates over fields and values of a hash. */
  hscan(...args: unknown[]): unknown;
  /** Creates or modifies the value of a field in a hash. */
  hset(...args: unknown[]): unknown;
  /** Sets the value of a field in a hash only when the field doesn't exist. */
  hsetnx(...args: unknown[]): unknown;
  /** Returns the length of the value of a field. */
  hstrlen(...args: unknown[]): unknown;
  /** Returns all values in a hash. */
  hvals(...args: unknown[]): unknown;
  /** Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist. */
  incr(...args: unknown[]): unknown;
  /** Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist. */
  incrby(...args: unknown[]): unknown;
  /** Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist. */
  incrbyfloat(...args: unknown[]): unknown;
  /** Returns information and statistics about the server. */
  info(...args: unknown[]): unknown;
  /** Returns all key names that match a pattern. */
  keys(...args: unknown[]): unknown;
  /** Get the UNIX time stamp of the last successful save to disk */
  lastsave(...args: unknown[]): unknown;
  /** Finds the longest common substring. */
  lcs(...args: unknown[]): unknown;
  /** Returns an element from a list by its index. */
  lindex(...args: unknown[]): unknown;
  /** Inserts an element before or after another element in a list. */
  linsert(...args: unknown[]): unknown;
  /** Returns the length of a list. */
  llen(...args: unknown[]): unknown;
  /** Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved. */
  lmove(...args: unknown[]): unknown;
  /** Returns multiple elements from a list after removing them. Deletes the list if the last element was popped. */
  lmpop(...args: unknown[]): unknown;
  /** Displays computer art and the Redis version */
  lolwut(...args: unknown[]): unknown;
  /** Returns the first elements in a list after removing it. Deletes the list if the last element was popped. */
  lpop(...args: unknown[]): unknown;
  /** Returns the index of matching elements in a list. */
  lpos(...args: unknown[]): unknown;
  /** Prepends one or more elements to a list. Creates the key if it doesn't exist. */
  lpush(...args: unknown[]): unknown;
  /** Prepends one or more elements to a list only when the list exists. */
  lpushx(...args: unknown[]): unknown;
  /** Returns a range of elements from a list. */
  lrange(...args: unknown[]): unknown;
  /** Removes elements from a list. Deletes the list if the last element was removed. */
  lrem(...args: unknown[]): unknown;
  /** Sets the value of an element in a list by its index. */
  lset(...args: unknown[]): unknown;
  /** Removes elements from both ends a list. Deletes the list if all elements were trimmed. */
  ltrim(...args: unknown[]): unknown;
  /** A container for memory diagnostics commands */
  memory(...args: unknown[]): unknown;
  /** Atomically returns the string values of one or more keys. */
  mget(...args: unknown[]): unknown;
  /** Listens for all requests received by the server in real-time. */
  monitor(...args: unknown[]): unknown;
  /** Moves a key to another database. */
  move(...args: unknown[]): unknown;
  /** Atomically creates or modifies the string values of one or more keys. */
  mset(...args: unknown[]): unknown;
  /** Atomically modifies the string values of one or more keys only when all keys don't exist. */
  msetnx(...args: unknown[]): unknown;
  /** A container for object introspection commands. */
  object(...args: unknown[]): unknown;
  /** Removes the expiration time of a key. */
  persist(...args: unknown[]): unknown;
  /** Sets the expiration time of a key in milliseconds. */
  pexpire(...args: unknown[]): unknown;
  /** Sets the expiration time of a key to a Unix milliseconds timestamp. */
  pexpireat(...args: unknown[]): unknown;
  /** Returns the expiration time of a key as a Unix milliseconds timestamp. */
  pexpiretime(...args: unknown[]): unknown;
  /** Adds the specified elements to the specified HyperLogLog. */
  pfadd(...args: unknown[]): unknown;
  /** Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s). */
  pfcount(...args: unknown[]): unknown;
  /** Internal commands for debugging HyperLogLog values */
  pfdebug(...args: unknown[]): unknown;
  /** Merge N different HyperLogLogs into a single one. */
  pfmerge(...args: unknown[]): unknown;
  /** An internal command for testing HyperLogLog values */
  pfselftest(...args: unknown[]): unknown;
  /** Returns the server's liveliness response. */
  ping(...args: unknown[]): unknown;
  /** Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist. */
  psetex(...args: unknown[]): unknown;
  /** Returns the expiration time in milliseconds of a key. */
  pttl(...args: unknown[]): unknown;
  /** Posts a message to a channel. */
  publish(...args: unknown[]): unknown;
  /** A container for Pub/Sub commands. */
  pubsub(...args: unknown[]): unknown;
  /** Stops listening to messages published to channels that match one or more patterns. */
  punsubscribe(...args: unknown[]): unknown;
  /** Closes the connection. */
  quit(...args: unknown[]): unknown;
  /** Returns a random key name from the database. */
  randomkey(...args: unknown[]): unknown;
  /** Renames a key and overwrites the destination. */
  rename(...args: unknown[]): unknown;
  /** Renames a key only when the target key name doesn't exist. */
  renamenx(...args: unknown[]): unknown;
  /** Resets the connection. */
  reset(...args: unknown[]): unknown;
  /** Create a key using the provided serialized value, previously obtained using DUMP. */
  restore(...args: unknown[]): unknown;
  /** Returns and removes the last elements of a list. Deletes the list if the last element was popped. */
  rpop(...args: unknown[]): unknown;
  /** Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped. */
  rpoplpush(...args: unknown[]): unknown;
  /** Appends one or more elements to a list. Creates the key if it doesn't exist. */
  rpush(...args: unknown[]): unknown;
  /** Appends an element to a list only when the list exists. */
  rpushx(...args: unknown[]): unknown;
  /** Adds one or more members to a set. Creates the key if it doesn't exist. */
  sadd(...args: unknown[]): unknown;
  /** Synchronously save the dataset to disk */
  save(...args: unknown[]): unknown;
  /** Iterates over the key names in the database. */
  scan(...args: unknown[]): unknown;
  /** Returns the number of members in a set. */
  scard(...args: unknown[]): unknown;
  /** A container for Lua scripts management commands. */
  script(...args: unknown[]): unknown;
  /** Returns the difference of multiple sets. */
  sdiff(...args: unknown[]): unknown;
  /** Stores the difference of multiple sets in a key. */
  sdiffstore(...args: unknown[]): unknown;
  /** Changes the selected database. */
  select(...args: unknown[]): unknown;
  /** Sets the string value of a key, ignoring its type. The key is created if it doesn't exist. */
  set(...args: unknown[]): unknown;
  /** Sets or clears the bit at offset in the string value stored at key */
  setbit(...args: unknown[]): unknown;
  /** Sets the string value and expiration time of a key. Creates the key if it doesn't exist. */
  setex(...args: unknown[]): unknown;
  /** Set the string value of a key only when the key doesn't exist. */
  setnx(...args: unknown[]): unknown;
  /** Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist. */
  setrange(...args: unknown[]): unknown;
  /** Synchronously saves the database(s) to disk and shuts down the Redis server. */
  shutdown(...args: unknown[]): unknown;
  /** Returns the intersect of multiple sets. */
  sinter(...args: unknown[]): unknown;
  /** Returns the number of members of the intersect of multiple sets. */
  sintercard(...args: unknown[]): unknown;
  /** Stores the intersect of multiple sets in a key. */
  sinterstore(...args: unknown[]): unknown;
  /** Determines whether a member belongs to a set. */
  sismember(...args: unknown[]): unknown;
  /** Returns all members of a set. */
  smembers(...args: unknown[]): unknown;
  /** Determines whether multiple members belong to a set. */
  smismember(...args: unknown[]): unknown;
  /** Moves a member from one set to another. */
  smove(...args: unknown[]): unknown;
  /** Sorts the elements in a list, a set, or a sorted set, optionally storing the result. */
  sort(...args: unknown[]): unknown;
  /** Returns the sorted elements of a list, a set, or a sorted set. */
  sort_ro(...args: unknown[]): unknown;
  /** Returns one or more random members from a set after removing them. Deletes the set if the last member was popped. */
  spop(...args: unknown[]): unknown;
  /** Post a message to a shard channel */
  spublish(...args: unknown[]): unknown;
  /** Get one or multiple random members from a set */
  srandmember(...args: unknown[]): unknown;
  /** Removes one or more members from a set. Deletes the set if the last member was removed. */
  srem(...args: unknown[]): unknown;
  /** Iterates over members of a set. */
  sscan(...args: unknown[]): unknown;
  /** Listens for messages published to shard channels. */
  ssubscribe(...args: unknown[]): unknown;
  /** Returns the length of a string value. */
  strlen(...args: unknown[]): unknown;
  /** Returns a substring from a string value. */
  substr(...args: unknown[]): unknown;
  /** Returns the union of multiple sets. */
  sunion(...args: unknown[]): unknown;
  /** Stores the union of multiple sets in a key. */
  sunionstore(...args: unknown[]): unknown;
  /** Stops listening to messages posted to shard channels. */
  sunsubscribe(...args: unknown[]): unknown;
  /** Swaps two Redis databases. */
  swapdb(...args: unknown[]): unknown;
  /** Returns the server time. */
  time(...args: unknown[]): unknown;
  /** Returns the number of existing keys out of those specified after updating the time they were last accessed. */
  touch(...args: unknown[]): unknown;
  /** Returns the expiration time in seconds of a key. */
  ttl(...args: unknown[]): unknown;
  /** Determines the type of value stored at a key. */
  type(...args: unknown[]): unknown;
  /** Asynchronously deletes one or more keys. */
  unlink(...args: unknown[]): unknown;
  /** Stops listening to messages posted to channels. */
  unsubscribe(...args: unknown[]): unknown;
  /** Forgets about watched keys of a transaction. */
  unwatch(...args: unknown[]): unknown;
  /** Monitors changes to keys to determine the execution of a transaction. */
  watch(...args: unknown[]): unknown;
  /** Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL. */
  xack(...args: unknown[]): unknown;
  /** Appends a new entry to a stream */
  xadd(...args: unknown[]): unknown;
  /** Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer. */
  xautoclaim(...args: unknown[]): unknown;
  /** Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer. */
  xclaim(...args: unknown[]): unknown;
  /** Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist. */
  xdel(...args: unknown[]): unknown;
  /** A container for consumer groups commands */
  xgroup(...args: unknown[]): unknown;
  /** A container for stream introspection commands */
  xinfo(...args: unknown[]): unknown;
  /** Return the number of entries in a stream */
  xlen(...args: unknown[]): unknown;
  /** Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged. */
  xpending(...args: unknown[]): unknown;
  /** Return a range of elements in a stream, with IDs matching the specified IDs interval */
  xrange(...args: unknown[]): unknown;
  /** Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block. */
  xread(...args: unknown[]): Promise<unknown>;
  /** Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block. */
  xreadgroup(...args: unknown[]): Promise<unknown>;
  /** Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE */
  xrevrange(...args: unknown[]): unknown;
  /** An internal command for replicating stream values */
  xsetid(...args: unknown[]): unknown;
  /** Trims the stream to (approximately if '~' is passed) a certain size */
  xtrim(...args: unknown[]): unknown;
  /** Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist. */
  zadd(...args: unknown[]): unknown;
  /** Returns the number of members in a sorted set. */
  zcard(...args: unknown[]): unknown;
  /** Returns the count of members in a sorted set that have scores within a range. */
  zcount(...args: unknown[]): unknown;
  /** Returns the difference between multiple sorted sets. */
  zdiff(...args: unknown[]): unknown;
  /** Stores the difference of multiple sorted sets in a key. */
  zdiffstore(...args: unknown[]): unknown;
  /** Increments the score of a member in a sorted set. */
  zincrby(...args: unknown[]): unknown;
  /** Returns the intersect of multiple sorted sets. */
  zinter(...args: unknown[]): unknown;
  /** Returns the number of members of the intersect of multiple sorted sets. */
  zintercard(...args: unknown[]): unknown;
  /** Stores the intersect of multiple sorted sets in a key. */
  zinterstore(...args: unknown[]): unknown;
  /** Returns the number of members in a sorted set within a lexicographical range. */
  zlexcount(...args: unknown[]): unknown;
  /** Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped. */
  zmpop(...args: unknown[]): unknown;
  /** Returns the score of one or more members in a sorted set. */
  zmscore(...args: unknown[]): unknown;
  /** Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped. */
  zpopmax(...args: unknown[]): unknown;
  /** Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped. */
  zpopmin(...args: unknown[]): unknown;
  /** Returns one or more random members from a sorted set. */
  zrandmember(...args: unknown[]): unknown;
  /** Returns members in a sorted set within a range of indexes. */
  zrange(...args: unknown[]): unknown;
  /** Returns members in a sorted set within a lexicographical range. */
  zrangebylex(...args: unknown[]): unknown;
  /** Returns members in a sorted set within a range of scores. */
  zrangebyscore(...args: unknown[]): unknown;
  /** Stores a range of members from sorted set in a key. */
  zrangestore(...args: unknown[]): unknown;
  /** Returns the index of a member in a sorted set ordered by ascending scores. */
  zrank(...args: unknown[]): unknown;
  /** Removes one or more members from a sorted set. Deletes the sorted set if all members were removed. */
  zrem(...args: unknown[]): unknown;
  /** Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed. */
  zremrangebylex(...args: unknown[]): unknown;
  /** Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed. */
  zremrangebyrank(...args: unknown[]): unknown;
  /** Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed. */
  zremrangebyscore(...args: unknown[]): unknown;
  /** Returns members in a sorted set within a range of indexes in reverse order. */
  zrevrange(...args: unknown[]): unknown;
  /** Returns members in a sorted set within a lexicographical range in reverse order. */
  zrevrangebylex(...args: unknown[]): unknown;
  /** Returns members in a sorted set within a range of scores in reverse order. */
  zrevrangebyscore(...args: unknown[]): unknown;
  /** Returns the index of a member in a sorted set ordered by descending scores. */
  zrevrank(...args: unknown[]): unknown;
  /** Iterates over members and scores of a sorted set. */
  zscan(...args: unknown[]): unknown;
  /** Returns the score of a member in a sorted set. */
  zscore(...args: unknown[]): unknown;
  /** Returns the union of multiple sorted sets. */
  zunion(...args: unknown[]): unknown;
  /** Stores the union of multiple sorted sets in a key. */
  zunionstore(...args: unknown[]): unknown;
}

/** Every command as a method of a transaction: it queues the command. */
export interface TransactionCommands {
  append(...args: unknown[]): this;
  auth(...args: unknown[]): this;
  bgrewriteaof(...args: unknown[]): this;
  bgsave(...args: unknown[]): this;
  bitcount(...args: unknown[]): this;
  bitfield(...args: unknown[]): this;
  bitfield_ro(...args: unknown[]): this;
  bitop(...args: unknown[]): this;
  bitpos(...args: unknown[]): this;
  blmove(...args: unknown[]): this;
  blmpop(...args: unknown[]): this;
  blpop(...args: unknown[]): this;
  brpop(...args: unknown[]): this;
  brpoplpush(...args: unknown[]): this;
  bzmpop(...args: unknown[]): this;
  bzpopmax(...args: unknown[]): this;
  bzpopmin(...args: unknown[]): this;
  client(...args: unknown[]): this;
  command(...args: unknown[]): this;
  config(...args: unknown[]): this;
  copy(...args: unknown[]): this;
  dbsize(...args: unknown[]): this;
  debug(...args: unknown[]): this;
  decr(...args: unknown[]): this;
  decrby(...args: unknown[]): this;
  del(...args: unknown[]): this;
  discard(...args: unknown[]): this;
  dump(...args: unknown[]): this;
  echo(...args: unknown[]): this;
  eval(...args: unknown[]): this;
  eval_ro(...args: unknown[]): this;
  evalsha(...args: unknown[]): this;
  evalsha_ro(...args: unknown[]): this;
  exists(...args: unknown[]): this;
  expire(...args: unknown[]): this;
  expireat(...args: unknown[]): this;
  expiretime(...args: unknown[]): this;
  fcall(...args: unknown[]): this;
  fcall_ro(...args: unknown[]): this;
  flushall(...args: unknown[]): this;
  flushdb(...args: unknown[]): this;
  function(...args: unknown[]): this;
  geoadd(...args: unknown[]): this;
  geodist(...args: unknown[]): this;
  geohash(...args: unknown[]): this;
  geopos(...args: unknown[]): this;
  georadius(...args: unknown[]): this;
  georadius_ro(...args: unknown[]): this;
  georadiusbymember(...args: unknown[]): this;
  georadiusbymember_ro(...args: unknown[]): this;
  geosearch(...args: unknown[]): this;
  geosearchstore(...args: unknown[]): this;
  get(...args: unknown[]): this;
  getbit(...args: unknown[]): this;
  getdel(...args: unknown[]): this;
  getex(...args: unknown[]): this;
  getrange(...args: unknown[]): this;
  getset(...args: unknown[]): this;
  hdel(...args: unknown[]): this;
  hello(...args: unknown[]): this;
  hexists(...args: unknown[]): this;
  hget(...args: unknown[]): this;
  hgetall(...args: unknown[]): this;
  hincrby(...args: unknown[]): this;
  hincrbyfloat(...args: unknown[]): this;
  hkeys(...args: unknown[]): this;
  hlen(...args: unknown[]): this;
  hmget(...args: unknown[]): this;
  hmset(...args: unknown[]): this;
  hrandfield(...args: unknown[]): this;
  hscan(...args: unknown[]): this;
  hset(...args: unknown[]): this;
  hsetnx(...args: unknown[]): this;
  hstrlen(...args: unknown[]): this;
  hvals(...args: unknown[]): this;
  incr(...args: unknown[]): this;
  incrby(...args: unknown[]): this;
  incrbyfloat(...args: unknown[]): this;
  info(...args: unknown[]): this;
  keys(...args: unknown[]): this;
  lastsave(...args: unknown[]): this;
  lcs(...args: unknown[]): this;
  lindex(...args: unknown[]): this;
  linsert(...args: unknown[]): this;
  llen(...args: unknown[]): this;
  lmove(...args: unknown[]): this;
  lmpop(...args: unknown[]): this;
  lolwut(...args: unknown[]): this;
  lpop(...args: unknown[]): this;
  lpos(...args: unknown[]): this;
  lpush(...args: unknown[]): this;
  lpushx(...args: unknown[]): this;
  lrange(...args: unknown[]): this;
  lrem(...args: unknown[]): this;
  lset(...args: unknown[]): this;
  ltrim(...args: unknown[]): this;
  memory(...args: unknown[]): this;
  mget(...args: unknown[]): this;
  monitor(...args: unknown[]): this;
  move(...args: unknown[]): this;
  mset(...args: unknown[]): this;
  msetnx(...args: unknown[]): this;
  object(...args: unknown[]): this;
  persist(...args: unknown[]): this;
  pexpire(...args: unknown[]): this;
  pexpireat(...args: unknown[]): this;
  pexpiretime(...args: unknown[]): this;
  pfadd(...args: unknown[]): this;
  pfcount(...args: unknown[]): this;
  pfdebug(...args: unknown[]): this;
  pfmerge(...args: unknown[]): this;
  pfselftest(...args: unknown[]): this;
  ping(...args: unknown[]): this;
  psetex(...args: unknown[]): this;
  psubscribe(...args: unknown[]): this;
  pttl(...args: unknown[]): this;
  publish(...args: unknown[]): this;
  pubsub(...args: unknown[]): this;
  punsubscribe(...args: unknown[]): this;
  quit(...args: unknown[]): this;
  randomkey(...args: unknown[]): this;
  rename(...args: unknown[]): this;
  renamenx(...args: unknown[]): this;
  reset(...args: unknown[]): this;
  restore(...args: unknown[]): this;
  rpop(...args: unknown[]): this;
  rpoplpush(...args: unknown[]): this;
  rpush(...args: unknown[]): this;
  rpushx(...args: unknown[]): this;
  sadd(...args: unknown[]): this;
  save(...args: unknown[]): this;
  scan(...args: unknown[]): this;
  scard(...args: unknown[]): this;
  script(...args: unknown[]): this;
  sdiff(...args: unknown[]): this;
  sdiffstore(...args: unknown[]): this;
  select(...args: unknown[]): this;
  set(...args: unknown[]): this;
  setbit(...args: unknown[]): this;
  setex(...args: unknown[]): this;
  setnx(...args: unknown[]): this;
  setrange(...args: unknown[]): this;
  shutdown(...args: unknown[]): this;
  sinter(...args: unknown[]): this;
  sintercard(...args: unknown[]): this;
  sinterstore(...args: unknown[]): this;
  sismember(...args: unknown[]): this;
  smembers(...args: unknown[]): this;
  smismember(...args: unknown[]): this;
  smove(...args: unknown[]): this;
  sort(...args: unknown[]): this;
  sort_ro(...args: unknown[]): this;
  spop(...args: unknown[]): this;
  spublish(...args: unknown[]): this;
  srandmember(...args: unknown[]): this;
  srem(...args: unknown[]): this;
  sscan(...args: unknown[]): this;
  ssubscribe(...args: unknown[]): this;
  strlen(...args: unknown[]): this;
  subscribe(...args: unknown[]): this;
  substr(...args: unknown[]): this;
  sunion(...args: unknown[]): this;
  sunionstore(...args: unknown[]): this;
  sunsubscribe(...args: unknown[]): this;
  swapdb(...args: unknown[]): this;
  time(...args: unknown[]): this;
  touch(...args: unknown[]): this;
  ttl(...args: unknown[]): this;
  type(...args: unknown[]): this;
  unlink(...args: unknown[]): this;
  unsubscribe(...args: unknown[]): this;
  unwatch(...args: unknown[]): this;
  watch(...args: unknown[]): this;
  xack(...args: unknown[]): this;
  xadd(...args: unknown[]): this;
  xautoclaim(...args: unknown[]): this;
  xclaim(...args: unknown[]): this;
  xdel(...args: unknown[]): this;
  xgroup(...args: unknown[]): this;
  xinfo(...args: unknown[]): this;
  xlen(...args: unknown[]): this;
  xpending(...args: unknown[]): this;
  xrange(...args: unknown[]): this;
  xread(...args: unknown[]): this;
  xreadgroup(...args: unknown[]): this;
  xrevrange(...args: unknown[]): this;
  xsetid(...args: unknown[]): this;
  xtrim(...args: unknown[]): this;
  zadd(...args: unknown[]): this;
  zcard(...args: unknown[]): this;
  zcount(...args: unknown[]): this;
  zdiff(...args: unknown[]): this;
  zdiffstore(...args: unknown[]): this;
  zincrby(...args: unknown[]): this;
  zinter(...args: unknown[]): this;
  zintercard(...args: unknown[]): this;
  zinterstore(...args: unknown[]): this;
  zlexcount(...args: unknown[]): this;
  zmpop(...args: unknown[]): this;
  zmscore(...args: unknown[]): this;
  zpopmax(...args: unknown[]): this;
  zpopmin(...args: unknown[]): this;
  zrandmember(...args: unknown[]): this;
  zrange(...args: unknown[]): this;
  zrangebylex(...args: unknown[]): this;
  zrangebyscore(...args: unknown[]): this;
  zrangestore(...args: unknown[]): this;
  zrank(...args: unknown[]): this;
  zrem(...args: unknown[]): this;
  zremrangebylex(...args: unknown[]): this;
  zremrangebyrank(...args: unknown[]): this;
  zremrangebyscore(...args: unknown[]): this;
  zrevrange(...args: unknown[]): this;
  zrevrangebylex(...args: unknown[]): this;
  zrevrangebyscore(...args: unknown[]): this;
  zrevrank(...args: unknown[]): this;
  zscan(...args: unknown[]): this;
  zscore(...args: unknown[]): this;
  zunion(...args: unknown[]): this;
  zunionstore(...args: unknown[]): this;
}
