-- wrk script: the C limit's own request (../limit/post.lua: one fixed POST body, prebuilt by
-- wrk, no Lua per request) plus the RESULT line of heartbeat.lua.  Statuses are not counted per
-- code here (that would need a Lua call per response): non-2xx gives the non-2xx/3xx count.

local script_dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(script_dir .. "../limit/post.lua")

local result = dofile(script_dir .. "../result.lua")

function done(summary, latency)
    result.write(summary, latency, "non-2xx:" .. summary.errors.status)
end
