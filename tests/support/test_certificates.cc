#include "tests/support/test_certificates.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace mc::e2e {

TestCertificates::TestCertificates(const std::string& label) {
  dir_ = (std::filesystem::temp_directory_path() /
          absl::StrCat("mc-e2e-", label, "-certs-", ::getpid()))
             .string();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::string script = absl::StrCat(
      "set -e; cd '", dir_, "';", "openssl req -x509 ", key,
      " -keyout ca.key -out ca.crt -days 2 -subj /CN=mc-test-ca;",
      "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost' > san.ext;", "openssl req ", key,
      " -keyout server.key -out server.csr -subj /CN=localhost;",
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 ",
      "-extfile san.ext -out server.crt;", "openssl req ", key,
      " -keyout client.key -out client.csr -subj /CN=operator;",
      "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 ",
      "-out client.crt;", "openssl req -x509 ", key,
      " -keyout rogue.key -out rogue.crt -days 2 -subj /CN=rogue;");
  const int rc = std::system(absl::StrCat("bash -c \"", script, "\" >/dev/null 2>&1").c_str());
  if (rc != 0) FAIL("openssl could not make the test certificates");
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string TestCertificates::Read(const std::string& name) const {
  std::ifstream in(Path(name));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace mc::e2e
