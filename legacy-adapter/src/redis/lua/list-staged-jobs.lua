--[[
  list-staged-jobs: not a PinLater script. Reads one page of a staged ZSET with each job's tag (a
  copier's recovery after a crash, docs/migration.md).

  Input:
    KEYS[1] staged ZSET           plq_<shard>_<queue>.p<prio>_g<state>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] first rank (0-based)
    ARGV[2] count (1..1000)

  Output:
    flat list: first the number of ids read from the ZSET, then 2 entries per job whose hash has
    the tag: id, tag (`mv`, the source descriptor). Ids without a tag are skipped.

  Effects: none (read only).
]]
local first = tonumber(ARGV[1])
local ids = redis.call('ZRANGE', KEYS[1], first, first + tonumber(ARGV[2]) - 1)
local result = { #ids }
for i = 1, #ids do
  local tag = redis.call('HGET', KEYS[2] .. ids[i], 'mv')
  if tag then
    result[#result + 1] = ids[i]
    result[#result + 1] = tag
  end
end
return result
