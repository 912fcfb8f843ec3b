// Streaming im2col, the synthesizable top of spec Part 2, Task 2.
//
// A DATAFLOW region of three processes joined by streams of AXI words:
//
//   read_input --input words--> window --output words--> write_output
//
// - read_input reads the whole input (C x M x N bytes, contiguous) as one burst train.
// - window, per channel: the channel's padded image (M + 2 rows of N + 2 bytes, pad value on
//   the border) is kept as KN shifted copies, copy kc holding columns kc .. kc + ON - 1 of
//   every padded row (pitch ON = N + 3 - KN). Output row (c, kr, kc) is then one contiguous
//   run of copy kc, from padded row kr on: OM * ON bytes, read a word's worth per cycle
//   (the copies are banked by the word width). PadRows writes the top and bottom pad rows,
//   FillRows writes the padded input rows (a word's worth of bytes per cycle, taken from the
//   input words in order), EmitRows packs the output bytes into words in address order.
// - write_output writes the words as one burst train.
// The output is written exactly once, whole words in address order (the last word is padded;
// the host buffers are word-padded, as XRT's are). Input bytes are read exactly once.
#include "im2col.hpp"

// Loop labels name loops in HLS reports and in cnnacc hls-estimate; they are never goto targets.
#pragma GCC diagnostic ignored "-Wunused-label"

#include <vector>

namespace {

using cnnacc::stream;
using cnnacc::word_byte;
using cnnacc::word_t;

constexpr int word_bytes = cnnacc::word_bytes;
constexpr int max_k = cnnacc::design::im2col_max_k;
constexpr int image_bytes = (cnnacc::design::im2col_max_src_m + 2) *
                            (cnnacc::design::im2col_max_src_n + 2);

// Bytes in arrival order, taken a word's worth at a time: words go in, runs of up to a word
// come out (a shift register of two words).
struct Unpacker {
    uint8_t bytes[2 * word_bytes] = {};
    uint32_t held = 0;

    // The next `count` (<= word_bytes) bytes into run[0 .. count - 1].
    void take(stream<word_t>& words, uint32_t count, uint8_t run[word_bytes]) {
        if (held < count) {
            const word_t word = words.read();
            for (int b = 0; b < word_bytes; ++b) {
                bytes[held + b] = word_byte(word, b);
            }
            held += word_bytes;
        }
        for (int b = 0; b < word_bytes; ++b) {
            run[b] = bytes[b];
        }
        for (int b = 0; b < word_bytes; ++b) {
            bytes[b] = bytes[b + count];
        }
        held -= count;
    }
};

// Runs of bytes in address order in, whole words out (a shift register of two words).
struct Packer {
    uint8_t bytes[2 * word_bytes] = {};
    uint32_t held = 0;

