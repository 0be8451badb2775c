#include "deploy/local/progress.h"

#include <unistd.h>

#include <cstdio>
#include <utility>

namespace mc::local {

Progress::Progress(std::string label, int total)
    : label_(std::move(label)), total_(total), tty_(isatty(fileno(stdout))) {
  Draw(false);
}

Progress::~Progress() { Draw(true); }

void Progress::Step() {
  ++done_;
  Draw(false);
}

void Progress::Set(int done, std::string note) {
  if (done == done_ && note == note_) return;
  done_ = done;
  note_ = std::move(note);
  Draw(false);
}

void Progress::Draw(bool final) {
  if (!tty_ && !final) return;
  constexpr int kWidth = 30;
  const int filled = total_ > 0 ? done_ * kWidth / total_ : kWidth;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  std::printf("\r%-11s [%s] %d/%d%s%s", label_.c_str(), bar.c_str(), done_, total_,
              note_.empty() ? "" : " ", note_.c_str());
  if (final) std::printf("\n");
  std::fflush(stdout);
}

}  // namespace mc::local
