-- wrk script: bench/heartbeat/heartbeat.lua with its threads split between two exporter nodes.
--   SECOND_PORT=P2 wrk -t2 -c32 -d10s --latency -s split.lua http://127.0.0.1:P1 -- [AGENTS] [THREADS]
-- Even threads send to the URL's port, odd threads to SECOND_PORT; each agent stays with one thread (so with one
-- node) and its seq only grows, as in heartbeat.lua.
local script_dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(script_dir .. "../heartbeat/heartbeat.lua")

local numbered = setup
local second = wrk.lookup("127.0.0.1", os.getenv("SECOND_PORT"))[1]

function setup(thread)
    numbered(thread)
    if tonumber(thread:get("id")) % 2 == 1 then thread.addr = second end
end
