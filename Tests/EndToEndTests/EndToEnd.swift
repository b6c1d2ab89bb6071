import TestSupport
import Testing

/// Every end-to-end suite, one at a time while the rest of the tests run in parallel: each
/// drives the real binary in its own tmux server and polls a screen that a CPU taken by
/// another console would only slow down. On threads of their own (``OwnThreads``), so that
/// they run from the start beside the parallel tests instead of after them.
@Suite(.serialized, .ownThreads) enum EndToEnd {}
