/**
 * The Lua side of Redis's scripting environment, run once per Lua state before any user
 * script: the `redis` library around the JS entry points, the error handler that tells
 * where a script failed, and the sandbox (read-only globals and libraries, no new globals,
 * protected metatables, no bytecode loading).
 *
 * Chunk arguments, in order: the JS functions call, pcall, wrap, sha1hex, log, setresp, setrepl,
 * aclcheck, register (redis.register_function), isscript (is this the script's own thread?);
 * the Redis version string and number.
 * Returns the globals proxy, errorwhere(thread, err) (where a script failed), and setloadmode(on), which switches the
 * globals a library's code sees while FUNCTION LOAD runs it: only redis.register_function,
 * redis.log and the constants, as in Redis.
 */
export const PRELUDE = String.raw`
local jscall, jspcall, jswrap, jssha1hex, jslog, jssetresp, jssetrepl, jsaclcheck, jsregister, jsisscript, version, versionnum = ...
local error, type, tostring, select, rawget, rawset, setmetatable, getmetatable, next =
      error, type, tostring, select, rawget, rawset, setmetatable, getmetatable, next
local getinfo = debug.getinfo
local G = _G

local redis = {}

-- redis.call raises the error table a failing command returns; redis.pcall returns it.
redis.call = jscall
redis.pcall = jspcall

-- "-CODE message" keeps its code, anything else gets ERR: Redis's luaPushErrorBuff.
local function errortable(text)
  if text:sub(1, 1) ~= '-' then text = '-' .. text end
  local space = text:find(' ', 1, true)
  if space == nil then return { err = 'ERR ' .. text:sub(2) } end
  return { err = text:sub(2, space - 1) .. ' ' .. text:sub(space + 1) }
end

function redis.error_reply(...)
  local msg = ...
  if select('#', ...) ~= 1 or (type(msg) ~= 'string' and type(msg) ~= 'number') then
    return { err = 'ERR wrong number or type of arguments' }
  end
  return errortable(tostring(msg))
end
function redis.status_reply(...)
  local msg = ...
  if select('#', ...) ~= 1 or (type(msg) ~= 'string' and type(msg) ~= 'number') then
    return { err = 'ERR wrong number or type of arguments' }
  end
  return { ok = tostring(msg) }
end
redis.sha1hex = function(...)
  if select('#', ...) ~= 1 then error('wrong number of arguments', 0) end
  local s = ...
  if type(s) ~= 'string' and type(s) ~= 'number' then s = '' end
  return jssha1hex(tostring(s))
end
redis.log = function(...)
  local n = select('#', ...)
  if n < 2 then error('redis.log() requires two arguments or more.', 0) end
  local level = ...
  if type(level) ~= 'number' then error('First argument must be a number (log level).', 0) end
  if level < 0 or level > 3 then error('Invalid debug level.', 0) end
  local parts = {}
  for i = 2, n do
    local v = select(i, ...)
    if type(v) == 'string' or type(v) == 'number' then parts[#parts + 1] = tostring(v) end
  end
  jslog(level, table.concat(parts, ' '))
end
redis.setresp = function(...)
  if select('#', ...) ~= 1 then error('redis.setresp() requires one argument.', 0) end
  local v = tonumber((...))
  if v ~= 2 and v ~= 3 then error('RESP version must be 2 or 3.', 0) end
  jssetresp(v)
end
redis.set_repl = function(...)
  if select('#', ...) ~= 1 then error('redis.set_repl() requires two arguments.', 0) end
  local flags = ...
  if type(flags) ~= 'number' or flags < 0 or flags > 3 or flags ~= math.floor(flags) then
    error('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.', 0)
  end
  jssetrepl(flags)
end
function redis.replicate_commands() return true end
function redis.breakpoint() return false end
function redis.debug() end
redis.acl_check_cmd = function(...)
  if select('#', ...) < 1 then error('Please specify at least one argument for this redis lib call', 0) end
  local ok = jsaclcheck(...)
  if ok == nil then error('Invalid command passed to redis.acl_check_cmd()', 0) end
  return ok
end
-- Functions that raise errors run inside a C function, as Redis's are C functions: a
-- "return redis.x(...)" is then no tail call, and errors point at the script's line.
for _, name in ipairs({ 'sha1hex', 'log', 'setresp', 'set_repl', 'acl_check_cmd' }) do
  redis[name] = jswrap(redis[name])
end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.REDIS_VERSION, redis.REDIS_VERSION_NUM = version, versionnum

-- Where the script failed: the innermost frame of user code on the (dead) script thread,
-- as Redis reports it. Lua 5.1 leaves a failed coroutine's stack in place for this.
local function errorwhere(co, err)
  local level, info = 0, nil
  while true do
    info = getinfo(co, level, 'Sl')
    -- C functions, the prelude's own Lua and tail-call markers are not where the user's code is.
    if info == nil or (info.what ~= 'C' and info.what ~= 'tail' and info.source ~= '=cairn') then break end
    level = level + 1
  end
  if type(err) ~= 'table' then err = { err = 'ERR ' .. tostring(err) } end
  if info ~= nil then
    rawset(err, 'source', info.source)
    rawset(err, 'line', info.currentline)
  end
  return err
end

-- Bytecode skips the compiler's checks (a known Lua 5.1 sandbox escape): source only.
local realloadstring, realload, concat = loadstring, load, table.concat
local function loadsource(s, name)
  if type(s) == 'string' and s:byte(1) == 27 then return nil, 'bytecode is not supported' end
  return realloadstring(s, name)
end
G.loadstring = loadsource
G.load = function(f, name)
  if type(f) ~= 'function' then return realload(f, name) end
  local parts = {}
  while true do
    local piece = f()
    if piece == nil or piece == '' then break end
    if type(piece) ~= 'string' then return nil, 'reader function must return a string' end
    parts[#parts + 1] = piece
  end
  return loadsource(concat(parts), name)
end

-- Redis's pcall hands a caught {err=...} table over as its message string.
local realpcall = pcall
local function errorstring(ok, ...)
  if not ok then
    local e = ...
    if type(e) == 'table' and type(rawget(e, 'err')) == 'string' then return false, rawget(e, 'err') end
  end
  return ok, ...
end
G.pcall = function(...) return errorstring(realpcall(...)) end

-- Read-only tables: a script sees a proxy whose writes fail; the real table sits behind
-- __index, out of reach (the proxy's metatable is hidden too).
local protected = setmetatable({}, { __mode = 'k' })
local function readonlyerror() error('Attempt to modify a readonly table', 2) end
local function readonly(t)
  local proxy = {}
  setmetatable(proxy, { __index = t, __newindex = readonlyerror, __metatable = false })
  protected[proxy] = t
  return proxy
end
G.rawset = function(t, k, v)
  if protected[t] then error('Attempt to modify a readonly table', 0) end
  return rawset(t, k, v)
end
-- next (and pairs, a C function over it set up by the runtime) see through a read-only
-- proxy to what it guards, as on Redis's read-only tables.
local realnext = next
G.next = function(t, k) return realnext(protected[t] or t, k) end
G.setmetatable = function(t, mt)
  if protected[t] then error('Attempt to modify a readonly table', 0) end
  return setmetatable(t, mt)
end

-- What Redis 7.0 leaves out of a script's reach.
for _, name in ipairs({ 'print', 'dofile', 'loadfile', 'getfenv', 'setfenv', 'newproxy', 'module', 'require', 'debug', 'os', 'io', 'package' }) do
  G[name] = nil
end

-- A script runs as a coroutine here, but in Redis it is no coroutine: yielding its own
-- thread is the error Redis gives, not a pause.
local realyield = coroutine.yield
coroutine.yield = function(...)
  if jsisscript() then error('attempt to yield across metamethod/C-call boundary', 0) end
  return realyield(...)
end
local realrunning = coroutine.running
coroutine.running = function()
  if jsisscript() then return nil end
  return realrunning()
end

G.redis = redis
for _, name in ipairs({ 'redis', 'string', 'table', 'math', 'coroutine', 'bit', 'cjson', 'cmsgpack', 'struct' }) do
  if G[name] ~= nil then G[name] = readonly(G[name]) end
end
-- The string metatable is shared by every string: changing it would reach other scripts.
-- Its __index must be the read-only string library too, or ("").upper could be replaced.
local stringmeta = getmetatable('')
rawset(stringmeta, '__index', G.string)
rawset(stringmeta, '__metatable', readonly(stringmeta))

local globalsmeta = { __index = G, __newindex = readonlyerror, __metatable = false }
local globals = setmetatable({}, globalsmeta)
protected[globals] = G
G._G = globals
-- Reading an undefined global is an error, as in Redis (it is nearly always a typo).
local function nonexistent(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end
setmetatable(G, { __index = nonexistent, __metatable = false })

-- What a library's code reaches while it loads: a read-only table whose missing names
-- are errors, holding only what registering functions needs.
local function strict(t)
  local proxy = setmetatable({}, {
    __index = function(_, name)
      local v = rawget(t, name)
      if v == nil then
        error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
      end
      return v
    end,
    __newindex = readonlyerror,
    __metatable = false,
  })
  protected[proxy] = t
  return proxy
end
local loadredis = { register_function = jsregister, log = redis.log, REDIS_VERSION = version, REDIS_VERSION_NUM = versionnum }
for _, name in ipairs({ 'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING' }) do loadredis[name] = redis[name] end
local loadglobals = strict({ redis = strict(loadredis) })
local function setloadmode(on)
  globalsmeta.__index = on and loadglobals or G
end
return globals, errorwhere, setloadmode
`;
