// Termination signals for servers: block SIGTERM/SIGINT in every thread (call first thing in
// main, before any thread starts), then wait for one synchronously in main. No handler, no
// global flag. Returns the signal number received.
#pragma once

namespace mc::process {

void BlockTerminationSignals();
int WaitForTerminationSignal();

}  // namespace mc::process
