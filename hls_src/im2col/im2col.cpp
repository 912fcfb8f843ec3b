// Streaming im2col, the synthesizable top of spec Part 2, Task 2.
//
// Schedule, per channel c:
//   PrimeRows    read the first KM - 1 padded rows of the window into the line buffer
//   OutRows      for each output row orow:
//     ReadRow      read one padded input row (burst) into the slot of the oldest row
//     WriteWindow  for each (kr, kc): WriteOut streams ON outputs of row (c, kr, kc) of out,
//                  consecutive addresses, so one burst per (kr, kc, orow)
// The line buffer keeps KM rows of IM2COL_MAX_SRC_N + 2 bytes as a ring: every input byte is
// read from memory exactly once. Each stored row carries its left and right pad element
// and rows above or below the input are stored as all-pad, so WriteOut is a plain copy with
// no edge test: element (kr, kc, orow, ocol) is line[slot of row orow + kr - 1][ocol + kc].
#include "im2col.hpp"

// Loop labels name loops in HLS reports and directives; they are never goto targets.
#pragma GCC diagnostic ignored "-Wunused-label"

#include <cstddef>

namespace {

constexpr int max_k = cnnacc::design::im2col_max_k;
constexpr int line_n = cnnacc::im2col_line_n;
// Tripcount hints of the runtime-bound loops (the report's shape, and the design's limits).
constexpr int report_c = cnnacc::im2col_report_c;
constexpr int report_k = cnnacc::im2col_report_k;
constexpr int report_out_m = cnnacc::im2col_report_out_m;
constexpr int report_out_n = cnnacc::im2col_report_out_n;
constexpr int report_line_n = cnnacc::im2col_report_n + 2;
constexpr int max_channels = 512;

// line[slot] = pad, in[c][row][0 .. src_n - 1], pad; or all pad when row is outside the input.
void read_row(const uint8_t* in, uint8_t line[max_k][line_n], uint32_t slot, uint32_t c,
              int64_t row, uint32_t src_m, uint32_t src_n, uint8_t pad_value) {
    const bool row_inside = row >= 0 && row < static_cast<int64_t>(src_m);
    const size_t base =
        row_inside ? (static_cast<size_t>(c) * src_m + static_cast<size_t>(row)) * src_n : 0;
ReadRow:
    for (uint32_t col = 0; col < src_n + 2; ++col) {
#pragma HLS LOOP_TRIPCOUNT min = 3 max = line_n avg = report_line_n
#pragma HLS PIPELINE II = 1
        // one byte per cycle along an input row: consecutive addresses, one burst per row
        const bool inside = row_inside && col >= 1 && col <= src_n;
        line[slot][col] = inside ? in[base + col - 1] : pad_value;
    }
}

// Rows (c, kr, kc) of out, columns orow * out_n + 0 .. out_n - 1, from the line buffer whose
// oldest slot holds input row orow - 1.
void write_window(const uint8_t line[max_k][line_n], uint8_t* out, uint32_t oldest, uint32_t c,
                  uint32_t orow, uint32_t kernel_size_m, uint32_t kernel_size_n, uint32_t out_m,
                  uint32_t out_n) {
    const size_t out_cols = static_cast<size_t>(out_m) * out_n;
WriteWindow:
    for (uint32_t kr = 0; kr < kernel_size_m; ++kr) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = max_k avg = report_k
        const uint32_t ring = oldest + kr;  // slot of input row orow + kr - 1
        const uint32_t slot = ring < kernel_size_m ? ring : ring - kernel_size_m;
    WriteKernelCols:
        for (uint32_t kc = 0; kc < kernel_size_n; ++kc) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = max_k avg = report_k
            const size_t out_row =
                (static_cast<size_t>(c) * kernel_size_m + kr) * kernel_size_n + kc;
            const size_t base = out_row * out_cols + static_cast<size_t>(orow) * out_n;
        WriteOut:
            for (uint32_t ocol = 0; ocol < out_n; ++ocol) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = line_n avg = report_out_n
#pragma HLS PIPELINE II = 1
                // one output byte per cycle, consecutive addresses: one burst per (kr, kc, orow)
                out[base + ocol] = line[slot][ocol + kc];
            }
        }
    }
}

}  // namespace

