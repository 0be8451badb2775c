// LoadBalancer: runs the production load balancer configuration itself, deploy/lb/haproxy.cfg
// with the shards.map and grpc_refusal.lua beside it (MC_LB_DIR), under HAProxy as a child
// process, for end-to-end tests. Its two backends point at the given execution instances
// (MC_LB_EXEC_A, MC_LB_EXEC_B); its gRPC and metrics listeners take free ports on 127.0.0.1.
// HAProxy runs in the foreground (-db) and logs to a file under $TMPDIR (log_path()); it dies
// with the test (PR_SET_PDEATHSIG).
//
// Failure modes: Start stops the test with FAIL when HAProxy is missing, exits (a bad
// configuration, a port taken meanwhile: it tries three times with new ports) or does not
// listen within 10 s; the message carries the tail of its log.
// The source paths and the binary come from MC_SOURCE_DIR and MC_HAPROXY_BIN (compile
// definitions of the test). Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/process/subprocess.h"

namespace mc::e2e {

class LoadBalancer {
 public:
  // Backends "host:port" of instance a and instance b.
  static std::unique_ptr<LoadBalancer> Start(const std::string& exec_a, const std::string& exec_b);

  // The one gRPC address pushers call.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int metrics_port() const { return metrics_port_; }
  const std::string& log_path() const { return log_path_; }
  std::string LogTail(size_t bytes = 4000) const;
  // The header lines of the reply to an empty PushEvent over HTTP/2 (libcurl, prior knowledge)
  // with `headers` ("name: value") besides the gRPC ones: what HAProxy itself answers, seen as
  // any gRPC client sees it (e.g. `content-type`, which grpc++ does not report). FAIL when no
  // reply comes.
  std::string RawReplyHeaders(const std::vector<std::string>& headers) const;

 private:
  LoadBalancer(process::Subprocess haproxy, int port, int metrics_port, std::string log_path)
      : haproxy_(std::move(haproxy)),
        port_(port),
        metrics_port_(metrics_port),
        log_path_(std::move(log_path)) {}

  process::Subprocess haproxy_;
  int port_;
  int metrics_port_;
  std::string log_path_;
};

// The instance (backend name, e.g. "mc_exec_a") of each key of deploy/lb/shards.map, read from
// the file itself. FAIL when it cannot be read.
std::map<std::string, std::string> ShardMap();

}  // namespace mc::e2e
