// Our own kernel with the structure of teo3300/PII-2022-Grazzani-Rogora-Zaffiretti/src-base_func/load_test.c (Vitis HLS 2021.2, top load_test_h): packs a 16-byte key and a 16-byte nonce from two volatile ap_memory byte arrays into four big-endian 64-bit words (four inlined 8-trip byte loops) and writes a constant IV plus the four words into a 5-entry 64-bit ap_memory output.
#include <stdint.h>

typedef uint8_t byte_t;
typedef uint64_t word64_t;

#define KEY_LEN 16
#define NONCE_LEN 16
// 128-bit key, 8-byte rate, 12 / 6 rounds
#define INIT_WORD (((word64_t)(16 * 8) << 56) | ((word64_t)(8 * 8) << 48) | ((word64_t)12 << 40) | ((word64_t)6 << 32))

static inline word64_t pack_be(volatile byte_t *src, word64_t len) {
    word64_t acc = 0;
    for (word64_t b = 0; b < len; ++b) acc |= ((word64_t)src[b] << (56 - 8 * b));
    return acc;
}

static void fill_state(volatile byte_t key[KEY_LEN], volatile byte_t nonce[NONCE_LEN], volatile word64_t st[5]) {
    st[0] = INIT_WORD;
    st[1] = pack_be(key, 8);
    st[2] = pack_be(&key[8], 8);
    st[3] = pack_be(nonce, 8);
    st[4] = pack_be(&nonce[8], 8);
}

void load_test_h(volatile byte_t key[KEY_LEN], volatile byte_t nonce[NONCE_LEN], volatile word64_t st[5]) {
    fill_state(key, nonce, st);
}
