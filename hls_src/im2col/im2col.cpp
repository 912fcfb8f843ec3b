// Streaming im2col, the synthesizable top of spec Part 2, Task 2.
//
// A DATAFLOW region of three processes joined by streams of AXI words:
//
//   read_input --input words--> window --output words--> write_output
//
// - read_input reads the whole input (C x M x N bytes, contiguous) as one burst train.
// - window, per channel: the channel's padded image (M + 2 rows of N + 2 bytes, pad value on
//   the border) is kept as KN shifted copies, copy kc holding columns kc .. kc + ON - 1 of
//   every padded row (pitch ON = N + 3 - KN), as AXI words. Output row (c, kr, kc) is then one
//   contiguous run of copy kc, from padded row kr on: OM * ON bytes. A fill walks the padded
//   rows in order, pad rows included, a word's worth of bytes per cycle (taken from the input
//   words in order), and appends each copy's run of them in address order (two word writes a
//   cycle per copy); an emission reads a word's worth of a run per cycle (two word reads, a
//   shift) and packs the output bytes into words in address order. The copies are double
//   buffered: FillRows fills channel 0, then each Overlap beat fills channel c into one buffer
//   while it emits channel c - 1 from the other, and EmitRows emits the last channel.
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

// Runs of bytes in address order in, whole words out (a shift register of two words). Its
// names differ from Unpacker's and Filler's: a fill and an emission share a pipelined beat.
struct Packer {
    uint8_t pack[2 * word_bytes] = {};
    uint32_t packed = 0;

    // Appends part[0 .. count - 1] and writes a word once one is full (packed stays below a word):
    // at most one stream write a beat.
    void put(const uint8_t part[word_bytes], uint32_t count, stream<word_t>& words) {
        for (int b = 0; b < word_bytes; ++b) {
            if (static_cast<uint32_t>(b) < count) {
                pack[packed + b] = part[b];
            }
        }
        packed += count;
        if (packed >= static_cast<uint32_t>(word_bytes)) {
            write_word(words);
            for (int b = 0; b < word_bytes; ++b) {
                pack[b] = pack[b + word_bytes];
            }
            packed -= word_bytes;
        }
    }
    // After the last put: what is packed, as the last word of the output (its tail is padding).
    void flush(stream<word_t>& words) {
        if (packed > 0) {
            write_word(words);
            packed = 0;
        }
    }
    void write_word(stream<word_t>& words) const {
        word_t out;
        for (int b = 0; b < word_bytes; ++b) {
#pragma HLS UNROLL
            cnnacc::set_word_byte(out, b, static_cast<uint32_t>(b) < packed ? pack[b] : 0);
        }
        words.write(out);
    }
};

// Bytes of the output: C KM KN rows of OM ON bytes.
inline uint64_t im2col_bytes(uint32_t src_m, uint32_t src_n, uint32_t src_c, uint32_t km, uint32_t kn) {
    return uint64_t{src_c} * km * kn * (src_m + 3 - km) * (src_n + 3 - kn);
}

void read_input(const word_t* in, stream<word_t>& in_words, uint64_t in_words_count) {
ReadInput:
    for (uint64_t q = 0; q < in_words_count; ++q) {
#pragma HLS PIPELINE II = 1
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = CNNACC_IM2COL_MAX_WORDS)
        in_words.write(in[q]);
    }
}

// The shifted copies of a channel's padded image are kept as AXI words, one RAM word per
// access: copy kc holds columns kc .. kc + ON - 1 of every padded row at pitch ON, contiguous,
// so output row (c, kr, kc) is one run of copy kc from byte kr ON on. An access then reads or
// writes whole words at a run-time word index of an unpartitioned RAM (at most the two ports
// of a dual-port RAM per copy and cycle), and the bytes of a word are picked by a shift in
// registers; a byte array cyclic-partitioned by the word width, indexed at a run-time offset,
// would be muxed over every bank with one port each (UG1399, "Array Partition": an index
// whose bank is not a compile-time value reaches every bank).
constexpr int image_words = image_bytes / word_bytes + 2;  // + the word a run ends in, + one
using Copies = word_t[max_k][image_words];

// The sizes of one channel, fixed for the call.
struct Geometry {
    uint32_t src_m, src_n, km, kn, out_m, out_n, padded_n, row_chunks, emit_chunks;
    uint8_t pad_value;

