#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// CPU time of the whole process, every thread counted: what work spread over the pool's
/// threads (the digest's stripes, the page channels) cost, where the wall clock says only how
/// long the caller waited for it.
public enum ProcessCPU {
  /// User and system CPU seconds of the process so far.
  public static func seconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
      getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
      getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }
}
