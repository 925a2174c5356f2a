--[[
  list-taken-jobs: not a PinLater script. Reads one page of a taken ZSET with each job's fields
  (a copier's recovery after a crash, docs/migration.md), in one atomic read.

  Input:
    KEYS[1] taken ZSET            plq_<shard>_<queue>.p<prio>_t<state>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] first rank (0-based)
    ARGV[2] count (1..1000)

  Output:
    flat list: first the number of ids read from the ZSET, then 9 entries per job whose hash has
    `bd` and `al`: id, score (Redis text), bd, al, ar, cs, ca, ua, claim descriptor (`tc`, the `cd`
    the job had when taken; nil when none). Ids without such a hash are skipped.

  Effects: none (read only).
]]
local first = tonumber(ARGV[1])
local ids = redis.call('ZRANGE', KEYS[1], first, first + tonumber(ARGV[2]) - 1, 'WITHSCORES')
local result = { #ids / 2 }
for i = 1, #ids, 2 do
  local id = ids[i]
  local job = redis.call('HMGET', KEYS[2] .. id, 'bd', 'al', 'ar', 'cs', 'ca', 'ua', 'tc', 'cd')
  if job[1] and job[2] then
    result[#result + 1] = id
    result[#result + 1] = ids[i + 1]
    for f = 1, 6 do
      result[#result + 1] = job[f]
    end
    result[#result + 1] = job[7] or job[8]
  end
end
return result
