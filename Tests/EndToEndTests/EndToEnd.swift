import Testing

/// Every end-to-end suite, one at a time while the rest of the tests run in parallel: each
/// drives the real binary in its own tmux server and polls a screen that a CPU taken by
/// another console would only slow down.
@Suite(.serialized) enum EndToEnd {}
