#include "common/sinks/smtp_sink.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace mc::sinks {
namespace {

std::string AngleAddress(const std::string& arg) {
  size_t open = arg.find('<');
  size_t close = arg.find('>', open);
  if (open == std::string::npos || close == std::string::npos) return arg;
  return arg.substr(open + 1, close - open - 1);
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

std::vector<ReceivedMail> SmtpSink::Messages() {
  std::lock_guard<std::mutex> lock(mu_);
  return mails_;
}

bool SmtpSink::WaitForCount(size_t n, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return accepted_ >= n; });
}

void SmtpSink::Serve(int fd) {
  std::string buffer, line;
  ReceivedMail mail;
  if (!WriteAll(fd, "220 mc-sink ESMTP\r\n")) return;
  while (ReadLine(fd, buffer, &line)) {
    std::string verb = absl::AsciiStrToUpper(line.substr(0, line.find(' ')));
    if (absl::StartsWith(absl::AsciiStrToUpper(line), "MAIL FROM:")) verb = "MAIL";
    if (absl::StartsWith(absl::AsciiStrToUpper(line), "RCPT TO:")) verb = "RCPT";
    std::string reply;
    if (verb == "EHLO") {
      reply =
          absl::StrCat("250-mc-sink\r\n", options_.advertise_pipelining ? "250-PIPELINING\r\n" : "",
                       "250-8BITMIME\r\n250 SIZE 52428800\r\n");
    } else if (verb == "HELO" || verb == "NOOP") {
      reply = "250 OK\r\n";
    } else if (verb == "RSET") {
      mail = ReceivedMail();
      reply = "250 OK\r\n";
    } else if (verb == "MAIL") {
      mail = ReceivedMail();
      mail.from = AngleAddress(line.substr(10));
      reply = "250 OK\r\n";
    } else if (verb == "RCPT") {
      std::string rcpt = AngleAddress(line.substr(8));
      if (absl::StartsWith(rcpt, "bounce")) {
        reply = "550 5.1.1 <" + rcpt + ">: user unknown\r\n";
      } else if (absl::StartsWith(rcpt, "busy")) {
        reply = "451 4.3.0 <" + rcpt + ">: try again later\r\n";
      } else {
        mail.recipients.push_back(rcpt);
        reply = "250 OK\r\n";
      }
      if (reply[0] != '2') {
        std::lock_guard<std::mutex> lock(mu_);
        ++refused_;
      }
    } else if (verb == "DATA") {
      if (mail.recipients.empty()) {
        reply = "554 5.5.1 no valid recipients\r\n";
      } else {
        if (!WriteAll(fd, "354 end data with <CR><LF>.<CR><LF>\r\n")) return;
        std::string data;
        bool complete = false;
        while (ReadLine(fd, buffer, &line)) {
          if (line == ".") {
            complete = true;
            break;
          }
          if (!line.empty() && line[0] == '.') line.erase(0, 1);
          absl::StrAppend(&data, line, "\r\n");
        }
        if (!complete) return;
        mail.data = std::move(data);
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
        reply = "250 2.0.0 OK queued\r\n";
      }
    } else if (verb == "QUIT") {
      WriteAll(fd, "221 bye\r\n");
      return;
    } else {
      reply = "502 5.5.2 command unrecognized\r\n";
    }
    if (!WriteAll(fd, reply)) return;
  }
}

}  // namespace mc::sinks
