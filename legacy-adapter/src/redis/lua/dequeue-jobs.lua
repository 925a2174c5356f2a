--[[
  dequeue-jobs: PinLater DEQUEUE_JOBS (FACTS §6.4): claim up to `limit` eligible pending jobs.

  Input:
    KEYS[1] pending ZSET          plq_<shard>_<queue>.p<prio>_s0
    KEYS[2] in-progress ZSET      plq_<shard>_<queue>.p<prio>_s1
    KEYS[3] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] now, seconds (Java text): eligible when score <= now; also the claim time
    ARGV[2] limit
    ARGV[3] claim descriptor

  Output:
    flat list: first the number of ids taken from pending (returned or not), then 6 entries per
    claimed job: id, bd, al, ar, ca, ua (values as read before the claim). The caller keeps
    `limit` at most 1000 per call and loops (PinLater: one call for the whole limit), so that no
    client limit makes one call block Redis for long; the count tells it whether pending ran dry.

  Effects: the selected ids (lowest score first, ties by member string order) leave pending and
  all enter in-progress with score now, including ids whose hash was evicted (not returned; the
  monitor drops them later). Each returned job gets ua = now, cd = claim descriptor.

  Safe deviation from PinLater: the in-progress ZADD is done in chunks of 1000 ids. PinLater does
  one ZADD through `unpack`, which fails for >= 4000 ids *after* the pending removal, losing the
  ids (FACTS §11.22). A hash without `bd` (re-created by an ack of an evicted job) is treated as
  evicted, like scan and lookup do.
]]
local CHUNK = 1000
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local n = #ids
if n == 0 then
  return { 0 }
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1)
local result = { n }
for i = 1, n do
  local id = ids[i]
  local hash = KEYS[3] .. id
  local job = redis.call('HMGET', hash, 'bd', 'al', 'ar', 'ca', 'ua')
  if job[1] then
    result[#result + 1] = id
    result[#result + 1] = job[1]
    result[#result + 1] = job[2]
    result[#result + 1] = job[3]
    result[#result + 1] = job[4]
    result[#result + 1] = job[5]
    redis.call('HMSET', hash, 'ua', ARGV[1], 'cd', ARGV[3])
  end
end
for first = 1, n, CHUNK do
  local args = {}
  for i = first, math.min(first + CHUNK - 1, n) do
    args[#args + 1] = ARGV[1]
    args[#args + 1] = ids[i]
  end
  redis.call('ZADD', KEYS[2], unpack(args))
end
return result
