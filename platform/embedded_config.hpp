#pragma once
namespace aimcsim {
// The default configuration (platform/configs/default.yaml), compiled into the library so that
// `aimcsim run` with no config file runs the documented default.
const char* embedded_default_config();
}  // namespace aimcsim
