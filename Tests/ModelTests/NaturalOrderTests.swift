import Model
import Testing

/// Names in natural order, as the status page sorts them: numbers by value, so `worker-9` comes before `worker-10`.
struct NaturalOrderTests {
    @Test func numbersInNamesCompareByValue() {
        let names = ["worker-10", "worker-9", "agent-2", "worker-100", "agent-10", "worker-1", "agent-1b", "agent-1a"]
        #expect(
            NaturalOrder.sorted(names) == [
                "agent-1a", "agent-1b", "agent-2", "agent-10", "worker-1", "worker-9", "worker-10", "worker-100",
            ])
    }

    @Test func aPrefixComesFirstAndLeadingZerosStillGiveATotalOrder() {
        #expect(NaturalOrder.sorted(["a1b", "a1", "a", "b"]) == ["a", "a1", "a1b", "b"])
        #expect(NaturalOrder.sorted(["a1", "a01", "a001"]) == ["a001", "a01", "a1"])
        #expect(NaturalOrder.sorted(["x-18446744073709551616", "x-2"]) == ["x-2", "x-18446744073709551616"])
        #expect(!NaturalOrder.precedes("same", "same"))
    }
}
