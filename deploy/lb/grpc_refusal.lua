-- The load balancer's refusals as gRPC answers (haproxy.cfg: `http-request use-service
-- lua.mc_grpc_refusal`, the reason in txn.mc_refusal, the instance in txn.mc_instance).
--
-- Why a Lua service and not `http-request return`: HAProxy 2.6.12 (Debian 12) answers a call
-- whose message it has not read entirely, then resets the stream with CANCEL (upstream fixed
-- it in 2025, e87397bc7, issue #1219: NO_ERROR after a complete answer), and gRPC clients
-- report CANCELLED instead of the answer: any call over about 16 KB (a buffer) did. This
-- service reads the whole call first (and drops it, 16 KB at a time), then answers
-- trailers-only: HTTP 200, content-type application/grpc, grpc-status and grpc-message.
local refusals = {
  -- INVALID_ARGUMENT: the client breaks the rule of common/client/routing_key.h.
  no_key = {3, "mc-routing-key metadata required, exactly once: the routing key of the " ..
               "call's events (common/client/routing_key.h) [mc-lb]"},
  unknown_key = {3, "mc-routing-key must be shard-0 to shard-63 [mc-lb]"},
  -- UNAVAILABLE: the key's instance is down; retry later (it goes to the same instance).
  instance_down = {14, "execution instance %s is down; retry later [mc-lb]"},
}

core.register_service("mc_grpc_refusal", "http", function(applet)
  repeat
    local chunk = applet:receive(16384)
  until chunk == nil or chunk == ""
  local refusal = refusals[applet:get_var("txn.mc_refusal") or ""] or
                  {13, "unexpected refusal [mc-lb]"}
  applet:set_status(200)
  applet:add_header("content-type", "application/grpc")
  applet:add_header("grpc-status", tostring(refusal[1]))
  -- grpc-message is percent-encoded: spaces and printable ASCII but '%' go as they are.
  local message = string.format(refusal[2], applet:get_var("txn.mc_instance") or "?")
  applet:add_header("grpc-message", (message:gsub("[^ -$&-~]", function(c)
    return string.format("%%%02X", c:byte())
  end)))
  applet:start_response()
end)
