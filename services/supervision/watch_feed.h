// The Watch feed: every notice, case change and new item a subscriber may
// see, numbered in commit order, and the resume tokens that point into it.
//
// Rows are appended inside the transaction of the change they describe. The
// number comes from one locked counter row held until commit, so rows become
// visible in number order: a reader that has seen every row up to N and later
// reads "after N" misses nothing and repeats nothing.
#ifndef DUBAN_SERVICES_SUPERVISION_WATCH_FEED_H_
#define DUBAN_SERVICES_SUPERVISION_WATCH_FEED_H_

#include <cppconn/connection.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "duban/supervision/v1/supervision.pb.h"

namespace duban::supervision {

// "wf-<sequence>": the token of the feed row numbered `sequence`.
std::string ResumeToken(int64_t sequence);

// The sequence a token names. INVALID_ARGUMENT "resume_token: ..." when it is
// not a token of this feed.
absl::StatusOr<int64_t> ParseResumeToken(const std::string& token);

// Stateless; thread-safe. Functions run on a connection the caller holds.
class WatchFeed {
 public:
  // Appends `event` (its resume_token is ignored) for `event.unit_id()`,
  // inside the caller's transaction. Locks the counter row until commit.
  static absl::Status Append(sql::Connection& conn, const v1::WatchEvent& event);

  // The last number handed out and committed (0: the feed is empty).
  static absl::StatusOr<int64_t> LastSequence(sql::Connection& conn);

  // Up to `limit` rows numbered after `after`, in order, each with its
  // resume_token. `unit_ids` empty: every unit; else only those units.
  static absl::StatusOr<std::vector<v1::WatchEvent>> ReadAfter(
      sql::Connection& conn, int64_t after, const std::vector<std::string>& unit_ids, int limit);

  // Records that `item_id` was seen at `at`; true when it was not seen before.
  static absl::StatusOr<bool> FirstSighting(sql::Connection& conn, const std::string& item_id,
                                            absl::Time at);
};

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_WATCH_FEED_H_