    // Appends run[0 .. count - 1] and writes a word once one is full (held stays below a
    // word); with last, then also writes what is held (the last word of the output; its tail
    // is padding).
    void put(const uint8_t run[word_bytes], uint32_t count, bool last, stream<word_t>& words) {
        for (int b = 0; b < word_bytes; ++b) {
            if (static_cast<uint32_t>(b) < count) {
                bytes[held + b] = run[b];
            }
        }
        held += count;
        if (held >= static_cast<uint32_t>(word_bytes)) {
            write_word(words);
            for (int b = 0; b < word_bytes; ++b) {
                bytes[b] = bytes[b + word_bytes];
            }
            held -= word_bytes;
        }
        if (last && held > 0) {
            write_word(words);
            held = 0;
        }
    }
    void write_word(stream<word_t>& words) const {
        word_t word;
        for (int b = 0; b < word_bytes; ++b) {
            cnnacc::set_word_byte(word, b, static_cast<uint32_t>(b) < held ? bytes[b] : 0);
        }
        words.write(word);
    }
};

// Bytes of the output: C KM KN rows of OM ON bytes.
inline uint64_t im2col_bytes(uint32_t src_m, uint32_t src_n, uint32_t src_c, uint32_t km, uint32_t kn) {
    return uint64_t{src_c} * km * kn * (src_m + 3 - km) * (src_n + 3 - kn);
}

void read_input(const word_t* in, stream<word_t>& in_words, uint32_t src_m, uint32_t src_n, uint32_t src_c) {
    const uint64_t in_words_count = cnnacc::words_for(uint64_t{src_c} * src_m * src_n);
ReadInput:
    for (uint64_t q = 0; q < in_words_count; ++q) {
#pragma HLS PIPELINE II = 1
        in_words.write(in[q]);
    }
}

void window(stream<word_t>& in_words, stream<word_t>& out_words, uint32_t src_m, uint32_t src_n,
            uint32_t src_c, uint32_t km, uint32_t kn, uint8_t pad_value) {
    uint8_t copies[max_k][image_bytes];  // copy kc: padded rows, columns kc .. kc + ON - 1
#pragma HLS ARRAY_PARTITION variable = copies complete dim = 1
    CNNACC_PRAGMA(HLS ARRAY_PARTITION variable = copies cyclic factor = CNNACC_WORD_BYTES dim = 2)
    const uint32_t out_m = src_m + 3 - km, out_n = src_n + 3 - kn;
    const uint32_t padded_n = src_n + 2;
    const uint32_t pad_chunks = (out_n + word_bytes - 1) / word_bytes;
    const uint32_t bottom_base = (src_m + 1) * out_n;  // the bottom pad row's first byte in a copy
    const uint32_t row_chunks = (padded_n + word_bytes - 1) / word_bytes;
    const uint32_t emit_chunks = (out_m * out_n + word_bytes - 1) / word_bytes;
    Unpacker unpacker;
    Packer packer;
#pragma HLS ARRAY_PARTITION variable = unpacker.bytes complete dim = 1
#pragma HLS ARRAY_PARTITION variable = packer.bytes complete dim = 1
Channels:
    for (uint32_t c = 0; c < src_c; ++c) {
        uint32_t fill_row = 0, chunk = 0, kr = 0, kc = 0, emit = 0;
    PadRows:
        for (uint32_t t = 0; t < 2 * pad_chunks; ++t) {
#pragma HLS PIPELINE II = 1
            // the top pad row's chunks, then the bottom one's (no division: the chunk is t or t - pad_chunks)
            const bool bottom = t >= pad_chunks;
            const uint32_t row_base = bottom ? bottom_base : 0;
            const uint32_t col0 = (bottom ? t - pad_chunks : t) * word_bytes;
            for (int k = 0; k < max_k; ++k) {
                for (int b = 0; b < word_bytes; ++b) {
                    if (col0 + b < out_n) {
                        copies[k][row_base + col0 + b] = pad_value;
                    }
                }
            }
        }
    FillRows:
        for (uint32_t t = 0; t < src_m * row_chunks; ++t) {
#pragma HLS PIPELINE II = 1
            // padded columns p0 .. p0 + word_bytes - 1 of padded row row + 1
            const uint32_t p0 = chunk * word_bytes;
            const uint32_t p_end = p0 + word_bytes < padded_n ? p0 + word_bytes : padded_n;
            const uint32_t first = p0 == 0 ? 1 : p0;  // input bytes: padded columns 1 .. N
            const uint32_t last = p_end < src_n + 1 ? p_end : src_n + 1;
            uint8_t run[word_bytes];
#pragma HLS ARRAY_PARTITION variable = run complete dim = 1
            unpacker.take(in_words, last - first, run);
            for (int k = 0; k < max_k; ++k) {
                for (int b = 0; b < word_bytes; ++b) {
                    const uint32_t p = p0 + b;
                    const int64_t ocol = static_cast<int64_t>(p) - k;
                    if (static_cast<uint32_t>(k) < kn && p < p_end && ocol >= 0 && ocol < out_n) {
                        const bool pad = p == 0 || p == src_n + 1;
                        copies[k][(fill_row + 1) * out_n + ocol] = pad ? pad_value : run[p - first];
                    }
                }
            }
            if (++chunk == row_chunks) {
                chunk = 0;
                ++fill_row;
            }
        }
    EmitRows:
        for (uint32_t t = 0; t < km * kn * emit_chunks; ++t) {
#pragma HLS PIPELINE II = 1
            const uint32_t start = emit * word_bytes;
            const uint32_t rest = out_m * out_n - start;
            const uint32_t count = rest < word_bytes ? rest : word_bytes;
            uint8_t run[word_bytes];
#pragma HLS ARRAY_PARTITION variable = run complete dim = 1
            for (int b = 0; b < word_bytes; ++b) {
                run[b] = static_cast<uint32_t>(b) < count ? copies[kc][kr * out_n + start + b] : 0;
            }
            const bool last = c + 1 == src_c && t + 1 == km * kn * emit_chunks;
            packer.put(run, count, last, out_words);
            if (++emit == emit_chunks) {
                emit = 0;
                if (++kc == kn) {
                    kc = 0;
                    ++kr;
                }
            }
        }
    }
}

void write_output(stream<word_t>& out_words, word_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                  uint32_t km, uint32_t kn) {
    const uint64_t out_words_count = cnnacc::words_for(im2col_bytes(src_m, src_n, src_c, km, kn));
WriteOutput:
    for (uint64_t q = 0; q < out_words_count; ++q) {
#pragma HLS PIPELINE II = 1
        out[q] = out_words.read();
    }
}

// The DATAFLOW region: nothing but the streams and the process calls (UG1399, "Dataflow":
// canonical form).
void run(const word_t* in, word_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c, uint32_t km,
         uint32_t kn, uint8_t pad_value) {
#pragma HLS DATAFLOW
    stream<word_t> in_words, out_words;
    CNNACC_PRAGMA(HLS STREAM variable = in_words depth = CNNACC_WORDS_DEPTH)
    CNNACC_PRAGMA(HLS STREAM variable = out_words depth = CNNACC_WORDS_DEPTH)
    read_input(in, in_words, src_m, src_n, src_c);
    window(in_words, out_words, src_m, src_n, src_c, km, kn, pad_value);
    write_output(out_words, out, src_m, src_n, src_c, km, kn);
}

}  // namespace

