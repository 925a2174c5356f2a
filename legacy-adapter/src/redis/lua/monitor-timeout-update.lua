--[[
  monitor-timeout-update: PinLater MONITOR_TIMEOUT_UPDATE (FACTS §6.4, §6.6): handle claims that
  timed out.

  Input:
    KEYS[1] in-progress ZSET      plq_<shard>_<queue>.p<prio>_s1
    KEYS[2] job hash prefix       plh_<shard>_<queue>.
    KEYS[3] pending ZSET          plq_<shard>_<queue>.p<prio>_s0
    KEYS[4] failed ZSET           plq_<shard>_<queue>.p<prio>_s3

    ARGV[1] timeout threshold, seconds (Java text of runStart - claimTimeout)
    ARGV[2] max ids per run (BACKEND_MONITOR_UPDATE_MAX_SIZE)
    ARGV[3] run start, seconds (Java text)

  Output:
    { done, retry, evicted } as strings

  Effects: ids with claim score <= threshold (lowest first, at most max) leave in-progress. Per id:
  hash without `ar` -> evicted (the id is dropped everywhere); ar > 1 -> ZADD pending runStart id,
  HDEL cd (retry); else ZADD failed runStart id (done). Non-evicted: HINCRBY ar -1, HSET ua = runStart.
]]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local n = #ids
local done, retry, evicted = 0, 0, 0
if n == 0 then
  return { '0', '0', '0' }
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1)
for i = 1, n do
  local id = ids[i]
  local hash = KEYS[2] .. id
  local remaining = tonumber(redis.call('HGET', hash, 'ar'))
  if remaining == nil then
    evicted = evicted + 1
  else
    if remaining > 1 then
      redis.call('ZADD', KEYS[3], ARGV[3], id)
      redis.call('HDEL', hash, 'cd')
      retry = retry + 1
    else
      redis.call('ZADD', KEYS[4], ARGV[3], id)
      done = done + 1
    end
    redis.call('HINCRBY', hash, 'ar', -1)
    redis.call('HSET', hash, 'ua', ARGV[3])
  end
end
return { tostring(done), tostring(retry), tostring(evicted) }
