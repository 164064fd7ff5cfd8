dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
-- The soak's steady load on Notes: of every 20 requests, 12 reads by id, 4 list pages, 1 search, 2 updates, 1 create.
local words = { "design", "%EB%A9%94%EB%AA%A8", "meeting", "idea" }
local body = '{"title":"soak note","content":"written during the soak, 메모 design","tags":["soak"]}'
function prepare()
  local reads, lists, searches, updates, creates = {}, {}, {}, {}, {}
  for i, n in ipairs(notes) do
    reads[i] = wrk.format("GET", "/notes/" .. n[2], bearer(tokens[n[1]]))
    local headers = bearer(tokens[n[1]])
    headers["If-Match"] = "*"
    updates[i] = wrk.format("PUT", "/notes/" .. n[2], headers, body)
  end
  for i, token in ipairs(tokens) do
    lists[i] = wrk.format("GET", "/notes?limit=20", bearer(token))
    searches[i] = wrk.format("GET", "/notes?q=" .. words[(i % #words) + 1], bearer(token))
    creates[i] = wrk.format("POST", "/notes", bearer(token), body)
  end
  local mix = {}
  for _, kind in ipairs({ { reads, 12 }, { lists, 4 }, { searches, 1 }, { updates, 2 }, { creates, 1 } }) do
    for _ = 1, kind[2] do table.insert(mix, kind[1]) end
  end
  request = function() return pick(pick(mix)) end
end
function response(status, headers, body)
  if status ~= 200 and status ~= 201 then wrong_status = wrong_status + 1 end
end