    Geometry(uint32_t m, uint32_t n, uint32_t kernel_m, uint32_t kernel_n, uint32_t row_words,
             uint32_t emit_words, uint8_t pad)
        : src_m(m), src_n(n), km(kernel_m), kn(kernel_n), out_m(m + 3 - kernel_m), out_n(n + 3 - kernel_n),
          padded_n(n + 2), row_chunks(row_words), emit_chunks(emit_words), pad_value(pad) {}
};

// One beat of a channel's fill: a word's worth of padded row `row`, appended to each copy's
// run in address order. Per copy, the bytes written since its last whole word (two words of
// registers) and the word they go to; pad rows and columns hold the pad value.
struct Filler {
    uint8_t pending[max_k][2 * word_bytes];
    uint32_t held[max_k], next_word[max_k];
    uint32_t row = 0, chunk = 0;

    void start() {
        row = 0;
        chunk = 0;
        for (int k = 0; k < max_k; ++k) {
#pragma HLS UNROLL
            held[k] = 0;
            next_word[k] = 0;
        }
    }

    void beat(const Geometry& g, Unpacker& unpacker, stream<word_t>& in_words, Copies& copies) {
        // padded columns p0 .. p_end - 1 of padded row `row`; rows 0 and M + 1 are pad rows
        const uint32_t p0 = chunk * word_bytes;
        const uint32_t p_end = p0 + word_bytes < g.padded_n ? p0 + word_bytes : g.padded_n;
        const bool pad_row = row == 0 || row == g.src_m + 1;
        const uint32_t first = p0 == 0 ? 1 : p0;  // input bytes: padded columns 1 .. N
        const uint32_t last = p_end < g.src_n + 1 ? p_end : g.src_n + 1;
        uint8_t run[word_bytes];
#pragma HLS ARRAY_PARTITION variable = run complete dim = 1
        if (!pad_row) {
            unpacker.take(in_words, last - first, run);
        }
        uint8_t padded[word_bytes];  // padded columns p0 .. p0 + word_bytes - 1
#pragma HLS ARRAY_PARTITION variable = padded complete dim = 1
        for (int b = 0; b < word_bytes; ++b) {
            const uint32_t p = p0 + b;
            const bool pad = pad_row || p == 0 || p >= g.src_n + 1;
            padded[b] = pad ? g.pad_value : run[p - first];
        }
        // copy k takes padded columns k .. k + ON - 1: a run of this chunk, in address order
        for (int k = 0; k < max_k; ++k) {
            const uint32_t lo = p0 > static_cast<uint32_t>(k) ? p0 : static_cast<uint32_t>(k);
            const uint32_t hi = p_end < k + g.out_n ? p_end : k + g.out_n;
            const uint32_t count = static_cast<uint32_t>(k) < g.kn && hi > lo ? hi - lo : 0;
            for (int b = 0; b < word_bytes; ++b) {
                if (static_cast<uint32_t>(b) < count) {
                    pending[k][held[k] + b] = padded[lo - p0 + b];
                }
            }
            word_t whole, rest;
            for (int b = 0; b < word_bytes; ++b) {
                cnnacc::set_word_byte(whole, b, pending[k][b]);
                cnnacc::set_word_byte(rest, b, pending[k][word_bytes + b]);
            }
            // both words every beat (two writes, the two ports): the second is written
            // again, fuller, by a later beat
            copies[k][next_word[k]] = whole;
            copies[k][next_word[k] + 1] = rest;
            held[k] += count;
            if (held[k] >= static_cast<uint32_t>(word_bytes)) {
                for (int b = 0; b < word_bytes; ++b) {
                    pending[k][b] = pending[k][word_bytes + b];
                }
                held[k] -= word_bytes;
                ++next_word[k];
            }
        }
        if (++chunk == g.row_chunks) {
            chunk = 0;
            ++row;
        }
    }
};

// One beat of a channel's emission: a word's worth of output row (kr, kc), a run of copy kc
// read as two words and shifted, into the packer.
struct Emitter {
    uint32_t kr = 0, kc = 0, emit = 0;
    uint32_t emit_base = 0;  // kr ON: the run of output row (c, kr, kc) in copy kc

    void start() {
        kr = 0;
        kc = 0;
        emit = 0;
        emit_base = 0;
    }