void im2col_pad(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
                uint32_t kernel_size_m, uint32_t kernel_size_n, uint8_t pad_value) {
#pragma HLS INTERFACE m_axi port = in offset = slave bundle = gmem0 depth = 3072
#pragma HLS INTERFACE m_axi port = out offset = slave bundle = gmem1 depth = 27648
    // separate masters for the read and the write stream, so neither waits for the other
    // (depths are the report's shape: 3 x 32 x 32 in, 27 x 1024 out, for co-simulation)
#pragma HLS INTERFACE s_axilite port = in bundle = control
#pragma HLS INTERFACE s_axilite port = out bundle = control
#pragma HLS INTERFACE s_axilite port = src_m bundle = control
#pragma HLS INTERFACE s_axilite port = src_n bundle = control
#pragma HLS INTERFACE s_axilite port = src_c bundle = control
#pragma HLS INTERFACE s_axilite port = kernel_size_m bundle = control
#pragma HLS INTERFACE s_axilite port = kernel_size_n bundle = control
#pragma HLS INTERFACE s_axilite port = pad_value bundle = control
#pragma HLS INTERFACE s_axilite port = return bundle = control

    uint8_t line[max_k][line_n];
#pragma HLS ARRAY_PARTITION variable = line complete dim = 1
    // one memory per line-buffer row: the row being filled never shares a port with the
    // rows being read, which lets a DATAFLOW variant overlap ReadRow and WriteOut

    const uint32_t out_m = src_m + 3 - kernel_size_m;
    const uint32_t out_n = src_n + 3 - kernel_size_n;

Channels:
    for (uint32_t c = 0; c < src_c; ++c) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = max_channels avg = report_c
    PrimeRows:
        for (uint32_t slot = 0; slot + 1 < kernel_size_m; ++slot) {
#pragma HLS LOOP_TRIPCOUNT min = 0 max = max_k avg = report_k
            // input row slot - 1 goes to slot: rows -1 .. KM - 3, the top of the first window
            read_row(in, line, slot, c, static_cast<int64_t>(slot) - 1, src_m, src_n, pad_value);
        }
        uint32_t oldest = 0;  // the slot of input row orow - 1, the top of the window
    OutRows:
        for (uint32_t orow = 0; orow < out_m; ++orow) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = line_n avg = report_out_m
            // the bottom row of this window, orow + KM - 2, replaces the row that left it
            const uint32_t newest = oldest == 0 ? kernel_size_m - 1 : oldest - 1;
            read_row(in, line, newest, c, static_cast<int64_t>(orow) + kernel_size_m - 2, src_m,
                     src_n, pad_value);
            write_window(line, out, oldest, c, orow, kernel_size_m, kernel_size_n, out_m, out_n);
            oldest = oldest + 1 == kernel_size_m ? 0 : oldest + 1;
        }
    }
}

void im2col(const uint8_t* in, uint8_t* out, uint32_t src_m, uint32_t src_n, uint32_t src_c,
            uint32_t kernel_size_m, uint32_t kernel_size_n) {
#pragma HLS INTERFACE m_axi port = in offset = slave bundle = gmem0 depth = 3072
#pragma HLS INTERFACE m_axi port = out offset = slave bundle = gmem1 depth = 27648
#pragma HLS INTERFACE s_axilite port = in bundle = control
#pragma HLS INTERFACE s_axilite port = out bundle = control
#pragma HLS INTERFACE s_axilite port = src_m bundle = control
#pragma HLS INTERFACE s_axilite port = src_n bundle = control
#pragma HLS INTERFACE s_axilite port = src_c bundle = control
#pragma HLS INTERFACE s_axilite port = kernel_size_m bundle = control
#pragma HLS INTERFACE s_axilite port = kernel_size_n bundle = control
#pragma HLS INTERFACE s_axilite port = return bundle = control
    // either function can be the synthesis top; as a callee im2col_pad is inlined and its
    // interface pragmas are ignored
    im2col_pad(in, out, src_m, src_n, src_c, kernel_size_m, kernel_size_n, 0);
}
