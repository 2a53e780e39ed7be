import Testing
import YAMLConfig

struct YAMLNodeReaderTests {
    @Test func readsTypedValuesAndNamesUnknownKeysWithTheirPosition() throws {
        let reader = try #require(
            try YAMLNodeReader.document("a:\n  wait: 1m30s\n  n: 2.5\n  list: [x, y]\n", file: "f.yml"))
        let entries = try reader.mapping(allowed: ["a"])
        let inner = try entries[0].reader.mapping(allowed: ["wait", "n", "list"])
        #expect(try inner[0].reader.duration() == .seconds(90))
        #expect(try inner[1].reader.number() == 2.5)
        #expect(try inner[2].reader.sequence().map { try $0.string() } == ["x", "y"])
        #expect(
            throws: ConfigError(
                file: "f.yml", line: 2, column: 3, key: "a.wait",
                message: "unknown key (allowed: list, n)")
        ) {
            try entries[0].reader.mapping(allowed: ["n", "list"])
        }
    }

    @Test func syntaxErrorsCarryTheirLine() throws {
        #expect(throws: ConfigError.self) { try YAMLNodeReader.document("a: [1,\n", file: "f.yml") }
        #expect(try YAMLNodeReader.document("", file: "f.yml")?.path == nil)
    }
}
