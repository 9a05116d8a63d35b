// The libFuzzer builds of the fuzz targets: libFuzzer owns main(); libsystemc, linked through
// libaimcsim, still needs an sc_main to link, which is never called.
extern "C" int sc_main(int, char*[]);  // as <systemc> declares it

int sc_main(int, char*[]) { return 1; }
