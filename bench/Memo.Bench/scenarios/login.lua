dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
function request()
  return wrk.format("POST", "/auth/login", { ["Content-Type"] = "application/json" },
    '{"email":"' .. pick(emails) .. '","password":"' .. password .. '"}')
end
