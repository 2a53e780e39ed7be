import Model
import Testing

/// Grouping keys that borrow a sample's labels: equal exactly when the label sets `by` / `without` would build are
/// equal, so that aggregations and vector matching group as before without building a label set per sample.
struct LabelProjectionTests {
    /// Label sets over a few names and values, some with the names a projection names and some without.
    static let sets: [Labels] = {
        var sets: [Labels] = []
        for agent in ["", "a", "b"] {
            for type in ["", "worker"] {
                for le in ["", "0.5", "+Inf"] {
                    for name in ["", "x_bucket", "y_bucket"] {
                        sets.append(Labels(["agent": agent, "agent_type": type, "le": le, "__name__": name]))
                    }
                }
            }
        }
        return sets
    }()

    static let projections: [LabelProjection] = [
        .keeping(["agent", "agent_type"]), .keeping(["le"]), .keeping([]), .removing(["le"]),
        .removing(["le", "__name__"]), .removing([]),
    ]

    @Test(arguments: projections.indices)
    func keysAreEqualAndCompareExactlyAsTheProjectedLabelSetsDoAndThenHashAlike(projection index: Int) {
        let projection = Self.projections[index]
        for left in Self.sets {
            for right in Self.sets {
                let (a, b) = (projection.key(left), projection.key(right))
                let (built, other) = (projection.apply(left), projection.apply(right))
                let same = built == other
                #expect((a == b) == same, "\(left) \(right)")
                if same { #expect(a.hashValue == b.hashValue, "\(left) \(right)") }
                // `compare` orders as `Labels` `<` orders the built sets (the merge of sorted operands needs it).
                let order = built < other ? -1 : other < built ? 1 : 0
                #expect(projection.compare(left, right).signum() == order, "\(left) \(right)")
            }
        }
    }

    @Test func theProjectedLabelsAreWhatKeepingOrRemovingBuilds() {
        let labels = Labels(["__name__": "x_bucket", "agent": "a", "le": "0.5"])
        #expect(LabelProjection.keeping(["agent"]).key(labels).projected == Labels(["agent": "a"]))
        #expect(
            LabelProjection.removing(["le"]).key(labels).projected == Labels(["__name__": "x_bucket", "agent": "a"]))
        // Nothing to drop: the same label set comes back.
        #expect(labels.removing(["host"]) == labels)
        #expect(labels.keeping(["__name__", "agent", "le", "host"]) == labels)
    }
}
