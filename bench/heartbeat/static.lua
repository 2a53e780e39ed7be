-- wrk script: the C limit's own request (../limit/post.lua: one fixed POST body, prebuilt by
-- wrk, no Lua per request) plus the RESULT line of heartbeat.lua.  Statuses are not counted per
-- code here (that would need a Lua call per response): non-2xx gives the non-2xx/3xx count.

local script_dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(script_dir .. "../limit/post.lua")

function done(summary, latency)
    local errors = summary.errors
    io.write(string.format(
        "RESULT rps=%.0f p50_us=%d p99_us=%d requests=%d statuses=non-2xx:%d socket_errors=%d\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(50),
        latency:percentile(99), summary.requests, errors.status,
        errors.connect + errors.read + errors.write + errors.timeout))
end
