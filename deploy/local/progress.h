// Progress: a one-line progress bar on stdout ("pushing  [#####.....]  20/40", then an
// optional note: "webhooks [##########] 40/40 received, signatures valid"), redrawn in place
// on a terminal and printed once at the end otherwise. Not thread-safe.
#pragma once

#include <string>

namespace mc::local {

class Progress {
 public:
  Progress(std::string label, int total);
  ~Progress();  // ends the line
  void Step();
  // Sets the count and the note after it (redrawn only when either changed).
  void Set(int done, std::string note);

 private:
  void Draw(bool final);
  std::string label_, note_;
  int total_, done_ = 0;
  bool tty_;
};

}  // namespace mc::local
