dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
function prepare()
  requests_for(tokens, function(token) return wrk.format("GET", "/notes?limit=20", bearer(token)) end)
end
