#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aimcsim {

// Typed, checked access to the top-level fields of one JSON document (a HuggingFace
// config.json). Models only what families read: positive integers, strings, booleans and the
// size of an object or list; nested values are not reachable. The JSON library stays private to
// the source file. Every error is an InputError naming the origin and the field.
class ConfigFields {
 public:
  // Parses `json_text`; throws InputError "<origin>: not valid JSON: ..." when it is not JSON.
  ConfigFields(const std::string& json_text, std::string origin);
  ~ConfigFields();
  ConfigFields(ConfigFields&&) noexcept;
  ConfigFields& operator=(ConfigFields&&) noexcept;

  const std::string& origin() const { return origin_; }
  // What the fields are read for, appended to every error: "(needed for <context>)"; empty: none.
  void set_context(std::string context) { context_ = std::move(context); }

  // The document is an object and `key` is in it with a non-null value.
  bool has(const char* key) const;
  // `key` holds a string.
  bool is_text(const char* key) const;

  // Sizes, counts and ids beyond this are no model's (the largest vocabularies and contexts are
  // ~2^18-2^20): a larger value is a mistake, refused before it sizes anything.
  static constexpr std::int64_t kMaxInteger = std::int64_t{1} << 31;
  // A positive integer up to kMaxInteger; missing, null or anything else fails.
  std::int64_t integer(const char* key) const;
  // integer(key), or `fallback` when the field is missing or null.
  std::int64_t integer_or(const char* key, std::int64_t fallback) const;
  // A string; missing, null or anything else fails.
  std::string text(const char* key) const;
  std::string text_or(const char* key, const std::string& fallback) const;
  bool flag_or(const char* key, bool fallback) const;
  // The number of entries of an object or a list (e.g. id2label); missing or null fails.
  std::int64_t entries(const char* key) const;
  // A list of strings (e.g. architectures); missing, null or anything else fails.
  std::vector<std::string> texts(const char* key) const;
  // A list of non-negative integers (e.g. mlp_only_layers); missing or null: empty.
  std::vector<std::int64_t> integers_or_empty(const char* key) const;

  // Throws InputError "<origin>: field '<key>' <what> (needed for <context>)".
  [[noreturn]] void fail(const char* key, const std::string& what) const;

 private:
  struct Document;
  std::unique_ptr<Document> doc_;
  std::string origin_;
  std::string context_;
};

}  // namespace aimcsim
