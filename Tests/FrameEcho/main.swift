// A framed echo server and client over the Network module, for tests that need the other end
// of a connection in another process (inside a network namespace, started with
// `ip netns exec`). Not a product: tests drive it through its standard input and output.
//
//   frame-echo serve ADDRESS:PORT (--certs DIR --name HOST | --insecure)
//     Prints `listening on PORT`, echoes every frame, logs failed connections on standard
//     error; exits when its standard input ends (so it never outlives the test).
//   frame-echo call ADDRESS:PORT --expect HOST (--certs DIR --name HOST | --insecure)
//       [--answer-timeout MS]
//     Prints `connected` (or `error: REASON` and exits 1), then sends each line of its
//     standard input as a frame and prints `echo: LINE`, or `no answer within MS ms`.

import Foundation
import NIOCore
import Network
import Synchronization

@main
struct FrameEcho {
  static let limit = FrameLimit(maximumLength: 1 << 20)

  static func main() async {
    var arguments = Array(CommandLine.arguments.dropFirst())
    guard arguments.count >= 2 else { fail("usage: frame-echo serve|call ADDRESS:PORT ...") }
    let mode = arguments.removeFirst()
    let endpoint = arguments.removeFirst()
    guard let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[colon...].dropFirst())
    else { fail("bad ADDRESS:PORT \(endpoint)") }
    let address = String(endpoint[..<colon])
    let options = parse(arguments)
    do {
      switch mode {
      case "serve": try await serve(address: address, port: port, options: options)
      case "call": try await call(address: address, port: port, options: options)
      default: fail("unknown mode \(mode)")
      }
    } catch {
      fail("\(error)")
    }
  }

  static func serve(address: String, port: Int, options: [String: String]) async throws {
    let security: ServerSecurity =
      try options["insecure"] != nil ? .plaintext : .mutualTLS(identity: identity(options))
    let server = try await FrameServer.bind(
      host: address, port: port, security: security, limit: limit,
      log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
    say("listening on \(server.port)")
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        try await server.serve { _, inbound, outbound in
          do {
            for try await frame in inbound {
              try await outbound.write(ByteBuffer(bytes: frame.body))
            }
          } catch {}
        }
      }
      group.addTask {
        for await _ in standardInputLines() {}
        await server.close()
      }
      try await group.next()
      group.cancelAll()
    }
  }

  static func call(address: String, port: Int, options: [String: String]) async throws {
    let security: ClientSecurity =
      try options["insecure"] != nil ? .plaintext : .mutualTLS(identity: identity(options))
    guard let expected = options["expect"] else { fail("call needs --expect HOST") }
    let answerTimeout = Int(options["answer-timeout"] ?? "") ?? 2000
    let channel: FrameChannel
    do {
      channel = try await FrameClient.connect(
        host: address, port: port, expectedName: try HostName(expected), security: security,
        limit: limit, timeout: .seconds(5), log: { _ in })
    } catch {
      fail("\(error)")
    }
    say("connected")
    try await channel.executeThenClose { inbound, outbound in
      let answers = Answers()
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
          do {
            for try await frame in inbound {
              answers.state.withLock {
                $0.lines.append(String(decoding: frame.body, as: UTF8.self))
              }
            }
          } catch {}
          answers.state.withLock { $0.ended = true }
        }
        for await line in standardInputLines() {
          try await outbound.write(ByteBuffer(string: line))
          var answer: String?
          // Polled, so a lost link shows as a bounded wait and not as a hang.
          for _ in 0..<max(1, answerTimeout / 10) {
            let (next, ended) = answers.state.withLock { state -> (String?, Bool) in
              (state.lines.isEmpty ? nil : state.lines.removeFirst(), state.ended)
            }
            answer = next
            if answer != nil || ended { break }
            try await Task.sleep(for: .milliseconds(10))
          }
          say(answer.map { "echo: \($0)" } ?? "no answer within \(answerTimeout) ms")
        }
        group.cancelAll()
      }
    }
  }

  static func identity(_ options: [String: String]) throws -> TLSIdentity {
    guard let folder = options["certs"], let name = options["name"] else {
      fail("give --certs DIR --name HOST, or --insecure")
    }
    return try CertificateFolder(path: folder).loadIdentity(.host(HostName(name)))
  }

  static func parse(_ arguments: [String]) -> [String: String] {
    var options: [String: String] = [:]
    var index = 0
    while index < arguments.count {
      let key = arguments[index].replacingOccurrences(of: "--", with: "")
      if key == "insecure" {
        options[key] = ""
        index += 1
      } else if index + 1 < arguments.count {
        options[key] = arguments[index + 1]
        index += 2
      } else {
        fail("option \(arguments[index]) needs a value")
      }
    }
    return options
  }

  /// Lines of standard input, read on a thread of their own; the stream ends with the input.
  static func standardInputLines() -> AsyncStream<String> {
    AsyncStream { continuation in
      Thread.detachNewThread {
        while let line = readLine() { continuation.yield(line) }
        continuation.finish()
      }
    }
  }

  static func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }

  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("error: \(message)\n").utf8))
    say("error: \(message)")
    exit(1)
  }
}

/// Echoes received and not yet printed, and whether the connection has ended.
final class Answers: Sendable {
  let state = Mutex<(lines: [String], ended: Bool)>(([], false))
}
