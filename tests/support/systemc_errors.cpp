#include "tests/support/systemc_errors.hpp"

#include <gtest/gtest.h>

namespace aimcsim::test {

SystemCErrors* SystemCErrors::current_ = nullptr;

SystemCErrors::SystemCErrors() : previous_(sc_core::sc_report_handler::set_handler(&collect)) {
  if (current_) ADD_FAILURE() << "SystemCErrors: one at a time";
  current_ = this;
}

SystemCErrors::~SystemCErrors() {
  sc_core::sc_report_handler::set_handler(previous_);
  current_ = nullptr;
}

void SystemCErrors::collect(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
  if (report.get_severity() < sc_core::SC_ERROR) {
    current_->previous_(report, actions);
    return;
  }
  current_->messages_.push_back(report.what());
  sc_core::sc_report_handler::default_handler(report, actions & ~sc_core::SC_DISPLAY &
                                                          ~sc_core::SC_LOG & ~sc_core::SC_STOP &
                                                          ~sc_core::SC_ABORT);
}

}  // namespace aimcsim::test
