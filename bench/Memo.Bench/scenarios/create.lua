dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
expected = 201
local body = '{"title":"bench note","content":"written under load, 메모 design","tags":["bench"]}'
function prepare()
  requests_for(tokens, function(token) return wrk.format("POST", "/notes", bearer(token), body) end)
end
