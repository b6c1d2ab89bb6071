import Testing

/// Every suite that starts ldmd processes, one at a time: each daemon holds guest memory and
/// a migration between two of them wants both cores.
@Suite(.serialized) enum Daemons {}