uint32_t im2col_kernel(const word_t* in, word_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                       uint32_t kernel_size_m, uint32_t kernel_size_n, uint8_t pad_value) {
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = in offset = slave bundle = gmem0
                  max_read_burst_length = AXI_BURST_BEATS num_read_outstanding = AXI_OUTSTANDING
                  latency = AXI_LATENCY)
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = out offset = slave bundle = CNNACC_IM2COL_OUT_BUNDLE
                  max_write_burst_length = AXI_BURST_BEATS num_write_outstanding = AXI_OUTSTANDING
                  latency = AXI_LATENCY)
#pragma HLS INTERFACE s_axilite port = return bundle = control
    // Arguments this build does not compute are refused before any access (the status).
    const cnnacc::Limit limit = cnnacc::im2col_limit(src_m, src_n, src_c, kernel_size_m, kernel_size_n);
    if (limit.status == cnnacc::status_ok) {
        run(in, out, src_m, src_n, src_c, kernel_size_m, kernel_size_n, pad_value);
    }
    return limit.status;
}

#ifndef __SYNTHESIS__
// Host side of the spec's API: word-padded device buffers, as XRT's are.
void im2col_pad(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                uint32_t kernel_size_m, uint32_t kernel_size_n, uint8_t pad_value) {
    cnnacc::refuse_unless_ok("im2col_pad",
                             cnnacc::im2col_limit(src_m, src_n, src_c, kernel_size_m, kernel_size_n));
    const uint64_t in_bytes = uint64_t{src_c} * src_m * src_n;
    const uint64_t out_bytes = im2col_bytes(src_m, src_n, src_c, kernel_size_m, kernel_size_n);
    const std::vector<word_t> in_words = cnnacc::to_device(in, in_bytes, 0);
    std::vector<word_t> out_words(cnnacc::words_for(out_bytes));
    (void)im2col_kernel(in_words.data(), out_words.data(), src_m, src_n, src_c, kernel_size_m,
                  kernel_size_n, pad_value);
    cnnacc::from_device(out_words, out, out_bytes);
}

void im2col(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
            uint32_t kernel_size_m, uint32_t kernel_size_n) {
    cnnacc::refuse_unless_ok("im2col", cnnacc::im2col_limit(src_m, src_n, src_c, kernel_size_m, kernel_size_n));
    im2col_pad(in, out, src_m, src_n, src_c, kernel_size_m, kernel_size_n, 0);
}
#endif  // __SYNTHESIS__
