dofile(os.getenv("BENCH_DIR") .. "/common.lua")
function prepare() requests_for({ "/alive" }, function(path) return wrk.format("GET", path) end) end
