// The C face of ICU that Swift sees. This header includes no ICU header at all: Foundation carries
// its own private copy of ICU's headers (_FoundationICU), and a Swift module that could see both
// copies fails to compile on the clashing enums (UErrorCode, UProperty, UBlockCode). Every ICU type is
// an opaque pointer here and every status a plain int32_t (0 or below: success; above 0: failure).
//
// The definitions live in cicu.c, which includes ICU's headers and calls the plain names
// (ubrk_open), so the preprocessor maps them to the versioned symbols (ubrk_open_72) and no ICU
// version reaches Swift (PLATFORM.md). Only the Swift target `Tokenization` imports this module.
#ifndef CICU_H
#define CICU_H

#include <stdint.h>

typedef struct cicu_break cicu_break;            // UBreakIterator
typedef struct cicu_text cicu_text;              // UText
typedef struct cicu_normalizer cicu_normalizer;  // UNormalizer2
typedef struct cicu_case_map cicu_case_map;      // UCaseMap

// MARK: Status

/// ICU's symbolic name for a status code, e.g. "U_BUFFER_OVERFLOW_ERROR".
const char *cicu_error_name(int32_t status);

// MARK: Word break iterator over UTF-8 text

/// A word break iterator (UBRK_WORD) for `locale` ("" is the root locale).
cicu_break *cicu_word_break_open(const char *locale, int32_t *status);

/// An independent copy of `bi` for another thread.
cicu_break *cicu_break_clone(const cicu_break *bi, int32_t *status);

void cicu_break_close(cicu_break *bi);

/// Opens (or, when `ut` is not NULL, reuses) a UText over `length` bytes of UTF-8 at `text`.
/// Native indices of such a UText are UTF-8 byte offsets.
cicu_text *cicu_text_open_utf8(cicu_text *ut, const char *text, int64_t length, int32_t *status);

void cicu_text_close(cicu_text *ut);

void cicu_break_set_text(cicu_break *bi, cicu_text *ut, int32_t *status);

int32_t cicu_break_first(cicu_break *bi);

/// The next boundary, or -1 (UBRK_DONE) at the end.
int32_t cicu_break_next(cicu_break *bi);

/// The rule status of the segment that ends at the current boundary: 0–99 none (spaces,
/// punctuation, symbols), 100–199 number, 200–299 letter, 300–399 kana, 400–499 ideograph.
int32_t cicu_break_rule_status(cicu_break *bi);

// MARK: Normalization (UTF-16)

const cicu_normalizer *cicu_nfc_instance(int32_t *status);

const cicu_normalizer *cicu_nfkc_instance(int32_t *status);

/// Length of the prefix of `text` that is certainly normalized (quick check "yes").
int32_t cicu_normalized_prefix_length(const cicu_normalizer *n, const uint16_t *text, int32_t length,
                                      int32_t *status);

/// Normalizes `length` UTF-16 units into `dest`; returns the needed length (retry when it exceeds `capacity`).
int32_t cicu_normalize(const cicu_normalizer *n, const uint16_t *text, int32_t length,
                       uint16_t *dest, int32_t capacity, int32_t *status);

// MARK: UTF-8 <-> UTF-16

/// Converts UTF-8 to UTF-16; returns the needed length in UTF-16 units.
int32_t cicu_utf16_from_utf8(uint16_t *dest, int32_t capacity, const char *text, int32_t length, int32_t *status);

/// Converts UTF-16 to UTF-8; returns the needed length in bytes.
int32_t cicu_utf8_from_utf16(char *dest, int32_t capacity, const uint16_t *text, int32_t length, int32_t *status);

// MARK: Case mapping (UTF-8)

cicu_case_map *cicu_case_map_open(const char *locale, int32_t *status);

void cicu_case_map_close(cicu_case_map *map);

/// Lowercases UTF-8 with the map's locale; returns the needed length in bytes.
int32_t cicu_utf8_to_lower(const cicu_case_map *map, char *dest, int32_t capacity, const char *text,
                           int32_t length, int32_t *status);

// MARK: Character properties

/// Unicode's White_Space property.
int cicu_is_white_space(int32_t c);

#endif
