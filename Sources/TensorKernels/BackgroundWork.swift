import Foundation

/// Work running on a thread of its own, and its value, which `wait()` waits for (any number of times,
/// from any thread). Start-up uses it to load weights and generate kernels while the files are read.
public final class BackgroundWork<Value>: @unchecked Sendable {  // `value` is written once, before `done` is signalled
    private let done = DispatchSemaphore(value: 0)
    private var value: Value?

    public init(_ work: @escaping @Sendable () -> Value) {
        Thread.detachNewThread { [self] in
            value = work()
            done.signal()
        }
    }

    public func wait() -> Value {
        done.wait()
        done.signal()  // the next wait returns at once
        guard let value else { preconditionFailure("BackgroundWork signalled without a value") }
        return value
    }
}
