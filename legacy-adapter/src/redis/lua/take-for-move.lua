--[[
  take-for-move: not a PinLater script. Takes jobs of one state out of service for a move
  (docs/migration.md "Exactly once", step 1): their ids leave the state ZSET for the taken ZSET,
  where no PinLater server or gateway looks (no dequeue, count, scan, lookup, retry, claim
  timeout or GC names it), with the same score (PENDING: the run-after, so a future job keeps it).

  Input:
    KEYS[1] state ZSET            plq_<shard>_<queue>.p<prio>_s<state>
    KEYS[2] taken ZSET            plq_<shard>_<queue>.p<prio>_t<state>
    KEYS[3] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] limit (1..1000; the caller loops for more)

  Output:
    flat list: first the number of ids removed from the state ZSET (taken or dropped), then 9
    entries per taken job: id, score (Redis text), bd, al, ar, cs, ca, ua, cd (nil when absent),
    values as stored before the take.

  Effects: the `limit` lowest-score ids (ties by member order, as dequeue picks) leave the state
  ZSET. An id whose hash has no `bd` or no `al` (evicted, or re-created by an ack of an evicted
  job) is dropped with its partial hash, as the monitor drops evicted claims; every other id enters
  the taken ZSET with its score, and its `cd`, if any, moves to the hash field `tc`: PinLater's
  checkpoint does not check state, and a late checkpoint whose source matches `cd` would put a
  taken succeeded/failed job back into pending or in-progress. restore-moved-jobs moves it back.
]]
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
local n = #ids / 2
if n == 0 then
  return { 0 }
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1)
local result = { n }
for i = 1, #ids, 2 do
  local id = ids[i]
  local score = ids[i + 1]
  local hash = KEYS[3] .. id
  local job = redis.call('HMGET', hash, 'bd', 'al', 'ar', 'cs', 'ca', 'ua', 'cd')
  if job[1] and job[2] then
    redis.call('ZADD', KEYS[2], score, id)
    if job[7] then
      redis.call('HSET', hash, 'tc', job[7])
      redis.call('HDEL', hash, 'cd')
    end
    result[#result + 1] = id
    result[#result + 1] = score
    for f = 1, 7 do
      result[#result + 1] = job[f]
    end
  else
    redis.call('DEL', hash)
  end
end
return result
