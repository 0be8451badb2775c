#include "execution-service/delivery/sms_sender.h"

#include <curl/curl.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {
size_t CollectBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() < 1000) body->append(data, std::min(size * count, 1000 - body->size()));
  return size * count;
}
}  // namespace

SmsSender::SmsSender(SmsOptions options) : options_(std::move(options)), curl_(curl_easy_init()) {}

SmsSender::~SmsSender() { curl_easy_cleanup(curl_); }

SendOutcome SmsSender::Send(const OutgoingMessage& m) {
  if (options_.url.empty()) {
    return {SendOutcome::Kind::kHardFailure, "no SMS provider configured (--sms_url)"};
  }
  const std::string payload =
      nlohmann::json{{"to", m.address}, {"text", m.sms}, {"messageId", m.message_id}}.dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  std::string auth;
  if (!options_.bearer_token.empty()) {
    auth = "Authorization: Bearer " + options_.bearer_token;
    headers = curl_slist_append(headers, auth.c_str());
  }
  std::string body;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl_, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl_);
  long status = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    return {SendOutcome::Kind::kSoftFailure,
            absl::StrCat("SMS provider unreachable: ", error[0] ? error : curl_easy_strerror(rc))};
  }
  if (status >= 200 && status < 300) return {SendOutcome::Kind::kSent, ""};
  std::string reason = absl::StrCat("SMS provider HTTP ", status, ": ", body);
  if (status >= 400 && status < 500 && status != 408 && status != 429) {
    return {SendOutcome::Kind::kHardFailure, reason, /*address_rejected=*/status == 400};
  }
  return {SendOutcome::Kind::kSoftFailure, reason};
}

}  // namespace mc::execution
