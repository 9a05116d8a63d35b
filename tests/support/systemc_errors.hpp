#pragma once
// SystemC errors a test expects: collected instead of failing the test.
#include <string>
#include <systemc>
#include <vector>

namespace aimcsim::test {

// While it lives, SystemC errors (and fatals) are collected instead of going to the handler
// installed before it (sc_main's, which fails the test); SystemC still throws them as it would,
// without printing them. Warnings and infos go to the previous handler. One at a time.
class SystemCErrors {
 public:
  SystemCErrors();
  ~SystemCErrors();
  SystemCErrors(const SystemCErrors&) = delete;
  SystemCErrors& operator=(const SystemCErrors&) = delete;

  const std::vector<std::string>& messages() const { return messages_; }

 private:
  static void collect(const sc_core::sc_report& report, const sc_core::sc_actions& actions);
  static SystemCErrors* current_;
  sc_core::sc_report_handler_proc previous_;
  std::vector<std::string> messages_;
};

}  // namespace aimcsim::test
