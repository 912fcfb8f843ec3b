// Our own kernel with the structure of thallesmcs/Vitis_HLS/hello_world/hello_world.cpp (Vitis HLS 2024.2): copy a 13-character constant string into a 100-char output array with a while loop that stops at the terminator when the int flag is 1, else write only the terminator; no pragmas.
void hello_world(int flag, char text_out[100]) {
    if (flag == 1) {
        const char greeting[] = "Ciao, Mondo!!";
        int n = 0;
        while (greeting[n] != '\0') {
            text_out[n] = greeting[n];
            n++;
        }
        text_out[n] = '\0';
    } else {
        text_out[0] = '\0';
    }
}
