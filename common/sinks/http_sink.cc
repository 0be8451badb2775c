#include "common/sinks/http_sink.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/sinks/line_connection.h"

namespace mc::sinks {

absl::StatusOr<std::unique_ptr<HttpSink>> HttpSink::Start(int port) {
  std::unique_ptr<HttpSink> sink(new HttpSink());
  HttpSink* raw = sink.get();
  if (absl::Status s = sink->listener_.Start(port, [raw](int fd) { raw->Serve(fd); }); !s.ok()) {
    return s;
  }
  return sink;
}

HttpSink::~HttpSink() { listener_.Stop(); }

std::vector<std::string> HttpSink::Bodies() {
  std::lock_guard<std::mutex> lock(mu_);
  return bodies_;
}

bool HttpSink::WaitForCount(size_t n, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                      [&] { return bodies_.size() >= n; });
}

void HttpSink::Serve(int fd) {
  LineConnection conn(fd);
  std::string line;
  for (;;) {
    std::string request_line;
    if (!conn.ReadLine(&request_line)) return;
    size_t length = 0;
    while (conn.ReadLine(&line) && !line.empty()) {
      std::string lower = absl::AsciiStrToLower(line);
      if (absl::StartsWith(lower, "content-length:")) {
        (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(lower.substr(15)), &length);
      }
    }
    std::string body;
    if (!conn.ReadBytes(length, &body)) return;
    int status = 200;
    if (body.find("\"to\":\"+999") != std::string::npos) status = 400;
    if (body.find("\"to\":\"+998") != std::string::npos) status = 503;
    const std::string reply_body = status == 200   ? R"({"status":"queued"})"
                                   : status == 400 ? R"({"error":"invalid number"})"
                                                   : R"({"error":"busy"})";
    if (status == 200) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        bodies_.push_back(body);
      }
      cv_.notify_all();
    }
    const char* reason = status == 200 ? "OK" : status == 400 ? "Bad Request" : "Unavailable";
    conn.Queue(absl::StrCat("HTTP/1.1 ", status, " ", reason,
                            "\r\nContent-Type: application/json\r\nContent-Length: ",
                            reply_body.size(), "\r\n\r\n", reply_body));
  }
}

}  // namespace mc::sinks
