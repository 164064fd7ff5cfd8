dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
expected = 201
local body = '{"title":"bench note","content":"written under load, 메모 design","tags":["bench"]}'
function request() return wrk.format("POST", "/notes", bearer(pick(tokens)), body) end
