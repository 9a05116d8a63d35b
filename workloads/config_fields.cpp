#include "workloads/config_fields.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "sim/base/error.hpp"

namespace aimcsim {

struct ConfigFields::Document {
  nlohmann::json json;

  // The non-null value of `key`, or nullptr.
  const nlohmann::json* find(const char* key) const {
    if (!json.is_object()) return nullptr;
    const auto it = json.find(key);
    return it == json.end() || it->is_null() ? nullptr : &*it;
  }
};

ConfigFields::ConfigFields(const std::string& json_text, std::string origin)
    : doc_(std::make_unique<Document>()), origin_(std::move(origin)) {
  try {
    doc_->json = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {  // parse errors, numbers beyond a double
    throw InputError(fmt::format("{}: not valid JSON: {}", origin_, e.what()));
  }
}

ConfigFields::~ConfigFields() = default;
ConfigFields::ConfigFields(ConfigFields&&) noexcept = default;
ConfigFields& ConfigFields::operator=(ConfigFields&&) noexcept = default;

bool ConfigFields::has(const char* key) const { return doc_->find(key) != nullptr; }

bool ConfigFields::is_text(const char* key) const {
  const nlohmann::json* v = doc_->find(key);
  return v && v->is_string();
}

std::int64_t ConfigFields::integer(const char* key) const {
  const nlohmann::json* v = doc_->find(key);
  if (!v) fail(key, "is missing");
  if (!v->is_number_integer() || v->get<std::int64_t>() < 1 || v->get<std::int64_t>() > kMaxInteger)
    fail(key, fmt::format("must be a positive integer up to {} (2^31)", kMaxInteger));
  return v->get<std::int64_t>();
}

std::int64_t ConfigFields::integer_or(const char* key, std::int64_t fallback) const {
  return has(key) ? integer(key) : fallback;
}

std::string ConfigFields::text(const char* key) const {
  const nlohmann::json* v = doc_->find(key);
  if (!v) fail(key, "is missing");
  if (!v->is_string()) fail(key, "must be a string");
  return v->get<std::string>();
}

std::string ConfigFields::text_or(const char* key, const std::string& fallback) const {
  return has(key) ? text(key) : fallback;
}

bool ConfigFields::flag_or(const char* key, bool fallback) const {
  const nlohmann::json* v = doc_->find(key);
  if (!v) return fallback;
  if (!v->is_boolean()) fail(key, "must be true or false");
  return v->get<bool>();
}

std::int64_t ConfigFields::entries(const char* key) const {
  const nlohmann::json* v = doc_->find(key);
  if (!v) fail(key, "is missing");
  if (!v->is_object() && !v->is_array()) fail(key, "must be an object or a list");
  return static_cast<std::int64_t>(v->size());
}

std::vector<std::string> ConfigFields::texts(const char* key) const {
  const nlohmann::json* v = doc_->find(key);
  if (!v) fail(key, "is missing");
  if (!v->is_array()) fail(key, "must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : *v) {
    if (!item.is_string()) fail(key, "must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<std::int64_t> ConfigFields::integers_or_empty(const char* key) const {
  const nlohmann::json* v = doc_->find(key);
  std::vector<std::int64_t> out;
  if (!v) return out;
  if (!v->is_array()) fail(key, "must be a list of non-negative integers");
  for (const auto& item : *v) {
    if (!item.is_number_integer() || item.get<std::int64_t>() < 0 ||
        item.get<std::int64_t>() > kMaxInteger)
      fail(key, fmt::format("must be a list of non-negative integers up to {}", kMaxInteger));
    out.push_back(item.get<std::int64_t>());
  }
  return out;
}

void ConfigFields::fail(const char* key, const std::string& what) const {
  throw InputError(context_.empty() ? fmt::format("{}: field '{}' {}", origin_, key, what)
                                    : fmt::format("{}: field '{}' {} (needed for {})", origin_, key,
                                                  what, context_));
}

}  // namespace aimcsim
