// Entry point of test binaries that start SystemC: libsystemc owns main() and calls sc_main().
// SystemC warnings and errors become test failures.
#include <gtest/gtest.h>

#include <systemc>

namespace {
void fail_on_report(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
  if (report.get_severity() >= sc_core::SC_WARNING) ADD_FAILURE() << "SystemC: " << report.what();
  sc_core::sc_report_handler::default_handler(report,
                                              actions & ~sc_core::SC_STOP & ~sc_core::SC_ABORT);
}
}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_handler(fail_on_report);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
