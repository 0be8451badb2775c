// End to end: every RPC as JSON over HTTP (--http_listen), on the real execution-service and
// control-service binaries (real PostgreSQL, ports 0, libcurl as the caller). Push one event
// and a batch, get one, list by status, cancel; every error class with its HTTP status and
// JSON body (INVALID_ARGUMENT 400 naming the field, a body that is not the message 400,
// UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404, an unknown route 404, another verb
// 405, ALREADY_EXISTS 409, FAILED_PRECONDITION 400, a body over the limit 413); the generic
// route on the control instance; /v1/openapi.json listing every RPC of both services; and
// HTTPS with the gRPC listener's certificate, or plain beside gRPC over TLS with --http_plaintext;
// the console's session over HTTPS (Secure cookie, the https origin, CSRF, sign-out).
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/process/subprocess.h"
#include "common/testing/shared_postgres.h"
#include "messagecenter/control/v1/control.pb.h"
#include "messagecenter/v1/events.pb.h"
#include "messagecenter/v1/instance.pb.h"
#include "messagecenter/v1/suppressions.pb.h"
#include "messagecenter/v1/templates.pb.h"
#include "messagecenter/v1/webhooks.pb.h"
#include "messagecenter/v1/workflows.pb.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/http_client.h"
#include "tests/support/raw_call.h"
#include "tests/support/test_certificates.h"

