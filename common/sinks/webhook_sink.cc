#include "common/sinks/webhook_sink.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/sinks/line_connection.h"

namespace mc::sinks {
namespace {

constexpr size_t kMaxBody = 64 << 20;

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

void QueueReply(LineConnection& conn, int status, absl::string_view body, bool close) {
  conn.Queue(absl::StrCat("HTTP/1.1 ", status, " ", Reason(status),
                          "\r\nContent-Type: text/plain\r\nContent-Length: ", body.size(),
                          close ? "\r\nConnection: close" : "", "\r\n\r\n"));
  conn.Queue(body);
}

}  // namespace

std::string WebhookSink::Request::Header(absl::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

absl::StatusOr<std::unique_ptr<WebhookSink>> WebhookSink::Start(Options options) {
  std::unique_ptr<WebhookSink> sink(new WebhookSink(options));
  WebhookSink* raw = sink.get();
  if (absl::Status s = sink->listener_.Start(options.port, [raw](int fd) { raw->Serve(fd); });
      !s.ok()) {
    return s;
  }
  return sink;
}

WebhookSink::~WebhookSink() { listener_.Stop(); }

std::string WebhookSink::url(absl::string_view path) const {
  return absl::StrCat("http://127.0.0.1:", port(), path);
}

void WebhookSink::SetResponder(Responder responder) {
  auto next = responder ? std::make_shared<const Responder>(std::move(responder)) : nullptr;
  std::lock_guard<std::mutex> lock(answer_mu_);
  responder_ = std::move(next);
}

void WebhookSink::SetReplyBody(std::string body) {
  auto next = std::make_shared<const std::string>(std::move(body));
  std::lock_guard<std::mutex> lock(answer_mu_);
  reply_body_ = std::move(next);
}

std::vector<WebhookSink::Request> WebhookSink::Requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool WebhookSink::WaitFor(const std::function<bool(const std::vector<Request>&)>& done,
                          absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return done(requests_); });
}

bool WebhookSink::WaitForCount(int64_t n, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return count_ >= n; });
}

void WebhookSink::Record(Request request) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (options_.keep_requests) requests_.push_back(std::move(request));
    ++count_;
  }
  cv_.notify_all();
}

void WebhookSink::Serve(int fd) {
  const int connection = ++connections_;
  LineConnection conn(fd);
  std::string line;
  for (;;) {
    Request request;
    request.connection = connection;
    if (!conn.ReadLine(&line)) return;
    if (line.empty()) continue;  // a stray CRLF between requests (RFC 9112 2.2)
    {
      const size_t sp1 = line.find(' ');
      const size_t sp2 = sp1 == std::string::npos ? sp1 : line.find(' ', sp1 + 1);
      if (sp2 == std::string::npos) {
        QueueReply(conn, 400, "bad request line", true);
        conn.Flush();
        return;
      }
      request.method = line.substr(0, sp1);
      request.path = line.substr(sp1 + 1, sp2 - sp1 - 1);
    }
    size_t length = 0;
    bool chunked = false, expect_continue = false, close = false, bad_length = false;
    for (;;) {
      if (!conn.ReadLine(&line)) return;
      if (line.empty()) break;
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = absl::AsciiStrToLower(absl::string_view(line).substr(0, colon));
      std::string value(absl::StripAsciiWhitespace(absl::string_view(line).substr(colon + 1)));
      if (name == "content-length") {
        bad_length = !absl::SimpleAtoi(value, &length);
      } else if (name == "transfer-encoding") {
        chunked = true;
      } else if (name == "expect") {
        expect_continue = absl::EqualsIgnoreCase(value, "100-continue");
      } else if (name == "connection") {
        close = absl::StrContains(absl::AsciiStrToLower(value), "close");
      }
      request.headers.emplace_back(std::move(name), std::move(value));
    }
    if (chunked || bad_length || length > kMaxBody) {
      QueueReply(conn, chunked ? 501 : bad_length ? 400 : 413, "", true);
      conn.Flush();
      return;
    }
    if (expect_continue) conn.Queue("HTTP/1.1 100 Continue\r\n\r\n");
    if (!conn.ReadBytes(length, &request.body)) return;

    std::shared_ptr<const Responder> responder;
    std::shared_ptr<const std::string> body;
    {
      std::lock_guard<std::mutex> lock(answer_mu_);
      responder = responder_;
      body = reply_body_;
    }
    const int status = responder ? (*responder)(request) : 200;
    Record(std::move(request));
    QueueReply(conn, status, *body, close);
    if (close) {
      conn.Flush();
      return;
    }
  }
}

}  // namespace mc::sinks
