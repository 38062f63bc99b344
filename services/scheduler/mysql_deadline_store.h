// The MariaDB/MySQL implementation of DeadlineStore (migrations/*.sql).
#ifndef DUBAN_SERVICES_SCHEDULER_MYSQL_DEADLINE_STORE_H_
#define DUBAN_SERVICES_SCHEDULER_MYSQL_DEADLINE_STORE_H_

#include "services/scheduler/deadline_store.h"

namespace duban::scheduler {

class MysqlDeadlineStore final : public DeadlineStore {
 public:
  absl::StatusOr<std::optional<StoredDeadline>> LoadBySubject(
      sql::Connection& conn, const duban::common::v1::Subject& subject, bool for_update) override;
  absl::StatusOr<std::optional<StoredDeadline>> LoadById(sql::Connection& conn,
                                                         const std::string& id,
                                                         bool for_update) override;
  absl::Status Insert(sql::Connection& conn, const StoredDeadline& stored, absl::Time now) override;
  absl::Status Update(sql::Connection& conn, const StoredDeadline& stored, absl::Time now) override;
  absl::StatusOr<bool> InsertIfAbsent(sql::Connection& conn, const StoredDeadline& stored,
                                      absl::Time now) override;
  absl::Status DeleteUnfiredRungs(sql::Connection& conn, const std::string& deadline_id) override;
  absl::Status AddRungs(sql::Connection& conn, const std::string& deadline_id, int64_t generation,
                        const std::vector<RungDue>& rungs) override;
  absl::StatusOr<std::optional<ClaimedRung>> ClaimDueRung(sql::Connection& conn,
                                                          absl::Time now) override;
  absl::Status MarkFired(sql::Connection& conn, int64_t rung_id, absl::Time fired_at,
                         int64_t event_seq) override;
  absl::StatusOr<int64_t> LastEventSeq(sql::Connection& conn) override;
  absl::StatusOr<std::vector<duban::scheduler::v1::Deadline>> List(
      sql::Connection& conn, const DeadlineQuery& query) override;
  absl::StatusOr<std::vector<duban::scheduler::v1::RungFiring>> ListFirings(
      sql::Connection& conn, const FiringQuery& query, std::vector<int64_t>* ids) override;
  absl::StatusOr<std::optional<absl::Time>> NextUnfiredAfter(sql::Connection& conn,
                                                             absl::Time after) override;
  absl::StatusOr<std::optional<absl::Time>> OldestUnfiredDue(sql::Connection& conn,
                                                             absl::Time now) override;
  absl::StatusOr<std::vector<std::string>> ListPendingIds(sql::Connection& conn,
                                                          const std::string& after_id,
                                                          int limit) override;
  absl::StatusOr<std::optional<ItemSpan>> OpenSpan(sql::Connection& conn,
                                                   const std::string& item_id) override;
  absl::Status OpenItem(sql::Connection& conn, const ItemSpan& span) override;
  absl::Status CloseItem(sql::Connection& conn, const std::string& item_id, absl::Time at) override;
  absl::StatusOr<std::vector<std::string>> UnitsLeadingOpenItems(sql::Connection& conn,
                                                                 absl::Time after,
                                                                 absl::Time until) override;
  absl::StatusOr<std::string> LockMark(sql::Connection& conn, const std::string& series,
                                       const std::string& initial, absl::Time now) override;
  absl::Status SetMark(sql::Connection& conn, const std::string& series, const std::string& next,
                       absl::Time now) override;
  absl::StatusOr<std::optional<std::string>> ReadMark(sql::Connection& conn,
                                                      const std::string& series) override;
  absl::StatusOr<std::map<duban::common::v1::SubjectKind, int64_t>> CountPending(
      sql::Connection& conn) override;
};

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_MYSQL_DEADLINE_STORE_H_
