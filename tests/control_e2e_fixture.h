// The fixture of the control end-to-end test (ctest e2e_control_test): one control instance and
// two execution instances, exec_a and exec_b (three schemas on one real PostgreSQL, real gRPC on
// port 0, a real SMTP server and SMS provider on loopback), started on first use and shared by
// every test case of the executable; plus the events, the expected report figures and the
// templates those test cases push.
//
// The test cases build on one another (accounts registered, then templates published, events
// archived, purged, ...): they run in the order they register, which is the order of the
// sources in tests/CMakeLists.txt. Keep that order.
//
// Failure modes: a server that does not start stops the test with FAIL (StartExecution,
// StartControl); a sink that does not start aborts the process; the helpers that must succeed
// REQUIRE. Not thread-safe: call from the test's main thread (the first TheCluster() starts
// everything).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/process/service_process.h"
#include "common/sinks/http_sink.h"
#include "common/sinks/smtp_sink.h"
#include "messagecenter/control/v1/control.grpc.pb.h"
#include "messagecenter/v1/events.pb.h"
#include "tests/support/control_client.h"
#include "tests/support/exec_client.h"

namespace mc::e2e::control_e2e {

// One execution instance: its account name ("exec_a", "exec_b"), schema, process and client.
struct Execution {
  std::string name, schema;
  std::unique_ptr<process::ServiceProcess> service;
  std::unique_ptr<ExecClient> client;
};

struct Cluster {
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::unique_ptr<sinks::HttpSink> sms;
  std::string control_schema;
  std::unique_ptr<process::ServiceProcess> control;
  std::unique_ptr<ControlClient> client;
  Execution a, b;
};

// The process's one cluster (a function-local static), started on the first call.
Cluster& TheCluster();

// An email event of `type` to `address`, ctx {"name":"Ana","order":{"id":"A-1"}}.
messagecenter::v1::Event Email(const std::string& type, const std::string& address);

// What PushEveryOutcome pushed, as the archive and the reports must count it.
struct Expected {
  int64_t incoming = 0, sent = 0, failed = 0, ignored = 0, expired = 0, not_taken = 0;
  int64_t sms = 0, sms_sent = 0;
};

// Pushes `emails` sendable emails and one event of every other outcome; waits until final.
Expected PushEveryOutcome(Execution& e, int emails);

// The control's email template for ORDER_SHIPPED ("orderShipped", with a seed).
messagecenter::control::v1::Template OrderShipped();
// Its SMS template ("orderShippedSms").
messagecenter::control::v1::Template OrderShippedSms();

// PublishTemplate of the control template `name`.
grpc::Status Publish(const std::string& name,
                     messagecenter::control::v1::PublishTemplateResponse* out);

}  // namespace mc::e2e::control_e2e
