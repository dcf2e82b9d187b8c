/* fuzz.h: the one entry point every fuzz target defines (libFuzzer's). The
 * same target links either with libFuzzer (meson -Dfuzz=true, clang) or with
 * replay.c, which runs it over a corpus as a regression test. */
#ifndef DD_FUZZ_H
#define DD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
