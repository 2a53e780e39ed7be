#include "CRE2.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <re2/re2.h>

struct cre2_regex {
    re2::RE2 re2;
    cre2_regex(re2::StringPiece pattern, const re2::RE2::Options &options) : re2(pattern, options) {}
};

static char *copy_bytes(const std::string &text) {
    char *copy = static_cast<char *>(std::malloc(text.size() + 1));
    if (copy == nullptr) return nullptr;
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return copy;
}

extern "C" cre2_compiled cre2_compile(const char *pattern, size_t length) {
    cre2_compiled result = {nullptr, 0, nullptr, 0};
    re2::RE2::Options options;  // UTF-8, Perl classes and \b, case-sensitive, leftmost-first: Go's defaults
    options.set_log_errors(false);
    cre2_regex *regex = nullptr;
    try {
        regex = new cre2_regex(re2::StringPiece(pattern, length), options);
    } catch (...) {  // out of memory: no exception may cross into Swift
        result.error_code = re2::RE2::ErrorPatternTooLarge;
        return result;
    }
    if (!regex->re2.ok()) {
        result.error_code = regex->re2.error_code();
        const std::string &argument = regex->re2.error_arg();
        result.error_argument = copy_bytes(argument);
        result.error_argument_length = result.error_argument == nullptr ? 0 : argument.size();
        delete regex;
        return result;
    }
    result.regex = regex;
    return result;
}

extern "C" void cre2_free_text(char *text) { std::free(text); }

extern "C" void cre2_free(cre2_regex *regex) { delete regex; }

// An empty Swift string may come without storage; RE2 tells a group that did not take part by a NULL start.
static const char *nonnull(const char *text) { return text == nullptr ? "" : text; }

extern "C" int cre2_matches(const cre2_regex *regex, const char *text, size_t length) {
    text = nonnull(text);
    return regex->re2.Match(re2::StringPiece(text, length), 0, length, re2::RE2::UNANCHORED, nullptr, 0);
}

extern "C" int cre2_group_count(const cre2_regex *regex) { return regex->re2.NumberOfCapturingGroups(); }

extern "C" const char *cre2_group_name(const cre2_regex *regex, int index, size_t *length) {
    const std::map<int, std::string> &names = regex->re2.CapturingGroupNames();
    auto found = names.find(index);
    if (found == names.end()) return nullptr;
    *length = found->second.size();
    return found->second.data();
}

extern "C" int cre2_match_groups(const cre2_regex *regex, const char *text, size_t length, long *offsets,
                                 int offset_count) {
    text = nonnull(text);
    int groups = offset_count / 2;
    if (groups < 1) return 0;
    std::vector<re2::StringPiece> pieces(groups);
    if (!regex->re2.Match(re2::StringPiece(text, length), 0, length, re2::RE2::UNANCHORED, pieces.data(), groups)) {
        return 0;
    }
    for (int group = 0; group < groups; group++) {
        if (pieces[group].data() == nullptr) {
            offsets[2 * group] = -1;
            offsets[2 * group + 1] = -1;
        } else {
            offsets[2 * group] = pieces[group].data() - text;
            offsets[2 * group + 1] = offsets[2 * group] + static_cast<long>(pieces[group].size());
        }
    }
    return 1;
}
