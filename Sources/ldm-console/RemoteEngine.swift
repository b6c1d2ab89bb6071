import Console
import Daemon
import DequeModule
import Engine
import LdmCommands
import Migration

/// The console's engine when it watches daemons: a control link to each host's ldmd, their
/// views merged into one picture of the datacenter. Commands go to the daemon of the host they
/// act on; what does not apply on the wall clock (speed, pause, step, injected faults) is
/// answered here, and the console says so.
final class RemoteEngine: EngineConnection {
  let links: [DaemonLink]
  private var views: [String: DatacenterSnapshot] = [:]
  private var events: Deque<MigrationEvent> = []
  private var answers: [EngineReport] = []

  init(links: [DaemonLink]) {
    self.links = links
  }

  func start() { for link in links { link.start() } }
  func stop() { for link in links { link.stop() } }

  func send(_ command: EngineCommand) {
    switch command {
    case .ldm(_, let host, let ticket, _, _), .cancel(_, let host, let ticket):
      route(command, to: host, ticket: ticket)
    case .migrate(let request, let ticket):
      route(command, to: request.sourceHost, ticket: ticket)
    case .fault(_, _, _, let ticket):
      answers.append(
        .refused(
          ticket: ticket,
          lines: ["Faults are injected in the simulation only: against daemons, break the link"]))
    case .setSpeed, .setPaused, .pauseAtNextPhase, .shutdown:
      break
    }
  }

  private func route(_ command: EngineCommand, to host: String, ticket: Int) {
    guard let link = links.first(where: { $0.host == host }) else {
      answers.append(
        .refused(ticket: ticket, lines: ["ldm-console: no daemon is attached for host \(host)"]))
      return
    }
    link.send(command)
  }

  func poll() -> (snapshot: LiveSnapshot?, reports: [EngineReport]) {
    var reports = answers
    answers = []
    var fresh: [MigrationEvent] = []
    var unreachable: [String: String] = [:]
    for link in links {
      let view = link.poll()
      if let snapshot = view.snapshot { views[link.host] = snapshot }
      fresh += view.events
      reports += view.reports
      switch view.status {
      case .connected: break
      case .connecting:
        if views[link.host] == nil {
          unreachable[link.host] =
            "connecting to ldmd at \(link.address.host):\(link.address.port)"
        }
      case .lost(let reason): unreachable[link.host] = "ldmd unreachable, reconnecting: \(reason)"
      }
    }
    // What came in one poll from both daemons, in the order it happened.
    events.append(
      contentsOf: fresh.enumerated().sorted {
        ($0.element.time, $0.offset) < ($1.element.time, $1.offset)
      }.map(\.element))
    while events.count > EngineState.eventsShown { events.removeFirst() }
    let datacenter = DatacenterSnapshot.merged(views, order: links.map(\.host))
    let live = LiveSnapshot(
      datacenter: datacenter, speed: 1, isPaused: false, isStepping: false,
      // Not Array(_:) of an empty Deque: see DaemonLink.poll().
      events: events.isEmpty ? [] : Array(events), clock: .wallClock, unreachable: unreachable)
    return (live, reports)
  }
}