    void beat(const Geometry& g, const Copies& copies, Packer& packer, stream<word_t>& out_words) {
        const uint32_t start = emit * word_bytes;
        const uint32_t left = g.out_m * g.out_n - start;
        const uint32_t n = left < word_bytes ? left : word_bytes;
        // bytes emit_base + start .. + word_bytes - 1 of copy kc: two words, shifted
        const uint32_t address = emit_base + start;
        const uint32_t at = address / word_bytes, offset = address % word_bytes;
        const word_t low = copies[kc][at];
        const word_t high = copies[kc][at + 1];
        uint8_t pair[2 * word_bytes];
#pragma HLS ARRAY_PARTITION variable = pair complete dim = 1
        for (int b = 0; b < word_bytes; ++b) {
            pair[b] = cnnacc::word_byte(low, b);
            pair[word_bytes + b] = cnnacc::word_byte(high, b);
        }
        uint8_t slice[word_bytes];
#pragma HLS ARRAY_PARTITION variable = slice complete dim = 1
        for (int b = 0; b < word_bytes; ++b) {
            slice[b] = static_cast<uint32_t>(b) < n ? pair[offset + b] : uint8_t{0};
        }
        packer.put(slice, n, out_words);
        if (++emit == g.emit_chunks) {
            emit = 0;
            if (++kc == g.kn) {
                kc = 0;
                ++kr;
                emit_base += g.out_n;
            }
        }
    }
};

// The first channel's copies, filled alone.
void fill_rows(const Geometry& g, uint32_t fill_beats, Filler& filler, Unpacker& unpacker, stream<word_t>& in_words,
               Copies& copies) {
#pragma HLS INLINE
    filler.start();
FillRows:
    for (uint32_t t = 0; t < fill_beats; ++t) {
#pragma HLS PIPELINE II = 1
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 3 max = CNNACC_IM2COL_MAX_FILL_BEATS)
        filler.beat(g, unpacker, in_words, copies);
    }
}

// Channel c's copies filled into one buffer while channel c - 1's rows are emitted from the
// other (ping-pong): the two buffers are separate arrays, each written or read on its own two
// ports in a beat, so no access waits on another.
void overlap_rows(const Geometry& g, uint32_t fill_beats, uint32_t emit_beats, Filler& filler, Unpacker& unpacker,
                  stream<word_t>& in_words, Copies& fill_into, Emitter& emitter, const Copies& emit_from, Packer& packer,
                  stream<word_t>& out_words) {
#pragma HLS INLINE
    filler.start();
    emitter.start();
    const uint32_t beats = fill_beats > emit_beats ? fill_beats : emit_beats;
Overlap:
    for (uint32_t t = 0; t < beats; ++t) {
#pragma HLS PIPELINE II = 1
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 3 max = CNNACC_IM2COL_MAX_EMIT_BEATS)
        if (t < fill_beats) {
            filler.beat(g, unpacker, in_words, fill_into);
        }
        if (t < emit_beats) {
            emitter.beat(g, emit_from, packer, out_words);
        }
    }
}

// The last channel's rows, emitted alone; then the packer writes the last (padded) word.
void emit_rows(const Geometry& g, uint32_t emit_beats, Emitter& emitter, const Copies& copies, Packer& packer,
               stream<word_t>& out_words) {
#pragma HLS INLINE
    emitter.start();
EmitRows:
    for (uint32_t t = 0; t < emit_beats; ++t) {
#pragma HLS PIPELINE II = 1
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = CNNACC_IM2COL_MAX_EMIT_BEATS)
        emitter.beat(g, copies, packer, out_words);
    }
    packer.flush(out_words);
}

