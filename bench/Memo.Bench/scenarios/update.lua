dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
local body = '{"title":"updated under load","content":"new content","tags":["bench"]}'
-- If-Match: * takes the conditional-update path without racing other connections for one version number.
function prepare()
  requests_for(notes, function(n)
    local headers = bearer(tokens[n[1]])
    headers["If-Match"] = "*"
    return wrk.format("PUT", "/notes/" .. n[2], headers, body)
  end)
end
