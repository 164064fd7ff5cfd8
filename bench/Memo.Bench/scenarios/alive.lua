dofile(os.getenv("BENCH_DIR") .. "/common.lua")
function request() return wrk.format("GET", "/alive") end
