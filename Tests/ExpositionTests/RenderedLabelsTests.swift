import Exposition
import Testing

struct RenderedLabelsTests {
    @Test func keepsTheGivenOrderAndEscapesValuesOnce() {
        let labels = RenderedLabels([("z", "1"), ("a", #"back\slash "quote" new"# + "\nline")])
        #expect(labels.text == #"z="1",a="back\\slash \"quote\" new\nline""#)
        #expect(!labels.isEmpty)
    }

    @Test func emptyHasNoBytes() {
        #expect(RenderedLabels.empty.isEmpty)
        #expect(RenderedLabels([]).isEmpty)
        #expect(RenderedLabels([]) == .empty)
    }

    @Test func appendingAddsALabelLast() {
        #expect(RenderedLabels.empty.appending(name: "a", value: "x").text == #"a="x""#)
        #expect(RenderedLabels([("a", "x")]).appending(name: "b", value: "\"").text == #"a="x",b="\"""#)
    }

    @Test func equalLabelSetsHashAlike() {
        let set: Set = [RenderedLabels([("a", "1")]), RenderedLabels([("a", "1")]), RenderedLabels([("a", "2")])]
        #expect(set.count == 2)
    }
}
