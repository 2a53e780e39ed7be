#if canImport(Glibc)
    import Glibc
#endif

/// The name of an entry `readdir` returned, read in place: a record is only as long as its name, so copying the
/// whole `dirent` (and its 256-byte name field) may read past the end of readdir's buffer.
public func directoryEntryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
    guard let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { return "" }
    return String(cString: UnsafeRawPointer(entry).advanced(by: offset).assumingMemoryBound(to: CChar.self))
}
