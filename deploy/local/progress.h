// Progress: a one-line progress bar on stdout ("pushing  [#####.....]  20/40"), redrawn in
// place on a terminal and printed once at the end otherwise. Not thread-safe.
#pragma once

#include <string>

namespace mc::local {

class Progress {
 public:
  Progress(std::string label, int total);
  ~Progress();  // ends the line
  void Step();

 private:
  void Draw(bool final);
  std::string label_;
  int total_, done_ = 0;
  bool tty_;
};

}  // namespace mc::local
