// Definitions of include/cicu.h over ICU's C API (see there for why ICU's headers stay in this file).
#include "cicu.h"

#include <unicode/utypes.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>

// UChar is a 16-bit code unit in C; the header promises uint16_t.
_Static_assert(sizeof(UChar) == sizeof(uint16_t), "UChar must be 16 bits");

#define BI(p) ((UBreakIterator *)(p))

const char *cicu_error_name(int32_t status) { return u_errorName((UErrorCode)status); }

// MARK: Word break iterator over UTF-8 text

cicu_break *cicu_word_break_open(const char *locale, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, locale, NULL, 0, &s);
    *status = (int32_t)s;
    return (cicu_break *)bi;
}

cicu_break *cicu_break_clone(const cicu_break *bi, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    UBreakIterator *copy = ubrk_clone((const UBreakIterator *)bi, &s);
    *status = (int32_t)s;
    return (cicu_break *)copy;
}

void cicu_break_close(cicu_break *bi) { ubrk_close(BI(bi)); }

cicu_text *cicu_text_open_utf8(cicu_text *ut, const char *text, int64_t length, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    UText *result = utext_openUTF8((UText *)ut, text, length, &s);
    *status = (int32_t)s;
    return (cicu_text *)result;
}

void cicu_text_close(cicu_text *ut) { utext_close((UText *)ut); }

void cicu_break_set_text(cicu_break *bi, cicu_text *ut, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    ubrk_setUText(BI(bi), (UText *)ut, &s);
    *status = (int32_t)s;
}

int32_t cicu_break_first(cicu_break *bi) { return ubrk_first(BI(bi)); }

int32_t cicu_break_next(cicu_break *bi) { return ubrk_next(BI(bi)); }

int32_t cicu_break_rule_status(cicu_break *bi) { return ubrk_getRuleStatus(BI(bi)); }

// MARK: Normalization (UTF-16)

const cicu_normalizer *cicu_nfc_instance(int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFCInstance(&s);
    *status = (int32_t)s;
    return (const cicu_normalizer *)n;
}

const cicu_normalizer *cicu_nfkc_instance(int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFKCInstance(&s);
    *status = (int32_t)s;
    return (const cicu_normalizer *)n;
}

int32_t cicu_normalized_prefix_length(const cicu_normalizer *n, const uint16_t *text, int32_t length,
                                      int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t span = unorm2_spanQuickCheckYes((const UNormalizer2 *)n, (const UChar *)text, length, &s);
    *status = (int32_t)s;
    return span;
}

int32_t cicu_normalize(const cicu_normalizer *n, const uint16_t *text, int32_t length,
                       uint16_t *dest, int32_t capacity, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t written = unorm2_normalize((const UNormalizer2 *)n, (const UChar *)text, length, (UChar *)dest,
                                       capacity, &s);
    *status = (int32_t)s;
    return written;
}

// MARK: UTF-8 <-> UTF-16

int32_t cicu_utf16_from_utf8(uint16_t *dest, int32_t capacity, const char *text, int32_t length, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t needed = 0;
    u_strFromUTF8((UChar *)dest, capacity, &needed, text, length, &s);
    *status = (int32_t)s;
    return needed;
}

int32_t cicu_utf8_from_utf16(char *dest, int32_t capacity, const uint16_t *text, int32_t length, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t needed = 0;
    u_strToUTF8(dest, capacity, &needed, (const UChar *)text, length, &s);
    *status = (int32_t)s;
    return needed;
}

// MARK: Case mapping (UTF-8)

cicu_case_map *cicu_case_map_open(const char *locale, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    UCaseMap *map = ucasemap_open(locale, 0, &s);
    *status = (int32_t)s;
    return (cicu_case_map *)map;
}

void cicu_case_map_close(cicu_case_map *map) { ucasemap_close((UCaseMap *)map); }

int32_t cicu_utf8_to_lower(const cicu_case_map *map, char *dest, int32_t capacity, const char *text,
                           int32_t length, int32_t *status) {
    UErrorCode s = U_ZERO_ERROR;
    int32_t needed = ucasemap_utf8ToLower((const UCaseMap *)map, dest, capacity, text, length, &s);
    *status = (int32_t)s;
    return needed;
}

// MARK: Character properties

int cicu_is_white_space(int32_t c) { return u_isUWhiteSpace((UChar32)c) ? 1 : 0; }
