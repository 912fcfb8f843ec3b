// Wide AXI words and streams, portable between Vitis HLS and a plain g++ build.
//
// With the Xilinx headers (Vitis HLS, __has_include(<ap_int.h>)) a word is ap_uint<W> and a
// stream is hls::stream; without them (the sw_emu build with g++) a word is a struct of W / 8
// bytes and a stream is an unbounded FIFO: a DATAFLOW region then runs its processes one after
// another, which gives the same values (Vitis C simulation does the same).
#ifndef CNNACC_COMMON_WIDE_HPP
#define CNNACC_COMMON_WIDE_HPP

#include <cstdint>
#include <vector>

#include "design.hpp"

#if __has_include(<ap_int.h>) && __has_include(<hls_stream.h>)
#include <ap_int.h>
#include <hls_stream.h>
#define CNNACC_XILINX_HEADERS 1
#else
#include <cstdio>
#include <cstdlib>
#include <deque>
#endif

namespace cnnacc {

inline constexpr int word_bytes = design::word_bytes;

#ifdef CNNACC_XILINX_HEADERS
typedef ap_uint<design::axi_width_bits> word_t;
inline uint8_t word_byte(const word_t& word, int i) {
    return static_cast<uint8_t>(word.range(8 * i + 7, 8 * i));
}
inline void set_word_byte(word_t& word, int i, uint8_t value) { word.range(8 * i + 7, 8 * i) = value; }
template <class T>
using stream = hls::stream<T>;
#else
// One AXI beat: word_bytes bytes, byte i at address offset i.
struct word_t {
    uint8_t bytes[word_bytes];
};
inline uint8_t word_byte(const word_t& word, int i) { return word.bytes[i]; }
inline void set_word_byte(word_t& word, int i, uint8_t value) { word.bytes[i] = value; }

// hls::stream's interface over an unbounded FIFO. Reading an empty stream is a kernel bug, and
// so is a stream left holding items when its DATAFLOW region returns: in hardware the next call
// would read them (Vitis C simulation warns of "leftover data" for the same reason).
template <class T>
class stream {
   public:
    stream() = default;
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;
    ~stream() {
        if (!items_.empty()) {
            std::fprintf(stderr, "cnnacc::stream: %zu item(s) left in a stream at the end of its region\n",
                         items_.size());
            std::abort();
        }
    }
    void write(const T& value) { items_.push_back(value); }
    T read() {
        if (items_.empty()) {
            std::fprintf(stderr, "cnnacc::stream: read from an empty stream\n");
            std::abort();
        }
        T value = items_.front();
        items_.pop_front();
        return value;
    }
    bool empty() const { return items_.empty(); }

   private:
    std::deque<T> items_;
};
#endif

// N bytes moved together through a stream (a row of a tile, a chunk of output).
template <int N>
struct bytes_t {
    uint8_t v[N];
};

// Words that cover n_bytes bytes starting at a word boundary.
inline uint64_t words_for(uint64_t n_bytes) { return (n_bytes + word_bytes - 1) / word_bytes; }

#ifndef __SYNTHESIS__
// Host side: n_bytes bytes into a word-padded device buffer with spare_words zero words after
// them (as XRT buffers are padded), and back.
inline std::vector<word_t> to_device(const uint8_t* bytes, uint64_t n_bytes, uint64_t spare_words) {
    std::vector<word_t> words(words_for(n_bytes) + spare_words, word_t{});
    for (uint64_t i = 0; i < n_bytes; ++i) {
        set_word_byte(words[i / word_bytes], static_cast<int>(i % word_bytes), bytes[i]);
    }
    return words;
}

inline void from_device(const std::vector<word_t>& words, uint8_t* bytes, uint64_t n_bytes) {
    for (uint64_t i = 0; i < n_bytes; ++i) {
        bytes[i] = word_byte(words[i / word_bytes], static_cast<int>(i % word_bytes));
    }
}
#endif  // __SYNTHESIS__

}  // namespace cnnacc

#endif  // CNNACC_COMMON_WIDE_HPP
