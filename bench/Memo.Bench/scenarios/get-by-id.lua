dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
function prepare()
  requests_for(notes, function(n) return wrk.format("GET", "/notes/" .. n[2], bearer(tokens[n[1]])) end)
end
