// A service's own settings: a flag, or else its DUBAN_* environment variable,
// or else the flag's default (the rule common/runtime.h applies to the shared
// settings).
#ifndef DUBAN_COMMON_FLAG_ENV_H_
#define DUBAN_COMMON_FLAG_ENV_H_

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/marshalling.h"
#include "absl/flags/reflection.h"
#include "absl/status/statusor.h"
#include "common/status.h"

namespace duban {

// The flag's value when it was given on the command line; otherwise the value
// of `env_name` when that is set and not empty; otherwise the default. An
// environment value that does not parse is INVALID_ARGUMENT naming `env_name`.
template <typename T>
absl::StatusOr<T> FlagOrEnv(const absl::Flag<T>& flag, const char* env_name) {
  T value = absl::GetFlag(flag);
  const absl::CommandLineFlag& handle = absl::GetFlagReflectionHandle(flag);
  const char* env = std::getenv(env_name);
  if (env != nullptr && *env != '\0' && handle.CurrentValue() == handle.DefaultValue()) {
    std::string error;
    if (!absl::ParseFlag<T>(env, &value, &error)) return InvalidField(env_name, error);
  }
  return value;
}

}  // namespace duban

#endif  // DUBAN_COMMON_FLAG_ENV_H_
