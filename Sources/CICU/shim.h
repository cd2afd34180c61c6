// ICU's C API behind static inline wrappers with plain names: ICU's headers rename its functions to
// versioned symbols (ubrk_open_72), so calling them here lets the preprocessor do the renaming and
// keeps every ICU version number out of Swift (PLATFORM.md).
//
// Every wrapper reports ICU's status as a plain int32_t (0 or below: success; above 0: failure), so
// Swift never sees ICU's `UErrorCode` type, which clashes with Foundation's private copy of ICU.
// Only the Swift target `Tokenization` imports this module.
#ifndef CICU_SHIM_H
#define CICU_SHIM_H

#include <stdint.h>
#include <unicode/utypes.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>

// MARK: Status

/// ICU's symbolic name for a status code, e.g. "U_BUFFER_OVERFLOW_ERROR".
static inline const char *cicu_error_name(int32_t status) {
    return u_errorName((UErrorCode)status);
}

// MARK: Word break iterator over UTF-8 text

/// A word break iterator (UBRK_WORD) for `locale` ("" is the root locale).
static inline UBreakIterator *cicu_word_break_open(const char *locale, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, locale, NULL, 0, &s);
    *status = (int32_t)s;
    return bi;
}

/// An independent copy of `bi` for another thread.
static inline UBreakIterator *cicu_break_clone(const UBreakIterator *bi, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    UBreakIterator *copy = ubrk_clone(bi, &s);
    *status = (int32_t)s;
    return copy;
}

static inline void cicu_break_close(UBreakIterator *bi) { ubrk_close(bi); }

/// Opens (or, when `ut` is not NULL, reuses) a UText over `length` bytes of UTF-8 at `text`.
/// Native indices of such a UText are UTF-8 byte offsets.
static inline UText *cicu_text_open_utf8(UText *ut, const char *text, int64_t length, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    UText *result = utext_openUTF8(ut, text, length, &s);
    *status = (int32_t)s;
    return result;
}

static inline void cicu_text_close(UText *ut) { utext_close(ut); }

static inline void cicu_break_set_text(UBreakIterator *bi, UText *ut, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    ubrk_setUText(bi, ut, &s);
    *status = (int32_t)s;
}

static inline int32_t cicu_break_first(UBreakIterator *bi) { return ubrk_first(bi); }

/// The next boundary, or -1 (UBRK_DONE) at the end.
static inline int32_t cicu_break_next(UBreakIterator *bi) { return ubrk_next(bi); }

/// The rule status of the segment that ends at the current boundary: 0–99 none (spaces,
/// punctuation, symbols), 100–199 number, 200–299 letter, 300–399 kana, 400–499 ideograph.
static inline int32_t cicu_break_rule_status(UBreakIterator *bi) { return ubrk_getRuleStatus(bi); }

// MARK: Normalization (UTF-16)

static inline const UNormalizer2 *cicu_nfc_instance(int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFCInstance(&s);
    *status = (int32_t)s;
    return n;
}

static inline const UNormalizer2 *cicu_nfkc_instance(int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFKCInstance(&s);
    *status = (int32_t)s;
    return n;
}

/// Length of the prefix of `text` that is certainly normalized (quick check "yes").
static inline int32_t cicu_normalized_prefix_length(const UNormalizer2 *n, const UChar *text, int32_t length,
                                                    int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t span = unorm2_spanQuickCheckYes(n, text, length, &s);
    *status = (int32_t)s;
    return span;
}

/// Normalizes `length` UTF-16 units into `dest`; returns the needed length (retry when it exceeds `capacity`).
static inline int32_t cicu_normalize(const UNormalizer2 *n, const UChar *text, int32_t length,
                                     UChar *dest, int32_t capacity, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t written = unorm2_normalize(n, text, length, dest, capacity, &s);
    *status = (int32_t)s;
    return written;
}

// MARK: UTF-8 <-> UTF-16

/// Converts UTF-8 to UTF-16; returns the needed length in UTF-16 units.
static inline int32_t cicu_utf16_from_utf8(UChar *dest, int32_t capacity, const char *text, int32_t length,
                                           int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t needed = 0;
    u_strFromUTF8(dest, capacity, &needed, text, length, &s);
    *status = (int32_t)s;
    return needed;
}

/// Converts UTF-16 to UTF-8; returns the needed length in bytes.
static inline int32_t cicu_utf8_from_utf16(char *dest, int32_t capacity, const UChar *text, int32_t length,
                                           int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t needed = 0;
    u_strToUTF8(dest, capacity, &needed, text, length, &s);
    *status = (int32_t)s;
    return needed;
}

// MARK: Case mapping (UTF-8)

static inline UCaseMap *cicu_case_map_open(const char *locale, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    UCaseMap *map = ucasemap_open(locale, 0, &s);
    *status = (int32_t)s;
    return map;
}

static inline void cicu_case_map_close(UCaseMap *map) { ucasemap_close(map); }

/// Lowercases UTF-8 with the map's locale; returns the needed length in bytes.
static inline int32_t cicu_utf8_to_lower(const UCaseMap *map, char *dest, int32_t capacity, const char *text,
                                         int32_t length, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t needed = ucasemap_utf8ToLower(map, dest, capacity, text, length, &s);
    *status = (int32_t)s;
    return needed;
}

// MARK: Character properties

/// Unicode's White_Space property.
static inline int cicu_is_white_space(int32_t c) { return u_isUWhiteSpace((UChar32)c) ? 1 : 0; }

#endif
