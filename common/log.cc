#include "common/log.h"

#include <cstdio>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"

namespace duban {
namespace {

struct RateLimit {
  absl::Time last_emitted;
  int64_t suppressed = 0;
};

// One lock for the service name, the rate limits and the write itself, so
// concurrent lines never interleave.
struct LogState {
  absl::Mutex mu;
  std::string service ABSL_GUARDED_BY(mu) = "unknown";
  std::map<std::string, RateLimit, std::less<>> limits ABSL_GUARDED_BY(mu);
};

LogState& State() {
  static LogState* const state = new LogState();
  return *state;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 if invalid.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  uint32_t min_code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min_code = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min_code = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min_code = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  uint32_t code = lead & (0xFF >> (length + 1));
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  if (code < min_code || code > 0x10FFFF || surrogate) return 0;
  return length;
}

// Appends `text` as a JSON string: quotes, backslashes and control characters
// escaped, valid UTF-8 kept as is, invalid bytes replaced by U+FFFD.
void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(text, i);
      if (length == 0) {
        out.append("\\ufffd");
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

void AppendField(std::string& out, std::string_view key, std::string_view value) {
  out.push_back(',');
  AppendJsonString(out, key);
  out.push_back(':');
  AppendJsonString(out, value);
}

std::string FormatLine(absl::Time now, const std::string& service, LogLevel level,
                       std::string_view event, std::initializer_list<LogField> fields,
                       int64_t suppressed) {
  std::string line = "{\"ts\":";
  AppendJsonString(line, absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", now, absl::UTCTimeZone()));
  AppendField(line, "level", LevelName(level));
  AppendField(line, "service", service);
  AppendField(line, "event", event);
  for (const LogField& field : fields) AppendField(line, field.first, field.second);
  if (suppressed > 0) AppendField(line, "suppressed", absl::StrCat(suppressed));
  line.append("}\n");
  return line;
}

void WriteLine(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void SetLogService(std::string service) {
  LogState& state = State();
  absl::MutexLock lock(&state.mu);
  state.service = std::move(service);
}

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  const absl::Time now = SystemClock::Get()->Now();
  LogState& state = State();
  absl::MutexLock lock(&state.mu);
  WriteLine(FormatLine(now, state.service, level, event, fields, 0));
}

void LogEvery(absl::Duration every, std::string_view key, LogLevel level, std::string_view event,
              std::initializer_list<LogField> fields) {
  const absl::Time now = SystemClock::Get()->Now();
  LogState& state = State();
  absl::MutexLock lock(&state.mu);
  auto it = state.limits.find(key);
  if (it == state.limits.end()) {
    it = state.limits.emplace(std::string(key), RateLimit{now - every, 0}).first;
  }
  RateLimit& limit = it->second;
  if (now - limit.last_emitted < every) {
    ++limit.suppressed;
    return;
  }
  WriteLine(FormatLine(now, state.service, level, event, fields, limit.suppressed));
  limit.last_emitted = now;
  limit.suppressed = 0;
}

}  // namespace duban
