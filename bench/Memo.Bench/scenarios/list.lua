dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
function request() return wrk.format("GET", "/notes?limit=20", bearer(pick(tokens))) end
