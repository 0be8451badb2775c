#include "common/sinks/line_connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace mc::sinks {

bool LineConnection::Flush() {
  size_t off = 0;
  while (off < out_.size()) {
    ssize_t n = send(fd_, out_.data() + off, out_.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  out_.clear();
  return true;
}

bool LineConnection::Fill() {
  if (!Flush()) return false;
  in_.erase(0, pos_);  // once per read, not once per line
  pos_ = 0;
  char chunk[65536];
  ssize_t n;
  do {
    n = read(fd_, chunk, sizeof chunk);
  } while (n < 0 && errno == EINTR);
  if (n > 0) in_.append(chunk, static_cast<size_t>(n));
  return n > 0;
}

bool LineConnection::ReadLine(std::string* line) {
  size_t searched = pos_;
  for (;;) {
    size_t eol = in_.find("\r\n", searched);
    if (eol != std::string::npos) {
      line->assign(in_, pos_, eol - pos_);
      pos_ = eol + 2;
      return true;
    }
    // Resume the search where it stopped: a "\r" at the end may be completed by the next read.
    const size_t unread = in_.size() - pos_;
    const size_t resume = unread > 0 ? unread - 1 : 0;
    if (!Fill()) return false;
    searched = pos_ + resume;
  }
}

bool LineConnection::ReadBytes(size_t n, std::string* out) {
  while (in_.size() - pos_ < n) {
    if (!Fill()) return false;
  }
  out->assign(in_, pos_, n);
  pos_ += n;
  return true;
}

}  // namespace mc::sinks
