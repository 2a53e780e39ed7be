import Model

extension SampleHistory {
    /// What to keep: the series some selector of the loaded rules matches, each as far back as the
    /// furthest-reaching of those selectors reads.
    public struct Retention: Sendable {
        /// One selector's needs.
        public struct Requirement: Sendable {
            /// The selector's matchers (those on `__name__` included or not: only the others are checked).
            public var matchers: [LabelMatcher]
            /// How far back it reads.
            public var window: PrometheusDuration

            /// A requirement for the series `matchers` select, `window` back.
            public init(matchers: [LabelMatcher], window: PrometheusDuration) {
                self.matchers = matchers
                self.window = window
            }
        }

        /// Requirements of selectors naming their metric, by that name.
        public var byName: [String: [Requirement]]
        /// Requirements of selectors naming no metric: they may match any series.
        public var unnamed: [Requirement]

        /// A retention from the requirements of named and unnamed selectors.
        public init(byName: [String: [Requirement]], unnamed: [Requirement] = []) {
            self.byName = byName
            self.unnamed = unnamed
        }

        /// Every series of `metricNames` (every name when nil) kept for `window`.
        public init(metricNames: Set<String>?, window: PrometheusDuration) {
            let all = Requirement(matchers: [], window: window)
            self.init(
                byName: Dictionary(uniqueKeysWithValues: (metricNames ?? []).map { ($0, [all]) }),
                unnamed: metricNames == nil ? [all] : [])
        }

        /// The names kept, or nil when a selector without a name may keep any.
        public var metricNames: Set<String>? { unnamed.isEmpty ? Set(byName.keys) : nil }

        func keeps(_ name: String) -> Bool { !unnamed.isEmpty || byName[name] != nil }

        /// How far back some series of metric `name` are kept (the longest window of the selectors that may
        /// read it), nil when none is. Selectors with label matchers keep only the series they match, so this is
        /// the most any series of `name` is kept.
        public func window(forName name: String) -> PrometheusDuration? {
            let windows = ((byName[name] ?? []) + unnamed).map(\.window)
            return windows.max()
        }

        /// How far back to keep the series `labels`, in milliseconds; nil when no selector reads it.
        func window(for labels: Labels) -> Int64? {
            var window: Int64?
            for requirement in (byName[labels.metricName] ?? []) + unnamed
            where requirement.matchers.allSatisfy({ $0.name == metricNameLabel || $0.matches(labels) }) {
                window = max(window ?? 0, requirement.window.milliseconds)
            }
            return window
        }
    }
}
