// Our own kernel with the structure of bavlyshehata/ADMM_BP/alveo/src/bp.cpp as kept in the v++ build's krnl_bp/solution/.autopilot/db/bp.pp.0.cpp (Vitis HLS 2022.2, Vitis kernel flow, xcu250): two ADMM iterations of basis pursuit on an 8-element problem. The 8x8 matrix P and the vector q are copied from two m_axi bundles into static local arrays, three static streams are primed with zeros, and a 2-trip main loop (carrying a PIPELINE pragma) chains stream functions (copy to three streams, subtract, an 8x8 matrix-vector multiply-accumulate, add, relaxation, shrinkage); then three streams are drained and x is written over a third m_axi bundle. Every inner loop carries PIPELINE; the original's std::cout tracing (not synthesized) is left out.
#include <hls_stream.h>

#define N 8

const int n_elems = 8;

static void copy_in(float* src, float* dst, int count) {
l_load_input:
    for (int i = 0; i < count; i++) {
#pragma HLS pipeline
        dst[i] = src[i];
    }
}

static void sub_ss(hls::stream<float>& a, hls::stream<float>& b, hls::stream<float>& out) {
    float av, bv;
l_vec_sub:
    for (int i = 0; i < N; i++) {
#pragma HLS pipeline
        av = a.read();
        bv = b.read();
        float d = av - bv;
        out << d;
    }
}

static void mac(float* mat, hls::stream<float>& vec, hls::stream<float>& out) {
    static hls::stream<float> mat_s("mat_s");
#pragma HLS STREAM variable=mat_s depth=68
    float vec_local[N];
l_mac_1:
    for (int i = 0; i < N * N; i++)
#pragma HLS pipeline
        mat_s << mat[i];
l_mac_2:
    for (int i = 0; i < N; i++)
#pragma HLS pipeline
        vec_local[i] = vec.read();
    float acc = 0;
    float m = 0;
l_mac_3:
    for (int i = 0; i < N; i++) {
    l_mac_4:
        for (int j = 0; j < N; j++)
#pragma HLS pipeline
        {
            m = mat_s.read();
            float prod = m * vec_local[j];
            acc += prod;
            if (j + 1 == N) {
                out << acc;
                acc = 0;
            }
        }
    }
}

static void add_sa(hls::stream<float>& a, float* b, hls::stream<float>& out) {
    static hls::stream<float> b_s("b_s");
#pragma HLS STREAM variable=b_s depth=36
l_vec_add_1:
    for (int i = 0; i < N; i++)
#pragma HLS pipeline
        b_s << b[i];
l_vec_add_2:
    for (int i = 0; i < N; i++) {
#pragma HLS pipeline
        float av = a.read();
        float bv = b_s.read();
        float s = av + bv;
        out << s;
    }
}

static void add_ss(hls::stream<float>& a, hls::stream<float>& b, hls::stream<float>& out) {
    float av, bv;
l_vec_add_3:
    for (int i = 0; i < N; i++) {
#pragma HLS pipeline
        av = a.read();
        bv = b.read();
        out << av + bv;
    }
}

static void relax(hls::stream<float>& x_in, hls::stream<float>& z_in, hls::stream<float>& out, float alpha) {
    float zv, xv;
    float beta = 1 - alpha;
l_x_update:
    for (int i = 0; i < N; i++) {
#pragma HLS pipeline
        xv = x_in.read();
        zv = z_in.read();
        float t1 = alpha * xv;
        float t2 = beta * zv;
        float s = t1 + t2;
        out << s;
    }
}

static void soft_threshold(hls::stream<float>& in, float rho, hls::stream<float>& out) {
l_shrinkage:
    for (int i = 0; i < N; i++) {
#pragma HLS pipeline
        float pos = 0, neg = 0;
        float v = in.read();
        float d0 = v - rho;
        float d1 = -1 * v - rho;
        if (d0 > 0)
            pos = d0;
        if (d1 > 0)
            neg = d1;
        out << pos - neg;
    }
}

static void fan3(hls::stream<float>& in, hls::stream<float>& o1, hls::stream<float>& o2, hls::stream<float>& o3) {
l_rep_stream_1:
    for (int i = 0; i < N; i++) {
#pragma HLS pipeline
        float v = in.read();
        o1 << v;
        o2 << v;
        o3 << v;
    }
}

