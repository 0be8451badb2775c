// SmtpSink: a real SMTP server on loopback that accepts mail and keeps it (in memory and/or as
// .eml files in a folder), standing in for the relay in tests, benchmarks and the local
// cluster. Recipients drive failures, so every delivery outcome can be produced for real:
//   bounce...@  -> "550 5.1.1 user unknown" at RCPT (a hard bounce)
//   busy...@    -> "451 4.3.0 try again later" at RCPT (a soft failure)
//   flaky<N>-...@ -> that soft failure for the first N RCPTs of the address, then accepted
// Supports EHLO/HELO, MAIL, RCPT, DATA (dot-unstuffed), BDAT (CHUNKING), RSET, NOOP, QUIT,
// and PIPELINING (commands are answered in order, the replies to what one read brought in one
// write); no TLS.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/sinks/tcp_listener.h"

namespace mc::sinks {

struct ReceivedMail {
  std::string from;
  std::vector<std::string> recipients;
  std::string data;  // the message as received, without the final "."
};

struct SmtpSinkOptions {
  int port = 0;
  bool keep_in_memory = true;
  std::string store_dir;  // when set, each message is written there as <n>.eml
  bool advertise_pipelining = true;
  bool advertise_chunking = true;
  // Called (on the connection's thread) for each accepted message, e.g. to time it.
  std::function<void(const ReceivedMail&)> on_message;
};

class SmtpSink {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SmtpSink>> Start(SmtpSinkOptions options);
  ~SmtpSink();

  int port() const { return listener_.port(); }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }
  size_t accepted();  // messages accepted so far
  size_t refused();   // RCPTs refused so far
  // RCPTs naming exactly `address` so far, accepted or refused: the tries it saw.
  size_t rcpt_count(const std::string& address);
  std::vector<ReceivedMail> Messages();
  // Waits until at least n messages were accepted; false on timeout.
  bool WaitForCount(size_t n, absl::Duration timeout);

 private:
  SmtpSink() = default;
  void Serve(int fd);
  // Counts and keeps a complete message, then clears it.
  void Accept(ReceivedMail& mail);

  SmtpSinkOptions options_;
  TcpListener listener_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ReceivedMail> mails_;
  size_t accepted_ = 0;
  size_t refused_ = 0;
  std::map<std::string, size_t> rcpt_counts_;
};

}  // namespace mc::sinks
