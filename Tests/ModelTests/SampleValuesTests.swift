import Model
import Testing

/// Stale markers are found in every form storage holds values in, and a NaN that is not the marker is not one:
/// a range function must not read a stale marker as a sample, nor drop a real NaN.
struct SampleValuesTests {
    @Test func aStaleMarkerIsFoundInEveryFormAndOnlyThere() {
        let wide = SampleValues([1, 2, staleMarker, 4][...])
        #expect(wide.containsStaleMarker)
        #expect(!wide[0..<2].containsStaleMarker, "a view before the marker")
        #expect(!SampleValues([1, .nan, 3][...]).containsStaleMarker, "a NaN that is not the marker")

        let narrow = SampleValues(narrow: [1, 2, NarrowValue.staleMarker][...])
        #expect(narrow.containsStaleMarker)
        #expect(isStaleMarker(narrow[2]), "the narrow marker reads as the marker")
        #expect(!narrow[0..<2].containsStaleMarker)
        #expect(!SampleValues(narrow: [1, .nan][...]).containsStaleMarker)

        #expect(SampleValues(repeating: staleMarker, indices: 3..<5).containsStaleMarker)
        #expect(!SampleValues(repeating: staleMarker, indices: 3..<3).containsStaleMarker, "no value at all")
        #expect(!SampleValues(repeating: .nan, indices: 0..<4).containsStaleMarker)
    }
}
