#include "services/supervision/watch_feed.h"

#include <cppconn/resultset.h>

#include <memory>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/db/pool.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::supervision {
namespace {

constexpr absl::string_view kTokenPrefix = "wf-";

}  // namespace

std::string ResumeToken(int64_t sequence) { return absl::StrCat(kTokenPrefix, sequence); }

absl::StatusOr<int64_t> ParseResumeToken(const std::string& token) {
  int64_t sequence = 0;
  if (!absl::StartsWith(token, kTokenPrefix) ||
      !absl::SimpleAtoi(absl::string_view(token).substr(kTokenPrefix.size()), &sequence) ||
      sequence < 0) {
    return InvalidField("resume_token", absl::StrCat("\"", token, "\" is not a Watch token"));
  }
  return sequence;
}

absl::Status WatchFeed::Append(sql::Connection& conn, const v1::WatchEvent& event) {
  auto rows = db::Query(conn, "SELECT last_seq FROM watch_sequence WHERE id = 1 FOR UPDATE");
  if (!rows->next()) return absl::DataLossError("watch_sequence has no row");
  const int64_t sequence = rows->getInt64("last_seq") + 1;
  db::Execute(conn, "UPDATE watch_sequence SET last_seq = ? WHERE id = 1", {sequence});

  v1::WatchEvent stored = event;
  stored.clear_resume_token();
  db::Execute(conn, "INSERT INTO watch_feed (seq, unit_id, at, body) VALUES (?, ?, ?, ?)",
              {sequence, event.unit_id(), db::ToSqlTime(FromProto(event.at())),
               db::Param::Blob(stored.SerializeAsString())});
  return absl::OkStatus();
}

absl::StatusOr<int64_t> WatchFeed::LastSequence(sql::Connection& conn) {
  auto rows = db::Query(conn, "SELECT last_seq FROM watch_sequence WHERE id = 1");
  if (!rows->next()) return absl::DataLossError("watch_sequence has no row");
  return rows->getInt64("last_seq");
}

absl::StatusOr<std::vector<v1::WatchEvent>> WatchFeed::ReadAfter(
    sql::Connection& conn, int64_t after, const std::vector<std::string>& unit_ids, int limit) {
  std::vector<db::Param> params = {after};
  std::string units;
  if (!unit_ids.empty()) {
    std::vector<std::string> marks(unit_ids.size(), "?");
    units = absl::StrCat(" AND unit_id IN (", absl::StrJoin(marks, ", "), ")");
    params.insert(params.end(), unit_ids.begin(), unit_ids.end());
  }
  auto rows = db::Query(conn,
                        absl::StrCat("SELECT seq, body FROM watch_feed WHERE seq > ?", units,
                                     " ORDER BY seq LIMIT ", limit),
                        params);

  std::vector<v1::WatchEvent> events;
  while (rows->next()) {
    std::unique_ptr<std::istream> blob(rows->getBlob("body"));
    std::ostringstream bytes;
    bytes << blob->rdbuf();
    v1::WatchEvent event;
    if (!event.ParseFromString(bytes.str())) {
      return absl::DataLossError(
          absl::StrCat("watch_feed row ", rows->getInt64("seq"), " does not parse"));
    }
    event.set_resume_token(ResumeToken(rows->getInt64("seq")));
    events.push_back(std::move(event));
  }
  return events;
}

absl::StatusOr<bool> WatchFeed::FirstSighting(sql::Connection& conn, const std::string& item_id,
                                              absl::Time at) {
  const int inserted =
      db::Execute(conn, "INSERT IGNORE INTO seen_items (item_id, first_seen_at) VALUES (?, ?)",
                  {item_id, db::ToSqlTime(at)});
  return inserted == 1;
}

}  // namespace duban::supervision
