extension HTTPRequest {
    /// The request's form, as Go's `Request.ParseForm` makes it: the pairs of an
    /// `application/x-www-form-urlencoded` body first, then the URL's query parameters.
    ///
    /// Pairs of the body that do not decode are skipped; a body of any other type adds nothing.
    public var formItems: [(name: String, value: String)] {
        bodyFormItems + queryItems
    }

    /// The first value of `name` in ``formItems`` (Go's `Request.FormValue`), nil when absent.
    public func formValue(_ name: String) -> String? {
        formItems.first { $0.name == name }?.value
    }

    /// Every value of `name` in ``formItems``, in order (for repeated parameters such as `match[]`).
    public func formValues(_ name: String) -> [String] {
        formItems.filter { $0.name == name }.map(\.value)
    }

    /// Whether the body is declared form-encoded.
    public var hasFormBody: Bool {
        guard let type = headers["Content-Type"] else { return false }
        let mediaType = type.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.filter { $0 != " " && $0 != "\t" }.lowercased() == "application/x-www-form-urlencoded"
    }

    private var bodyFormItems: [(name: String, value: String)] {
        guard hasFormBody, !body.isEmpty else { return [] }
        let text = String(decoding: body, as: UTF8.self)
        var items: [(name: String, value: String)] = []
        for component in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = component.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(String(parts[0]), plusAsSpace: true),
                let value = PercentDecoding.decode(parts.count > 1 ? String(parts[1]) : "", plusAsSpace: true)
            else { continue }
            items.append((name, value))
        }
        return items
    }
}
