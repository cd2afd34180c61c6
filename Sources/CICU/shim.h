// ICU's C API behind static inline wrappers with plain names: ICU's headers rename its functions to
// versioned symbols (ubrk_open_72), so calling them here lets the preprocessor do the renaming and
// keeps every ICU version number out of Swift (PLATFORM.md).
#include <unicode/utypes.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/ucasemap.h>
