--[[
  retry-jobs: PinLater RETRY_JOBS (FACTS §6.4): move failed jobs back to pending.

  Input:
    KEYS[1] failed ZSET           plq_<shard>_<queue>.p<prio>_s3
    KEYS[2] pending ZSET          plq_<shard>_<queue>.p<prio>_s0
    KEYS[3] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] run-after, seconds (Java text; the request's value or now)
    ARGV[2] limit (> 0; the caller never sends 0, which would select the whole set; at most 1000
            per call: the caller loops for larger limits, so no client limit blocks Redis for long)
    ARGV[3] attempts to allow

  Output:
    number of ids moved

  Effects: the `limit` oldest failures leave failed; per id HMSET ar = attempts, ua = run-after;
  HDEL cd; all enter pending with score run-after. `al` is unchanged.

  Safe deviation: the pending ZADD is chunked (1000 ids per call); PinLater's single `unpack`
  fails for >= 4000 ids after they were removed from the failed set, losing them (FACTS §11.22).
]]
local CHUNK = 1000
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
local n = #ids
if n == 0 then
  return 0
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1)
for i = 1, n do
  local hash = KEYS[3] .. ids[i]
  redis.call('HMSET', hash, 'ar', ARGV[3], 'ua', ARGV[1])
  redis.call('HDEL', hash, 'cd')
end
for first = 1, n, CHUNK do
  local args = {}
  for i = first, math.min(first + CHUNK - 1, n) do
    args[#args + 1] = ARGV[1]
    args[#args + 1] = ids[i]
  end
  redis.call('ZADD', KEYS[2], unpack(args))
end
return n