void window(stream<word_t>& in_words, stream<word_t>& out_words, uint32_t src_m, uint32_t src_n,
            uint32_t src_c, uint32_t km, uint32_t kn, uint8_t pad_value) {
    Copies ping, pong;
#pragma HLS ARRAY_PARTITION variable = ping complete dim = 1
#pragma HLS ARRAY_PARTITION variable = pong complete dim = 1
// true dual-port: a fill writes two words a cycle (UG1399 "pragma HLS bind_storage": ram_t2p
// reads or writes on both ports; ram_2p writes on one)
#pragma HLS BIND_STORAGE variable = ping type = ram_t2p
#pragma HLS BIND_STORAGE variable = pong type = ram_t2p
    // words a padded row spans, and words of one output row (c, kr, kc)
    const uint32_t row_chunks = (src_n + 2 + word_bytes - 1) / word_bytes;
    const uint32_t emit_chunks = ((src_m + 3 - km) * (src_n + 3 - kn) + word_bytes - 1) / word_bytes;
    const Geometry g(src_m, src_n, km, kn, row_chunks, emit_chunks, pad_value);
    Unpacker unpacker;
    Packer packer;
    Filler filler;
    Emitter emitter;
#pragma HLS ARRAY_PARTITION variable = unpacker.bytes complete dim = 1
#pragma HLS ARRAY_PARTITION variable = packer.pack complete dim = 1
#pragma HLS ARRAY_PARTITION variable = filler.pending complete dim = 0
#pragma HLS ARRAY_PARTITION variable = filler.held complete dim = 1
#pragma HLS ARRAY_PARTITION variable = filler.next_word complete dim = 1
    const uint32_t fill_beats = (src_m + 2) * row_chunks, emit_beats = km * kn * emit_chunks;  // loop bounds
    fill_rows(g, fill_beats, filler, unpacker, in_words, ping);  // channel 0 into ping
Channels:
    for (uint32_t c = 1; c < src_c; ++c) {
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 0 max = CNNACC_IM2COL_MAX_CHANNELS - 1)
        // channel c into pong (c odd) or ping (c even), channel c - 1 out of the other
        if (c % 2 == 1) {
            overlap_rows(g, fill_beats, emit_beats, filler, unpacker, in_words, pong, emitter, ping, packer, out_words);
        } else {
            overlap_rows(g, fill_beats, emit_beats, filler, unpacker, in_words, ping, emitter, pong, packer, out_words);
        }
    }
    if (src_c % 2 == 1) {  // channel src_c - 1 is in ping (even) or pong (odd)
        emit_rows(g, emit_beats, emitter, ping, packer, out_words);
    } else {
        emit_rows(g, emit_beats, emitter, pong, packer, out_words);
    }
}

void write_output(stream<word_t>& out_words, word_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                  uint32_t km, uint32_t kn) {
    const uint64_t out_words_count = cnnacc::words_for(im2col_bytes(src_m, src_n, src_c, km, kn));
WriteOutput:
    for (uint64_t q = 0; q < out_words_count; ++q) {
#pragma HLS PIPELINE II = 1
        CNNACC_PRAGMA(HLS LOOP_TRIPCOUNT min = 1 max = CNNACC_IM2COL_MAX_WORDS)
        out[q] = out_words.read();
    }
}

// The DATAFLOW region: nothing but the streams and the process calls (UG1399, "Dataflow":
// canonical form).
void run(const word_t* in, word_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c, uint32_t km,
         uint32_t kn, uint8_t pad_value, uint64_t in_words_count) {
#pragma HLS DATAFLOW
    stream<word_t> in_words, out_words;
    CNNACC_PRAGMA(HLS STREAM variable = in_words depth = CNNACC_WORDS_DEPTH)
    CNNACC_PRAGMA(HLS STREAM variable = out_words depth = CNNACC_WORDS_DEPTH)
    read_input(in, in_words, in_words_count);
    window(in_words, out_words, src_m, src_n, src_c, km, kn, pad_value);
    write_output(out_words, out, src_m, src_n, src_c, km, kn);
}

}  // namespace

uint32_t im2col_kernel(const word_t* in, word_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                       uint32_t kernel_size_m, uint32_t kernel_size_n, uint8_t pad_value) {
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = in offset = slave bundle = gmem0
                  max_read_burst_length = BURST_BEATS num_read_outstanding = MAX_OUTSTANDING
                  latency = MEM_LATENCY_CYCLES)
    CNNACC_PRAGMA(HLS INTERFACE m_axi port = out offset = slave bundle = CNNACC_IM2COL_OUT_BUNDLE
                  max_write_burst_length = BURST_BEATS num_write_outstanding = MAX_OUTSTANDING
                  latency = MEM_LATENCY_CYCLES)
#pragma HLS INTERFACE s_axilite port = return bundle = control
    // Arguments this build does not compute are refused before any access (the status).
    // The input's word count is computed beside the check (it reads only the arguments), so the
    // first process starts on its loop; the last one computes its own while it waits for words.
    const uint32_t status = cnnacc::im2col_status(src_m, src_n, src_c, kernel_size_m, kernel_size_n);
    const uint64_t in_words_count = cnnacc::words_for(uint64_t{src_c} * src_m * src_n);
    if (status == cnnacc::status_ok) {
        run(in, out, src_m, src_n, src_c, kernel_size_m, kernel_size_n, pad_value, in_words_count);
    }
    return status;
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
