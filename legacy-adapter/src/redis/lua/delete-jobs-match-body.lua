--[[
  delete-jobs-match-body: PinLater DELETE_JOBS_MATCH_BODY (FACTS §6.4).

  Input:
    KEYS[1] state ZSET            plq_<shard>_<queue>.p<prio>_s<state>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] limit (> 0; also the page size)
    ARGV[2] Lua pattern, unanchored (string.match)

  Output:
    number of ids deleted

  Pages through ZRANGE start..start+limit-1 (lowest score first); each id whose body matches is
  ZREM'd and its hash deleted; returns once `limit` were deleted; the next page starts at
  start + fetched, so (as in PinLater) ids that move up in rank because of the removals are
  skipped and fewer jobs than possible may be deleted; stops after a short page.

  Safe deviation: an id whose hash (or body) is missing is skipped; PinLater's script errors.
]]
local limit = tonumber(ARGV[1])
local deleted = 0
local start = 0
while true do
  local ids = redis.call('ZRANGE', KEYS[1], start, start + limit - 1)
  for i = 1, #ids do
    local hash = KEYS[2] .. ids[i]
    local body = redis.call('HGET', hash, 'bd')
    if body and string.match(body, ARGV[2]) then
      redis.call('ZREM', KEYS[1], ids[i])
      redis.call('DEL', hash)
      deleted = deleted + 1
      if deleted >= limit then
        return deleted
      end
    end
  end
  if #ids < limit then
    return deleted
  end
  start = start + #ids
end
