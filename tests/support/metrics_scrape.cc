#include "tests/support/metrics_scrape.h"

#include <curl/curl.h>

#include <cstdlib>
#include <sstream>

namespace mc::e2e {
namespace {

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// One exposition line: name{k="v",...} value, or name value. False for comments and blanks.
bool ParseLine(const std::string& line, Sample* out) {
  if (line.empty() || line[0] == '#') return false;
  size_t i = line.find_first_of("{ ");
  if (i == std::string::npos) return false;
  out->name = line.substr(0, i);
  out->labels.clear();
  if (line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      const size_t eq = line.find('=', i);
      if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') return false;
      std::string value;
      size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) ++j;
        value.push_back(line[j]);
      }
      out->labels[line.substr(i, eq - i)] = value;
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
    ++i;
  }
  out->value = std::strtod(line.c_str() + i, nullptr);
  return true;
}

template <typename F>
void ForEachSample(const std::string& text, F f) {
  std::istringstream in(text);
  Sample s;
  for (std::string line; std::getline(in, line);) {
    if (ParseLine(line, &s)) f(s);
  }
}

}  // namespace

std::string Scrape(int port) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return "";
  std::string body;
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  long code = 0;
  const bool ok = curl_easy_perform(curl) == CURLE_OK &&
                  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code == 200;
  curl_easy_cleanup(curl);
  return ok ? body : "";
}

double MetricSum(const std::string& text, const std::string& name,
                 const std::map<std::string, std::string>& labels) {
  double sum = 0;
  ForEachSample(text, [&](const Sample& s) {
    if (s.name != name) return;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) return;
    }
    sum += s.value;
  });
  return sum;
}

bool HasSeries(const std::string& text, const std::string& name,
               const std::map<std::string, std::string>& labels) {
  bool found = false;
  ForEachSample(text, [&](const Sample& s) { found |= s.name == name && s.labels == labels; });
  return found;
}

}  // namespace mc::e2e
