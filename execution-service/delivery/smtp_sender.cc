#include "execution-service/delivery/smtp_sender.h"

#include <curl/curl.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "execution-service/delivery/mime.h"

namespace mc::execution {
namespace {

struct Reader {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadPayload(char* buffer, size_t size, size_t count, void* user) {
  auto* r = static_cast<Reader*>(user);
  size_t n = std::min(size * count, r->data->size() - r->offset);
  std::memcpy(buffer, r->data->data() + r->offset, n);
  r->offset += n;
  return n;
}

}  // namespace

std::string EnvelopeAddress(const std::string& from) {
  size_t open = from.rfind('<');
  size_t close = from.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) {
    return from.substr(open + 1, close - open - 1);
  }
  return from;
}

SmtpSender::SmtpSender(SmtpOptions options)
    : options_(std::move(options)),
      envelope_from_("<" + EnvelopeAddress(options_.from) + ">"),
      curl_(curl_easy_init()) {}

SmtpSender::~SmtpSender() { curl_easy_cleanup(curl_); }

SendOutcome SmtpSender::Send(const OutgoingMessage& m) {
  const std::string payload = BuildMime(m, options_.from, absl::Now());
  Reader reader{&payload};
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + m.address + ">").c_str());
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl_, CURLOPT_URL, options_.url.c_str());
  const std::string return_path = "<" + m.return_path + ">";
  curl_easy_setopt(curl_, CURLOPT_MAIL_FROM,
                   m.return_path.empty() ? envelope_from_.c_str() : return_path.c_str());
  curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl_, CURLOPT_READFUNCTION, ReadPayload);
  curl_easy_setopt(curl_, CURLOPT_READDATA, &reader);
  curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  if (options_.starttls)
    curl_easy_setopt(curl_, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!options_.username.empty()) {
    curl_easy_setopt(curl_, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(curl_, CURLOPT_PASSWORD, options_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(curl_);
  long reply = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &reply);
  curl_slist_free_all(rcpt);
  curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, nullptr);
  if (rc == CURLE_OK) return {SendOutcome::Kind::kSent, ""};
  std::string reason = absl::StrCat("SMTP ", reply > 0 ? absl::StrCat(reply, " ") : "",
                                    error[0] ? error : curl_easy_strerror(rc));
  if (reply >= 500 && reply < 600) {
    // 550/551/553: mailbox unavailable, not local, name not allowed: the address itself.
    return {SendOutcome::Kind::kHardFailure, reason, reply == 550 || reply == 551 || reply == 553};
  }
  return {SendOutcome::Kind::kSoftFailure, reason};
}

}  // namespace mc::execution
