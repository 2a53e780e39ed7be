#ifndef CRE2_H
#define CRE2_H

// A plain C door to RE2 (https://github.com/google/re2), the linear-time regular expression engine of Go's
// regexp package and thus of Prometheus and Alertmanager. Only Model's AnchoredRegex uses it.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A compiled regular expression; immutable, safe to match from several threads at once.
typedef struct cre2_regex cre2_regex;

/// The outcome of compiling: the regex, or RE2's error code (RE2::ErrorCode, never 0 on failure) with the
/// offending part of the pattern.
typedef struct cre2_compiled {
    cre2_regex *regex;
    int error_code;
    /// The offending text (free it with cre2_free_text); NULL when there is none.
    char *error_argument;
    size_t error_argument_length;
} cre2_compiled;

/// Compiles `length` bytes of UTF-8 at `pattern` with RE2's default (Go-compatible, Perl-like) syntax.
cre2_compiled cre2_compile(const char *pattern, size_t length);

/// Frees the error text of a cre2_compiled; NULL is ignored.
void cre2_free_text(char *text);

/// Frees a regex from cre2_compile; NULL is ignored.
void cre2_free(cre2_regex *regex);

/// Whether the regex matches anywhere in `length` bytes at `text` (Go's MatchString: the pattern's own `^` and
/// `$` anchor it).
int cre2_matches(const cre2_regex *regex, const char *text, size_t length);

/// The number of capturing groups (not counting the whole match).
int cre2_group_count(const cre2_regex *regex);

/// The name of capturing group `index` (1-based), NULL for an unnamed group; valid while the regex lives.
const char *cre2_group_name(const cre2_regex *regex, int index, size_t *length);

/// Finds the leftmost match in `text` and writes, for the whole match and each group, its start and end byte
/// offsets into `offsets` (2 * (cre2_group_count + 1) entries); -1, -1 for a group that did not take part.
/// Returns 0 without a match.
int cre2_match_groups(const cre2_regex *regex, const char *text, size_t length, long *offsets, int offset_count);

#ifdef __cplusplus
}
#endif

#endif
