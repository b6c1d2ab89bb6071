import TestSupport
import Testing

/// Every suite that starts ldmd processes on loopback, one at a time: each daemon holds guest memory and
/// a migration between two of them wants both cores. On threads of their own
/// (``OwnThreads``), so that they run from the start beside the parallel tests instead of
/// after them. (The end-to-end chain waits in the pool: it watches a console's screen for
/// states a small domain passes through within a second, which both cores taken by the
/// parallel tests and a migration between daemons can outlast.)
@Suite(.serialized, .ownThreads) enum Daemons {}
