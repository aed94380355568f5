import { Script } from './redis-calls';

/**
 * The Lua scripts. Each touches the keys of one partition (or the account-wide keys) only, so
 * each runs in one Redis Cluster slot. Scripts that a worker runs for a partition first check
 * its lease token: a worker whose lease expired can neither ack, dead-letter nor record a send
 * (fencing).
 */

/**
 * A producer's append of a message written to one id: to the id's partition, unless an alias
 * routed the id elsewhere. KEYS: routes, stream (of the id's own partition). ARGV: id, then
 * the entry's fields. Answers `{'a', entryId}` or `{'r', partition}`.
 */
export const APPEND = new Script(`
local routed = redis.call('HGET', KEYS[1], ARGV[1])
if routed then return {'r', routed} end
return {'a', redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))}
`);

/**
 * An alias's last step, when the earlier id's route and stream share a partition: route the id
 * to the alias's home partition, then append the follow marker. KEYS: routes, stream. ARGV: id,
 * home, then the marker's fields.
 */
export const ROUTE_AND_APPEND = new Script(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
`);

/** A lease: KEYS lease, epoch; ARGV worker id, ttl ms. Answers the token, or false when taken. */
export const ACQUIRE = new Script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = ARGV[1] .. '#' .. redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
return token
`);

/** Renews a lease still held: KEYS lease; ARGV token, ttl ms. Answers 1, or 0 when lost. */
export const RENEW = new Script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/** Gives a lease up: KEYS lease; ARGV token. */
export const RELEASE = new Script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`);

/**
 * Records or forgets a request before and after it is sent, fenced: KEYS lease, flights; ARGV
 * token, GUID, and the record (none to forget it). Answers 1, or -1 when the lease is lost.
 */
export const FLIGHT = new Script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if ARGV[3] then redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
else redis.call('HDEL', KEYS[2], ARGV[2]) end
return 1
`);

/**
 * Settles entries, fenced and all at once: acks and deletes them, moves the finally failed ones
 * to the dead-letter stream, forgets their requests, and marks aliases done.
 * KEYS: lease, stream, flights, dead, then one key per alias done.
 * ARGV: token, group, alias ttl ms, n acked, their ids…, n flights, GUIDs…, n dead, then per
 * dead letter a JSON array of its fields.
 */
export const SETTLE = new Script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local at = 4
local acked = tonumber(ARGV[at]); at = at + 1
if acked > 0 then
  local ids = {unpack(ARGV, at, at + acked - 1)}
  redis.call('XACK', KEYS[2], ARGV[2], unpack(ids))
  redis.call('XDEL', KEYS[2], unpack(ids))
end
at = at + acked
local flights = tonumber(ARGV[at]); at = at + 1
if flights > 0 then redis.call('HDEL', KEYS[3], unpack(ARGV, at, at + flights - 1)) end
at = at + flights
local dead = tonumber(ARGV[at]); at = at + 1
for index = at, at + dead - 1 do
  redis.call('XADD', KEYS[4], '*', unpack(cjson.decode(ARGV[index])))
end
for index = 5, #KEYS do redis.call('SET', KEYS[index], 'done', 'PX', ARGV[3]) end
return acked
`);

/**
 * Marks an alias's earlier id as settled up to the alias (its home may send it now), unless it
 * is done already. KEYS: the alias key; ARGV: ttl ms.
 */
export const RELEASE_ALIAS = new Script(`
return redis.call('SET', KEYS[1], 'released', 'NX', 'PX', ARGV[1])
`);

/**
 * Moves dead letters back to their partition's stream, without their error and without an
 * alias's wait (its partners settled long ago): KEYS dead, stream; ARGV the dead letters' ids.
 * Answers how many were moved.
 */
export const REDRIVE = new Script(`
local moved = 0
for _, id in ipairs(ARGV) do
  local found = redis.call('XRANGE', KEYS[1], id, id)
  if #found == 1 then
    local fields = found[1][2]
    local kept = {}
    for index = 1, #fields, 2 do
      local name = fields[index]
      if string.sub(name, 1, 4) ~= 'err.' and name ~= 'wait' and name ~= 'o' then
        table.insert(kept, name)
        table.insert(kept, fields[index + 1])
      end
    end
    redis.call('XADD', KEYS[2], '*', unpack(kept))
    redis.call('XDEL', KEYS[1], id)
    moved = moved + 1
  end
end
return moved
`);

/**
 * One permit to send a request, shared by every worker: no pause in force, a free concurrency
 * slot, room in the rate window (a log of grants over the last window), and the pace (grants
 * spaced window / rate apart, so no burst of grants can bunch up on the way to Connect). KEYS:
 * rate, slots, pause, pace. ARGV: requests per window (0: no limit), window ms, slots (0: no
 * limit), slot ttl ms, token. Answers 0 when granted, else the milliseconds worth waiting.
 */
export const PERMIT = new Script(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > now then return paused - now end
local rate = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local slots = tonumber(ARGV[3])
if slots > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= slots then return 5 end
end
if rate > 0 then
  local spacing = window / rate
  local nextAt = tonumber(redis.call('GET', KEYS[4]) or '0')
  if nextAt > now then return math.ceil(nextAt - now) end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  if redis.call('ZCARD', KEYS[1]) >= rate then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return math.max(1, tonumber(oldest[2]) + window - now + 1)
  end
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  redis.call('SET', KEYS[4], string.format('%d', math.ceil(now + spacing)), 'PX', math.ceil(spacing) + 1000)
end
if slots > 0 then
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[5])
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) * 2)
end
return 0
`);

/** Pauses every worker until `ms` from now (a 429's Retry-After): KEYS pause; ARGV ms. */
export const PAUSE = new Script(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= untilMs then return current end
redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000)
return untilMs
`);

/**
 * Reads new entries for the lease holder only, so a worker whose lease expired cannot take
 * entries into its pending list: KEYS lease, stream; ARGV token, group, consumer, count.
 * Answers -1 when the lease is lost, the entries, or (none new) the id of the last entry, for
 * a blocking `XREAD` to wait after.
 */
export const READ = new Script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local read = redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', ARGV[4], 'STREAMS', KEYS[2], '>')
if read then return read[1][2] end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if #last == 0 then return '0-0' end
return last[1][1]
`);
