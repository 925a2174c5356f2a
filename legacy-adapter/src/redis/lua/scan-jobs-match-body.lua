--[[
  scan-jobs-match-body: PinLater SCAN_JOBS_MATCH_BODY (FACTS §6.4).

  Input:
    KEYS[1] state ZSET            plq_<shard>_<queue>.p<prio>_s<state>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] max score (inclusive; now as Java text or "+inf")
    ARGV[2] min score (inclusive; "-inf" or now as Java text)
    ARGV[3] limit (matches to return; also the page size)
    ARGV[4] Lua pattern, unanchored (string.match)

  Output:
    flat list, 8 entries per match, highest score first: id, al, ar, cs, ca, ua, cd (nil when
    unclaimed), score

  Pages through ZREVRANGEBYSCORE ... WITHSCORES LIMIT start limit; stops after `limit` matches or
  after a short page.

  Safe deviation: an id whose hash (or body) is missing is skipped; PinLater's script errors.
]]
local limit = tonumber(ARGV[3])
local result = {}
local found = 0
local start = 0
while found < limit do
  local page = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'WITHSCORES', 'LIMIT', start, limit)
  for i = 1, #page, 2 do
    local hash = KEYS[2] .. page[i]
    local body = redis.call('HGET', hash, 'bd')
    if body and string.match(body, ARGV[4]) then
      local job = redis.call('HMGET', hash, 'al', 'ar', 'cs', 'ca', 'ua', 'cd')
      result[#result + 1] = page[i]
      for j = 1, 6 do
        result[#result + 1] = job[j]
      end
      result[#result + 1] = page[i + 1]
      found = found + 1
      if found >= limit then
        return result
      end
    end
  end
  if #page / 2 < limit then
    break
  end
  start = start + limit
end
return result
