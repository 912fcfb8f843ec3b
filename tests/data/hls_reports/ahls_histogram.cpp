// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/jianyicheng/histogram/solution1/.autopilot/db/histogram.pp.0.cpp (Vitis HLS 2023.2): weighted histogram, 1000 iterations, guarded double read-modify-write of a bin chosen by an int index array, update done in a helper.

// helper (a separate file in the original): writes the updated bin
void ahls_hist_store(int key[1000], double amount, int pos, double bins[1000], double old_val) {
    bins[key[pos]] = old_val + amount;
}

void histogram(int key[1000], double weight[1000], double bins[1000]) {
    for (int n = 0; n < 1000; ++n) {
        double amount = weight[n];
        if (amount >= 0) {
            double old_val = bins[key[n]];
            ahls_hist_store(key, amount, n, bins, old_val);
        }
    }
}
