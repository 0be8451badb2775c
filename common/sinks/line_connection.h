// LineConnection: buffered line and byte reads plus queued writes on one accepted socket, for
// the loopback sinks. Replies are queued and sent in one write just before the connection would
// block for more input, so a pipelining client gets all the replies to what it sent at once
// (RFC 2920's server side). Reads return false at EOF or on an error; Flush returns false when
// the peer is gone. Not thread-safe: one connection, one thread. Does not own the fd.
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace mc::sinks {

class LineConnection {
 public:
  explicit LineConnection(int fd) : fd_(fd) {}

  // One line ending in "\r\n", returned without it.
  bool ReadLine(std::string* line);
  // Exactly n bytes.
  bool ReadBytes(size_t n, std::string* out);
  // Queues data; it leaves at the next Flush or before the next blocking read.
  void Queue(absl::string_view data) { out_.append(data.data(), data.size()); }
  bool Flush();

 private:
  // Flushes, then reads what the socket has into the input buffer.
  bool Fill();

  int fd_;
  std::string in_;
  size_t pos_ = 0;  // start of what is not consumed yet in in_
  std::string out_;
};

}  // namespace mc::sinks
