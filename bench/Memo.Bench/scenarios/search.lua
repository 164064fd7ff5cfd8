dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
local words = { "design", "%EB%A9%94%EB%AA%A8", "meeting", "idea" }
function request() return wrk.format("GET", "/notes?q=" .. pick(words), bearer(pick(tokens))) end
