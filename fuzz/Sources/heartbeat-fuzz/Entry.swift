import Foundation

// libFuzzer's entry points. `main` hands over to libFuzzer's driver, which calls `LLVMFuzzerInitialize` once,
// then `LLVMFuzzerTestOneInput` for every input. The target is chosen by the FUZZ_TARGET environment variable
// (see FuzzTarget.all); FUZZ_TARGET=list prints the names and exits.

/// The target chosen at start-up; written once by `LLVMFuzzerInitialize`, before any input runs.
nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
    if name == "list" {
        print(FuzzTarget.all.map(\.name).joined(separator: "\n"))
        exit(0)
    }
    guard let target = FuzzTarget.all.first(where: { $0.name == name }) else {
        let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
        FileHandle.standardError.write(Data("FUZZ_TARGET must name one of: \(names) (got \"\(name)\")\n".utf8))
        exit(2)
    }
    selected = target
    target.setUp()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    guard let target = selected else { return 0 }
    let bytes = data.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
    target.run(bytes)
    return 0
}

/// libFuzzer's driver (compiler-rt's FuzzerDriver.cpp): parses libFuzzer's flags and runs the fuzzing loop.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

/// The program's entry point. SwiftPM links an executable with `main` defined as `<module>_main`, so the module
/// provides that symbol (instead of libFuzzer's own `main`) and starts libFuzzer's driver from it.
@_cdecl("heartbeat_fuzz_main")
public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { data, size in fuzzerTestOneInput(data, size) }
}
