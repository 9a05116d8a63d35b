// The aimcsim executable: a thin shell over libaimcsim. libsystemc defines main() and calls
// sc_main() (declared extern "C" by <systemc>).
#include <systemc>

#include "sim/cli/cli.hpp"

int sc_main(int argc, char* argv[]) { return aimcsim::cli_main(argc, argv); }
