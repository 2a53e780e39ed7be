-- wrk script: POST a typical heartbeat (about 250 bytes of JSON) on every request.
wrk.method = "POST"
wrk.path = "/api/v1/heartbeat"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"agent":"research-assistant-07","status":"ok","success":true,"latency_ms":412.5,' ..
    '"cost_usd":0.0123,"tokens_in":1834,"tokens_out":402,"queue_depth":3,' ..
    '"labels":{"team":"search","env":"prod","model":"large-2"},"interval_seconds":15,' ..
    '"message":"completed task 8812"}'
