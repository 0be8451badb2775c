#include "common/sinks/smtp_sink.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/sinks/line_connection.h"

namespace mc::sinks {
namespace {

std::string AngleAddress(const std::string& arg) {
  size_t open = arg.find('<');
  size_t close = arg.find('>', open);
  if (open == std::string::npos || close == std::string::npos) return arg;
  return arg.substr(open + 1, close - open - 1);
}

// "flaky<N>-...": N, else 0.
size_t FlakyTimes(absl::string_view rcpt) {
  if (!absl::StartsWith(rcpt, "flaky")) return 0;
  rcpt.remove_prefix(5);
  size_t n = 0;
  if (!absl::SimpleAtoi(rcpt.substr(0, rcpt.find('-')), &n)) return 0;
  return n;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SmtpSink>> SmtpSink::Start(SmtpSinkOptions options) {
  std::unique_ptr<SmtpSink> sink(new SmtpSink());
  sink->options_ = std::move(options);
  SmtpSink* raw = sink.get();
  if (absl::Status s =
          sink->listener_.Start(sink->options_.port, [raw](int fd) { raw->Serve(fd); });
      !s.ok()) {
    return s;
  }
  return sink;
}

SmtpSink::~SmtpSink() { listener_.Stop(); }

size_t SmtpSink::accepted() {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

size_t SmtpSink::refused() {
  std::lock_guard<std::mutex> lock(mu_);
  return refused_;
}

size_t SmtpSink::rcpt_count(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = rcpt_counts_.find(address);
  return it == rcpt_counts_.end() ? 0 : it->second;
}

std::vector<ReceivedMail> SmtpSink::Messages() {
  std::lock_guard<std::mutex> lock(mu_);
  return mails_;
}

bool SmtpSink::WaitForCount(size_t n, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return accepted_ >= n; });
}

void SmtpSink::Accept(ReceivedMail& mail) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++accepted_;
    if (!options_.store_dir.empty()) {
      std::ofstream(absl::StrCat(options_.store_dir, "/", accepted_, ".eml")) << mail.data;
    }
    if (options_.keep_in_memory) mails_.push_back(mail);
  }
  cv_.notify_all();
  if (options_.on_message) options_.on_message(mail);
  mail = ReceivedMail();
}

void SmtpSink::Serve(int fd) {
  LineConnection conn(fd);
  std::string line;
  ReceivedMail mail;
  conn.Queue("220 mc-sink ESMTP\r\n");
  while (conn.ReadLine(&line)) {
    const std::string upper = absl::AsciiStrToUpper(line.substr(0, 10));
    std::string verb = upper.substr(0, upper.find(' '));
    if (absl::StartsWith(upper, "MAIL FROM:")) verb = "MAIL";
    if (absl::StartsWith(upper, "RCPT TO:")) verb = "RCPT";
    if (verb == "EHLO") {
      conn.Queue(absl::StrCat("250-mc-sink\r\n",
                              options_.advertise_pipelining ? "250-PIPELINING\r\n" : "",
                              options_.advertise_chunking ? "250-CHUNKING\r\n" : "",
                              "250-8BITMIME\r\n250 SIZE 52428800\r\n"));
    } else if (verb == "HELO" || verb == "NOOP") {
      conn.Queue("250 OK\r\n");
    } else if (verb == "RSET") {
      mail = ReceivedMail();
      conn.Queue("250 OK\r\n");
    } else if (verb == "MAIL") {
      mail = ReceivedMail();
      mail.from = AngleAddress(line.substr(10));
      conn.Queue("250 OK\r\n");
    } else if (verb == "RCPT") {
      std::string rcpt = AngleAddress(line.substr(8));
      size_t seen = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen = ++rcpt_counts_[rcpt];
      }
      if (absl::StartsWith(rcpt, "bounce")) {
        conn.Queue("550 5.1.1 <" + rcpt + ">: user unknown\r\n");
      } else if (absl::StartsWith(rcpt, "busy") || seen <= FlakyTimes(rcpt)) {
        conn.Queue("451 4.3.0 <" + rcpt + ">: try again later\r\n");
      } else {
        mail.recipients.push_back(std::move(rcpt));
        conn.Queue("250 OK\r\n");
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      ++refused_;
    } else if (verb == "DATA") {
      if (mail.recipients.empty()) {
        conn.Queue("554 5.5.1 no valid recipients\r\n");
        continue;
      }
      conn.Queue("354 end data with <CR><LF>.<CR><LF>\r\n");
      bool complete = false;
      while (conn.ReadLine(&line)) {
        if (line == ".") {
          complete = true;
          break;
        }
        absl::StrAppend(&mail.data, absl::string_view(line).substr(absl::StartsWith(line, ".")),
                        "\r\n");
      }
      if (!complete) return;
      Accept(mail);
      conn.Queue("250 2.0.0 OK queued\r\n");
    } else if (verb == "BDAT") {
      // BDAT <size> [LAST] (RFC 3030): the chunk is read whole, whatever the reply.
      std::vector<std::string> args = absl::StrSplit(line, ' ', absl::SkipEmpty());
      size_t size = 0;
      if (args.size() < 2 || !absl::SimpleAtoi(args[1], &size)) {
        conn.Queue("501 5.5.4 syntax: BDAT <size> [LAST]\r\n");
        conn.Flush();
        return;  // the chunk's end cannot be found
      }
      std::string chunk;
      if (!conn.ReadBytes(size, &chunk)) return;
      if (mail.recipients.empty()) {
        mail = ReceivedMail();
        conn.Queue("554 5.5.1 no valid recipients\r\n");
        continue;
      }
      mail.data += chunk;
      if (args.size() < 3 || absl::AsciiStrToUpper(args[2]) != "LAST") {
        conn.Queue("250 2.0.0 chunk received\r\n");
        continue;
      }
      Accept(mail);
      conn.Queue("250 2.0.0 OK queued\r\n");
    } else if (verb == "QUIT") {
      conn.Queue("221 bye\r\n");
      conn.Flush();
      return;
    } else {
      conn.Queue("502 5.5.2 command unrecognized\r\n");
    }
  }
}

}  // namespace mc::sinks