namespace mc::e2e {
namespace {

using nlohmann::json;
constexpr char kPusher[] = "pusher-token-0123456789";

int ReadPort(const std::string& path) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  int port = 0;
  while (absl::Now() < deadline) {
    std::ifstream in(path);
    if (in >> port && port > 0) return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("no HTTP port in " << path);
  return 0;
}

struct Servers {
  std::unique_ptr<process::ServiceProcess> exec, control;
  std::string exec_url, control_url;
};

Servers& TheServers() {
  static Servers s = [] {
    Servers s;
    const std::string exec_port = LogPath("http-exec") + ".http";
    const std::string control_port = LogPath("http-control") + ".http";
    s.exec = std::make_unique<process::ServiceProcess>(StartExecution(
        testing::SharedPostgresDsn(), testing::FreshSchema("http_exec"),
        {"--http_listen=127.0.0.1:0", "--http_port_file=" + exec_port, "--http_max_body_mb=1",
         absl::StrCat("--auth_tokens=", kToken, ",pusher:", kPusher)}));
    s.control = std::make_unique<process::ServiceProcess>(
        StartControl(testing::SharedPostgresDsn(), testing::FreshSchema("http_control"),
                     {"--http_listen=127.0.0.1:0", "--http_port_file=" + control_port,
                      "--noarchiving_scheduler"}));
    s.exec_url = absl::StrCat("http://127.0.0.1:", ReadPort(exec_port));
    s.control_url = absl::StrCat("http://127.0.0.1:", ReadPort(control_port));
    return s;
  }();
  return s;
}

HttpAnswer Exec(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& token = kToken) {
  return HttpCall(method, TheServers().exec_url + path, body, token);
}

// The error body's fields, checked to be the error shape.
json Error(const HttpAnswer& a) {
  INFO(a.body);
  const json j = json::parse(a.body, nullptr, false);
  REQUIRE(j.is_object());
  REQUIRE(j.contains("error"));
  CHECK(j["error"]["code"] == a.status);
  CHECK(a.content_type == "application/json");
  return j["error"];
}

json Event(const std::string& email, const std::string& external_id) {
  return {{"type", "ORDER"},
          {"email", email},
          {"externalId", external_id},
          {"ctx", {{"order", {{"id", "A-1"}, {"total", 42.5}}}}}};
}

TEST_CASE("push, get, list and cancel over HTTP/JSON") {
  const HttpAnswer pushed =
      Exec("POST", "/v1/events:push",
           json{{"queue", "QUEUE_BATCH"}, {"event", Event("ana@example.test", "http-1")}}.dump(),
           kPusher);
  INFO(pushed.body);
  REQUIRE(pushed.status == 200);
  CHECK(pushed.content_type == "application/json");
  const std::string id = json::parse(pushed.body)["id"];  // int64: a string in proto3 JSON

  const HttpAnswer got = Exec("GET", absl::StrCat("/v1/events/", id), "", kPusher);
  INFO(got.body);
  REQUIRE(got.status == 200);
  const json event = json::parse(got.body);
  CHECK(event["id"] == id);
  CHECK(event["event"]["email"] == "ana@example.test");
  CHECK(event["event"]["ctx"]["order"]["total"] == 42.5);
  CHECK(event["status"] == "EVENT_STATUS_PENDING");

  const HttpAnswer batch = Exec("POST", "/v1/events:pushBatch",
                                json{{"queue", "QUEUE_BATCH"},
                                     {"events",
                                      {Event("b1@example.test", "http-2"),
                                       Event("b2@example.test", "http-3"),
                                       {{"email", "no-type@example.test"}}}}}
                                    .dump(),
                                kPusher);
  INFO(batch.body);
  REQUIRE(batch.status == 200);
  const json results = json::parse(batch.body);
  CHECK(results["rejected"] == 1);
  REQUIRE(results["results"].size() == 3);
  CHECK(results["results"][2]["rejection"]["code"] == 3);
  CHECK(results["results"][2]["rejection"]["field"] == "type");

  const HttpAnswer listed =
      Exec("GET", "/v1/events?queue=QUEUE_BATCH&status=EVENT_STATUS_PENDING", "", kPusher);
  INFO(listed.body);
  REQUIRE(listed.status == 200);
  CHECK(json::parse(listed.body)["events"].size() == 3);

  const HttpAnswer cancelled =
      Exec("POST", absl::StrCat("/v1/events/", id, ":cancel"), "{}", kPusher);
  INFO(cancelled.body);
  REQUIRE(cancelled.status == 200);
  CHECK(json::parse(cancelled.body)["status"] == "EVENT_STATUS_CANCELLED");
}

TEST_CASE("every error class with its HTTP status and JSON body") {
  // INVALID_ARGUMENT naming the field.
  json e = Error(
      Exec("POST", "/v1/events:push",
           json{{"queue", "QUEUE_REAL_TIME"}, {"event", {{"email", "x@example.test"}}}}.dump()));
  CHECK(e["status"] == "INVALID_ARGUMENT");
  CHECK(e["field"] == "type");
  // A body that is not the message.
  HttpAnswer a = Exec("POST", "/v1/events:push", R"({"queue": "QUEUE_REAL_TIME", "evnt": {}})");
  CHECK(a.status == 400);
  CHECK(Error(a)["field"] == "request");
  a = Exec("POST", "/v1/events:push", "{not json");
  CHECK(a.status == 400);
  // A wrong token: 401, before the body is read; a role that may not: 403.
  a = Exec("POST", "/v1/events:push", "{}", "wrong-token-0123456789");
  CHECK(a.status == 401);
  CHECK(Error(a)["status"] == "UNAUTHENTICATED");
  a = Exec("POST", "/v1/events:push", "{}", "");
  CHECK(a.status == 401);
  a = Exec("POST", "/v1/workflows/rtEventsProcessing:start", "{}", kPusher);
  CHECK(a.status == 403);
  CHECK(Error(a)["status"] == "PERMISSION_DENIED");
  // NOT_FOUND, an unknown route, another verb.
  a = Exec("GET", "/v1/events/987654321");
  CHECK(a.status == 404);
  CHECK(Error(a)["status"] == "NOT_FOUND");
  a = Exec("GET", "/v1/nothing/here");
  CHECK(a.status == 404);
  a = Exec("DELETE", "/v1/events:push");
  CHECK(a.status == 405);
  a = Exec("GET", "/v1/messagecenter.v1.EventService/PushEvent");
  CHECK(a.status == 405);
  // FAILED_PRECONDITION (400): publishing while the technical workflows are stopped.
  const json tpl = {{"template",
                     {{"internalName", "httpTpl"},
                      {"eventType", "ORDER"},
                      {"version", 1},
                      {"subject", "Hi"},
                      {"textBody", "Hello"}}}};
  a = Exec("POST", "/v1/messagecenter.v1.TemplateService/PublishTemplate", tpl.dump());
  CHECK(a.status == 400);
  CHECK(Error(a)["status"] == "FAILED_PRECONDITION");
  // ALREADY_EXISTS (409): the same version published twice.
  for (const char* w : {"rtEventsProcessing", "batchEventsProcessing", "updateEventStatus"}) {
    REQUIRE(Exec("POST", absl::StrCat("/v1/workflows/", w, ":start"), "{}").status == 200);
  }
  a = Exec("POST", "/v1/messagecenter.v1.TemplateService/PublishTemplate", tpl.dump());
  INFO(a.body);
  REQUIRE(a.status == 200);
  a = Exec("POST", "/v1/messagecenter.v1.TemplateService/PublishTemplate", tpl.dump());
  CHECK(a.status == 409);
  CHECK(Error(a)["status"] == "ALREADY_EXISTS");
  // A body over --http_max_body_mb (1): 413, unread.
  a = Exec("POST", "/v1/events:pushBatch", std::string(2 << 20, ' '));
  CHECK(a.status == 413);
  CHECK(Error(a)["status"] == "RESOURCE_EXHAUSTED");
}

TEST_CASE("the control instance: readable and generic routes") {
  const std::string url = TheServers().control_url;
  HttpAnswer a = HttpCall("POST", url + "/v1/messagecenter.control.v1.AccountService/CreateAccount",
                          json{{"account",
                                {{"internalName", "exec1"},
                                 {"endpoint", "127.0.0.1:1"},
                                 {"credential", "0123456789abcdef"}}}}
                              .dump(),
                          kToken);
  INFO(a.body);
  REQUIRE(a.status == 200);
  CHECK(json::parse(a.body)["internalName"] == "exec1");
  CHECK(json::parse(a.body).value("credential", "") == "");  // write-only
  CHECK(a.body.find("0123456789abcdef") == std::string::npos);
  a = HttpCall("GET", url + "/v1/accounts/exec1", "", kToken);
  REQUIRE(a.status == 200);
  a = HttpCall("GET", url + "/v1/accounts", "", kToken);
  REQUIRE(a.status == 200);
  CHECK(json::parse(a.body)["accounts"].size() == 1);
  a = HttpCall("GET", url + "/v1/accounts/nope", "", kToken);
  CHECK(a.status == 404);
}

TEST_CASE("the control lists and changes an instance's technical workflows with its credential") {
  const std::string url = TheServers().control_url;
  const std::string rpc = url + "/v1/messagecenter.control.v1.AccountService/";
  HttpAnswer a = HttpCall("POST", rpc + "CreateAccount",
                          json{{"account",
                                {{"internalName", "execwf"},
                                 {"endpoint", TheServers().exec->address()},
                                 {"credential", kToken}}}}
                              .dump(),
                          kToken);
  REQUIRE(a.status == 200);
  a = HttpCall("GET", url + "/v1/accounts/execwf/workflows", "", kToken);
  INFO(a.body);
  REQUIRE(a.status == 200);
  std::vector<std::string> names;
  const json listed = json::parse(a.body);
  for (const json& w : listed["workflows"]) names.push_back(w["internalName"].get<std::string>());
  CHECK(std::find(names.begin(), names.end(), "rtEventsProcessing") != names.end());
  CHECK(std::find(names.begin(), names.end(), "updateEventStatus") != names.end());
  const auto change = [&](const std::string& workflow, const std::string& action) {
    return HttpCall(
        "POST", rpc + "ChangeInstanceWorkflow",
        json{{"internalName", "execwf"}, {"workflow", workflow}, {"action", action}}.dump(),
        kToken);
  };
  a = change("updateEventStatus", "WORKFLOW_ACTION_PAUSE");
  INFO(a.body);
  REQUIRE(a.status == 200);
  CHECK(json::parse(a.body)["state"] == "WORKFLOW_STATE_PAUSED");
  a = Exec("GET", "/v1/workflows");  // the instance itself says so
  const json held = json::parse(a.body);
  for (const json& w : held["workflows"]) {
    if (w["internalName"] == "updateEventStatus") CHECK(w["state"] == "WORKFLOW_STATE_PAUSED");
  }
  a = change("updateEventStatus", "WORKFLOW_ACTION_START");
  REQUIRE(a.status == 200);
  CHECK(json::parse(a.body)["state"] == "WORKFLOW_STATE_STARTED");
  a = change("noSuchWorkflow", "WORKFLOW_ACTION_STOP");
  CHECK(a.status == 404);
  a = change("updateEventStatus", "WORKFLOW_ACTION_UNSPECIFIED");
  CHECK(a.status == 400);
  CHECK(Error(a)["field"] == "action");
}

TEST_CASE("/v1/openapi.json lists every RPC of each service") {
  (void)messagecenter::v1::PushEventRequest::descriptor();
  (void)messagecenter::v1::PublishTemplateRequest::descriptor();
  (void)messagecenter::v1::ListWorkflowsRequest::descriptor();
  (void)messagecenter::v1::GetInstanceInfoRequest::descriptor();
  (void)messagecenter::v1::ListSuppressionsRequest::descriptor();
  (void)messagecenter::v1::PutSubscriptionRequest::descriptor();
  (void)messagecenter::control::v1::ListAccountsRequest::descriptor();
  for (const auto& [url, services] : {std::pair{TheServers().exec_url, kExecutionServices},
                                      std::pair{TheServers().control_url, kControlServices}}) {
    const HttpAnswer a = HttpCall("GET", url + "/v1/openapi.json", "", "");
    REQUIRE(a.status == 200);
    const json doc = json::parse(a.body);
    CHECK(doc["openapi"] == "3.0.3");
    for (const std::string& path : MethodPaths(services)) {
      INFO(path);
      CHECK(doc["paths"].contains("/v1" + path));
    }
  }
}

TEST_CASE("HTTPS by the gRPC listener's TLS flags, or plain beside them with --http_plaintext") {
  TestCertificates certs("http");
  const std::vector<std::string> tls = {"--tls_cert=" + certs.Path("server.crt"),
                                        "--tls_key=" + certs.Path("server.key")};
  {
    const std::string port_file = LogPath("http-tls") + ".http";
    std::vector<std::string> flags = {"--http_listen=127.0.0.1:0", "--http_port_file=" + port_file};
    flags.insert(flags.end(), tls.begin(), tls.end());
    process::ServiceProcess exec =
        StartExecution(testing::SharedPostgresDsn(), testing::FreshSchema("http_tls"), flags);
    const int port = ReadPort(port_file);
    const std::string https = absl::StrCat("https://127.0.0.1:", port);
    HttpAnswer a = HttpCall("GET", https + "/v1/events/1", "", kToken, certs.Path("ca.crt"));
    CHECK(a.status == 404);
    CHECK(Error(a)["status"] == "NOT_FOUND");
    a = HttpCall("GET", https + "/v1/events/1", "", "wrong-token-0123456789", certs.Path("ca.crt"));
    CHECK(a.status == 401);
    // Several requests on one TLS connection, and a push.
    a = HttpCall(
        "POST", https + "/v1/events:push",
        json{{"queue", "QUEUE_BATCH"}, {"event", Event("tls@example.test", "tls-1")}}.dump(),
        kToken, certs.Path("ca.crt"));
    INFO(a.body);
    CHECK(a.status == 200);
    // Plain HTTP to the TLS port gets no answer.
    a = HttpCall("GET", absl::StrCat("http://127.0.0.1:", port, "/v1/events/1"), "", kToken, "",
                 /*expect_transport_error=*/true);
    CHECK(a.status != 404);
    CHECK(a.status != 200);
  }

  // With --http_plaintext: gRPC over TLS, HTTP/JSON plain (TLS terminated in front).
  const std::string port_file = LogPath("http-plain") + ".http";
  std::vector<std::string> flags = {"--http_listen=127.0.0.1:0", "--http_port_file=" + port_file,
                                    "--http_plaintext"};
  flags.insert(flags.end(), tls.begin(), tls.end());
  process::ServiceProcess exec =
      StartExecution(testing::SharedPostgresDsn(), testing::FreshSchema("http_plain"), flags);
  const HttpAnswer a = HttpCall(
      "GET", absl::StrCat("http://127.0.0.1:", ReadPort(port_file), "/v1/events/1"), "", kToken);
  CHECK(a.status == 404);
  CHECK(Error(a)["status"] == "NOT_FOUND");
}

// The console's session over HTTPS: the cookie is Secure, a change must come from the https://
// origin, and a call carries the session's CSRF token (the browser test covers plain HTTP).
TEST_CASE("the console over HTTPS: a Secure session cookie and the https origin") {
  TestCertificates certs("console");
  process::ServiceProcess control = StartControl(
      testing::SharedPostgresDsn(), testing::FreshSchema("console_tls"),
      {"--http_listen=127.0.0.1:0", "--noarchiving_scheduler",
       "--tls_cert=" + certs.Path("server.crt"), "--tls_key=" + certs.Path("server.key")});
  const int port = control.http_port();
  const std::string https = absl::StrCat("https://127.0.0.1:", port);
  const std::string ca = certs.Path("ca.crt");

  HttpAnswer page = HttpCall("GET", https + "/console/", "", "", ca);
  CHECK(page.status == 200);
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(page.headers.find("Content-Security-Policy: default-src 'none'") != std::string::npos);

  // Sign-in from another origin is refused; from the console's own, it sets a Secure cookie.
  HttpAnswer a = HttpCall("POST", https + "/console/session", "", kToken, ca, false,
                          {absl::StrCat("Origin: http://127.0.0.1:", port)});
  CHECK(a.status == 403);
  a = HttpCall("POST", https + "/console/session", "", kToken, ca, false,
               {"Origin: " + https, "Sec-Fetch-Site: same-origin"});
  INFO(a.headers);
  REQUIRE(a.status == 200);
  const size_t at = a.headers.find("Set-Cookie: mc_console=");
  REQUIRE(at != std::string::npos);
  const std::string cookie_line = a.headers.substr(at, a.headers.find('\r', at) - at);
  CHECK(cookie_line.find("; HttpOnly; SameSite=Strict; Secure") != std::string::npos);
  constexpr size_t kName = sizeof("Set-Cookie: ") - 1;
  const std::string cookie = cookie_line.substr(kName, cookie_line.find(';') - kName);
  const std::string csrf = json::parse(a.body)["csrfToken"];

  const std::string api =
      https + "/console/api/messagecenter.control.v1.AccountService/ListAccounts";
  a = HttpCall("POST", api, "{}", "", ca, false, {"Cookie: " + cookie, "Origin: " + https});
  CHECK(a.status == 403);  // no CSRF token
  a = HttpCall("POST", api, "{}", "", ca, false,
               {"Cookie: " + cookie, "Origin: " + https, "X-CSRF-Token: " + csrf});
  INFO(a.body);
  CHECK(a.status == 200);
  CHECK(json::parse(a.body).contains("accounts"));
  // The API itself is unchanged: the session cookie is no bearer token.
  a = HttpCall("POST", https + "/v1/messagecenter.control.v1.AccountService/ListAccounts", "{}", "",
               ca, false, {"Cookie: " + cookie});
  CHECK(a.status == 401);
  // Sign-out ends the session.
  a = HttpCall("DELETE", https + "/console/session", "", "", ca, false,
               {"Cookie: " + cookie, "Origin: " + https, "X-CSRF-Token: " + csrf});
  CHECK(a.status == 200);
  a = HttpCall("POST", api, "{}", "", ca, false,
               {"Cookie: " + cookie, "Origin: " + https, "X-CSRF-Token: " + csrf});
  CHECK(a.status == 401);
}

}  // namespace
}  // namespace mc::e2e
