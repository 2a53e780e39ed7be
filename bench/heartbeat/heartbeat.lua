-- wrk script: POST /api/v1/heartbeat with keep-alive, cycling over AGENTS distinct agents.
--   wrk -t2 -c32 -d10s --latency -s heartbeat.lua http://127.0.0.1:PORT -- [AGENTS] [THREADS]
-- Each request carries beat.json (about 300 bytes: agent, agent_type, run_id, seq, interval,
-- two task reports, metrics).  The agents are split between the wrk threads, so every agent's
-- seq only grows and no beat is a duplicate.  done() prints one RESULT line with requests/s,
-- p50/p99 latency and a count of the response status codes.

local script_dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"

local function read_template()
    local file = assert(io.open(script_dir .. "beat.json", "r"))
    local text = file:read("*a"):gsub("%s+$", "")
    file:close()
    return text
end

local result = dofile(script_dir .. "../result.lua")
setup = result.setup

local heads, tails = {}, {}
local cursor, seq = 0, 0
statuses = {}

function init(args)
    local agents = tonumber(args[1]) or 1000
    local stride = tonumber(args[2]) or 2
    local template = read_template()
    for n = id, agents - 1, stride do
        local body = template:gsub("AGENT", string.format("agent-%04d", n))
        local head, tail = body:match("^(.*)SEQ(.*)$")
        table.insert(heads, head)
        table.insert(tails, tail)
    end
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    cursor = cursor % #heads + 1
    if cursor == 1 then seq = seq + 1 end
    return wrk.format(nil, "/api/v1/heartbeat", nil, heads[cursor] .. seq .. tails[cursor])
end

function response(status)
    result.count(status)
end

function done(summary, latency)
    result.write(summary, latency, result.statuses())
end
