// Structured logs: one JSON line per event an operator cares about (start,
// stop, migration, failure), on stderr. Never one line per successful request.
#ifndef DUBAN_COMMON_LOG_H_
#define DUBAN_COMMON_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "absl/time/time.h"

namespace duban {

enum class LogLevel { kInfo, kWarning, kError };

using LogField = std::pair<std::string_view, std::string>;

// Sets the "service" field of every line; call once at start-up.
void SetLogService(std::string service);

// {"ts":"...","level":"info","service":"tasks","event":"start","port":"50053"}
void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

// As Log, but at most once per `every` for the same `key`; the next line says
// how many were suppressed. Thread-safe.
void LogEvery(absl::Duration every, std::string_view key, LogLevel level, std::string_view event,
              std::initializer_list<LogField> fields = {});

}  // namespace duban

#endif  // DUBAN_COMMON_LOG_H_
