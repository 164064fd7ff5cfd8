dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
local words = { "design", "%EB%A9%94%EB%AA%A8", "meeting", "idea" }
function prepare()
  local searches = {}
  for _, token in ipairs(tokens) do
    for _, word in ipairs(words) do table.insert(searches, { token, word }) end
  end
  requests_for(searches, function(s) return wrk.format("GET", "/notes?q=" .. s[2], bearer(s[1])) end)
end
