-- wrk script: PUT one agent's series (agent.prom, the families heartbeat-exporter exposes for
-- one agent, in the text format) to the Pushgateway group /metrics/job/agents/instance/<agent>,
-- with keep-alive, cycling over AGENTS distinct agents.
--   wrk -t2 -c32 -d10s --latency -s push.lua http://127.0.0.1:PORT -- [AGENTS] [THREADS]
-- done() prints the same RESULT line as ../heartbeat/heartbeat.lua.

local script_dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"

local function read_template()
    local file = assert(io.open(script_dir .. "agent.prom", "r"))
    local text = file:read("*a")
    file:close()
    return text
end

local result = dofile(script_dir .. "../result.lua")
setup = result.setup

local requests = {}
local cursor = 0
statuses = {}

function init(args)
    local agents = tonumber(args[1]) or 1000
    local stride = tonumber(args[2]) or 2
    local template = read_template()
    local headers = { ["Content-Type"] = "text/plain; version=0.0.4" }
    for n = id, agents - 1, stride do
        local agent = string.format("agent-%04d", n)
        local body = template:gsub("AGENT", agent)
        table.insert(requests,
            wrk.format("PUT", "/metrics/job/agents/instance/" .. agent, headers, body))
    end
end

function request()
    cursor = cursor % #requests + 1
    return requests[cursor]
end

function response(status)
    result.count(status)
end

function done(summary, latency)
    result.write(summary, latency, result.statuses())
end
