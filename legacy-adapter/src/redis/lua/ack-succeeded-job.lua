--[[
  ack-succeeded-job: PinLater ACK_SUCCEEDED_JOB (FACTS §6.4).

  Input:
    KEYS[1] in-progress ZSET      plq_<shard>_<queue>.p<prio>_s1
    KEYS[2] job hash prefix       plh_<shard>_<queue>.
    KEYS[3] succeeded ZSET        plq_<shard>_<queue>.p<prio>_s2

    ARGV[1] local id
    ARGV[2] now, seconds (Java text)
    ARGV[3] custom status (truncated to 3000 UTF-16 units by the caller)

  Output:
    -1 when the id was not in progress (no effect at all), 1 otherwise

  Effects: ZREM in-progress; ZADD succeeded now id; HMSET cs = status (overwrites, "" clears),
  ua = now. A missing hash is re-created with only cs/ua, as PinLater does.
]]
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return -1
end
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('HMSET', KEYS[2] .. ARGV[1], 'cs', ARGV[3], 'ua', ARGV[2])
return 1
