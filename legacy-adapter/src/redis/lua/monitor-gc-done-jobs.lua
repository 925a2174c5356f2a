--[[
  monitor-gc-done-jobs: PinLater MONITOR_GC_DONE_JOBS (FACTS §6.4, §6.6): garbage-collect
  succeeded or failed jobs by completion time.

  Input:
    KEYS[1] succeeded or failed ZSET  plq_<shard>_<queue>.p<prio>_s2 / _s3
    KEYS[2] job hash prefix           plh_<shard>_<queue>.

    ARGV[1] threshold, seconds (Java text of runStart - TTL)
    ARGV[2] max ids per run

  Output:
    number of ids removed

  Effects: ids with score <= threshold (lowest first, at most max) leave the ZSET; their hashes
  are deleted.
]]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local n = #ids
if n == 0 then
  return 0
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1)
for i = 1, n do
  redis.call('DEL', KEYS[2] .. ids[i])
end
return n
