// TestCertificates: a CA of the test's own and certificates it signed, made with the openssl tool
// in a fresh folder under $TMPDIR (removed with the object): ca.crt/ca.key, server.crt/.key for
// 127.0.0.1 and localhost, client.crt/.key (CN operator), and rogue.crt/.key, self-signed by a
// stranger. A failure of openssl stops the test with FAIL. Not thread-safe.
#pragma once

#include <string>

namespace mc::e2e {

class TestCertificates {
 public:
  explicit TestCertificates(const std::string& label);
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  const std::string& dir() const { return dir_; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Read(const std::string& name) const;

 private:
  std::string dir_;
};

}  // namespace mc::e2e
