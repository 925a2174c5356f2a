--[[
  count-jobs-match-body: PinLater COUNT_JOBS_MATCH_BODY (FACTS §6.4).

  Input:
    KEYS[1] state ZSET            plq_<shard>_<queue>.p<prio>_s<state>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] min score (inclusive; "-inf" or now as Java text)
    ARGV[2] max score (inclusive; now as Java text or "+inf")
    ARGV[3] Lua pattern, unanchored (string.match); "" matches every body

  Output:
    number of ids in [min, max] whose body matches

  Safe deviation: an id whose hash (or body) is missing is not counted; PinLater's script errors.
  An invalid pattern errors, as in PinLater.
]]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2])
local count = 0
for i = 1, #ids do
  local body = redis.call('HGET', KEYS[2] .. ids[i], 'bd')
  if body and string.match(body, ARGV[3]) then
    count = count + 1
  end
end
return count