static void drain(hls::stream<float>& in) {
    for (int i = 0; i < N; i++)
#pragma HLS pipeline
        float t = in.read();
}

static void prime(hls::stream<float>& in) {
    for (int i = 0; i < N; i++)
#pragma HLS pipeline
        in << 0;
}

static void to_local(hls::stream<float>& in, float* dst) {
l_write_bram:
    for (int i = 0; i < N; i++)
#pragma HLS pipeline
        dst[i] = in.read();
}

static void copy_out(float* src, float* dst) {
l_write_mem:
    for (int i = 0; i < N; i++)
#pragma HLS pipeline
        dst[i] = src[i];
}

extern "C" {
void krnl_bp(float* mat_p, float* vec_q, float* out, float rho, float alpha) {
#pragma HLS INTERFACE m_axi port = mat_p bundle = gmem0
#pragma HLS INTERFACE m_axi port = vec_q bundle = gmem1
#pragma HLS INTERFACE m_axi port = out bundle = gmem2
    static float x_loc[N];
    static float p_loc[N * N];
    static float q_loc[N];

    static hls::stream<float> u_s("u_s");
    static hls::stream<float> u1_s("u1_s");
    static hls::stream<float> u2_s("u2_s");
    static hls::stream<float> u3_s("u3_s");
    static hls::stream<float> z_s("z_s");
    static hls::stream<float> zold_s("zold_s");
    static hls::stream<float> z1_s("z1_s");
    static hls::stream<float> z2_s("z2_s");
    static hls::stream<float> xh_s("xh_s");
    static hls::stream<float> xh1_s("xh1_s");
    static hls::stream<float> xh2_s("xh2_s");
    static hls::stream<float> xh3_s("xh3_s");
    static hls::stream<float> zu_s("zu_s");
    static hls::stream<float> mac_s("mac_s");
    static hls::stream<float> x_s("x_s");
    static hls::stream<float> xhu_s("xhu_s");
    static hls::stream<float> shr_s("shr_s");
    static hls::stream<float> xhz_s("xhz_s");
    static hls::stream<float> uup_s("uup_s");
#pragma HLS STREAM variable=u_s depth=36
#pragma HLS STREAM variable=u1_s depth=36
#pragma HLS STREAM variable=u2_s depth=36
#pragma HLS STREAM variable=u3_s depth=36
#pragma HLS STREAM variable=z_s depth=36
#pragma HLS STREAM variable=zold_s depth=36
#pragma HLS STREAM variable=z1_s depth=36
#pragma HLS STREAM variable=z2_s depth=36
#pragma HLS STREAM variable=xh_s depth=36
#pragma HLS STREAM variable=xh1_s depth=36
#pragma HLS STREAM variable=xh2_s depth=36
#pragma HLS STREAM variable=xh3_s depth=36
#pragma HLS STREAM variable=zu_s depth=36
#pragma HLS STREAM variable=mac_s depth=36
#pragma HLS STREAM variable=x_s depth=36
#pragma HLS STREAM variable=xhu_s depth=36
#pragma HLS STREAM variable=shr_s depth=36
#pragma HLS STREAM variable=xhz_s depth=36
#pragma HLS STREAM variable=uup_s depth=36

    copy_in(mat_p, p_loc, N * N);
    copy_in(vec_q, q_loc, N);

    prime(u_s);
    prime(z2_s);
    prime(zold_s);

l_main:
    for (int it = 0; it < 2; it++) {
#pragma HLS pipeline
        fan3(u_s, u1_s, u2_s, u3_s);
        sub_ss(z2_s, u1_s, zu_s);
        mac(p_loc, zu_s, mac_s);
        add_sa(mac_s, q_loc, x_s);
        relax(x_s, zold_s, xh_s, alpha);
        fan3(xh_s, xh1_s, xh2_s, xh3_s);
        to_local(xh3_s, x_loc);
        add_ss(xh1_s, u2_s, xhu_s);
        soft_threshold(xhu_s, rho, z_s);
        fan3(z_s, zold_s, z1_s, z2_s);
        sub_ss(xh2_s, z1_s, xhz_s);
        add_ss(xhz_s, u3_s, u_s);
    }

    drain(u_s);
    drain(zold_s);
    drain(z2_s);

    copy_out(x_loc, out);
}
}
