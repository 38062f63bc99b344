// The tasks domain: items on the units' desks, their lifecycle, extensions,
// referral and splitting, and the deadlines they register with the scheduler.
// Knows nothing of gRPC: requests and answers are the contract's messages,
// errors are absl::Status with the codes of the contract.
#ifndef DUBAN_SERVICES_TASKS_TASK_TRACKER_H_
#define DUBAN_SERVICES_TASKS_TASK_TRACKER_H_

#include <cppconn/connection.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/db/audit.h"
#include "common/db/pool.h"
#include "duban/events/v1/events.pb.h"
#include "duban/minutes/v1/minutes.pb.h"
#include "duban/supervision/v1/supervision.pb.h"
#include "duban/tasks/v1/tasks.pb.h"
#include "services/tasks/item_rules.h"
#include "services/tasks/item_store.h"
#include "services/tasks/registry_lookup.h"

namespace duban::tasks {

struct TasksOptions {
  // How long before its deadline an open item turns yellow.
  absl::Duration warning_lead = absl::Hours(72);
};

struct ItemPage {
  std::vector<duban::tasks::v1::Item> items;
  std::string next_page_token;
};

// Thread-safe: holds no mutable state of its own; every change runs in one
// database transaction (with its audit record and events) through
// db::RunOnce, so a retried request returns the first answer.
class TaskTracker {
 public:
  // Nothing is owned; all must outlive the tracker. Unit ids of new items are
  // checked against `registry`, which also names the matters a supervising
  // office leader supervises.
  TaskTracker(db::ConnectionPool* pool, ItemStore* store, RegistryLookup* registry,
              const Clock* clock, absl::TimeZone zone, TasksOptions options);

  // NOT_FOUND naming the id when the item does not exist or the caller may not
  // see it (so that existence does not leak).
  absl::StatusOr<duban::tasks::v1::Item> GetItem(const Actor& actor, const std::string& item_id);
  // Items the caller may see that match `filter`, by deadline in force then id.
  // INVALID_ARGUMENT naming the field for a bad filter, page size or token.
  absl::StatusOr<ItemPage> ListItems(const Actor& actor, const duban::tasks::v1::ItemFilter& filter,
                                     int page_size, const std::string& page_token);
  absl::StatusOr<duban::tasks::v1::CountItemsResponse> CountItems(
      const Actor& actor, const duban::tasks::v1::ItemFilter& filter);

  // Changes. Each checks who may do it and from which status
  // (PERMISSION_DENIED, FAILED_PRECONDITION naming the current status),
  // NOT_FOUND for an unknown item, INVALID_ARGUMENT naming a bad field (a
  // unit id the registry does not know included), UNAVAILABLE when the
  // registry cannot be asked.
  absl::StatusOr<duban::tasks::v1::CreateItemResponse> CreateItem(
      const Actor& actor, const duban::tasks::v1::CreateItemRequest& request);
  absl::StatusOr<duban::tasks::v1::AcceptItemResponse> AcceptItem(
      const Actor& actor, const duban::tasks::v1::AcceptItemRequest& request);
  absl::StatusOr<duban::tasks::v1::AddProgressNoteResponse> AddProgressNote(
      const Actor& actor, const duban::tasks::v1::AddProgressNoteRequest& request);
  absl::StatusOr<duban::tasks::v1::SetPlannedCompletionDateResponse> SetPlannedCompletionDate(
      const Actor& actor, const duban::tasks::v1::SetPlannedCompletionDateRequest& request);
  // Meets the item's deadline at the scheduler.
  absl::StatusOr<duban::tasks::v1::ReportCompleteResponse> ReportComplete(
      const Actor& actor, const duban::tasks::v1::ReportCompleteRequest& request);
  // Closing the last open sub-item of a split item closes the split item too.
  absl::StatusOr<duban::tasks::v1::CloseOutResponse> CloseOut(
      const Actor& actor, const duban::tasks::v1::CloseOutRequest& request);
  // Keeps the deadline in force, which is pending again at the scheduler.
  absl::StatusOr<duban::tasks::v1::ReturnForReworkResponse> ReturnForRework(
      const Actor& actor, const duban::tasks::v1::ReturnForReworkRequest& request);
  // FAILED_PRECONDITION "deadline: already passed at ..." after the deadline.
  absl::StatusOr<duban::tasks::v1::RequestExtensionResponse> RequestExtension(
      const Actor& actor, const duban::tasks::v1::RequestExtensionRequest& request);
  // An approved extension moves the deadline in force; the original stays.
  absl::StatusOr<duban::tasks::v1::DecideExtensionResponse> DecideExtension(
      const Actor& actor, const duban::tasks::v1::DecideExtensionRequest& request);
  absl::StatusOr<duban::tasks::v1::ReferItemResponse> ReferItem(
      const Actor& actor, const duban::tasks::v1::ReferItemRequest& request);
  // Sub-items "<parent>-s<n>"; the parent is SPLIT and its deadline cancelled.
  absl::StatusOr<duban::tasks::v1::SplitItemResponse> SplitItem(
      const Actor& actor, const duban::tasks::v1::SplitItemRequest& request);

  // Applies one delivered event inside the caller's transaction (see
  // db::ApplyEvents): DocumentIssued creates the document's items, once;
  // SplitRequested (from supervision) splits a referred item as SplitItem
  // does. A split that cannot be done (unknown item or unit, an item not
  // referred or no longer open) is refused with an audit record
  // "tasks.SplitRefused" and acknowledged. Events of other types are
  // acknowledged without effect.
  absl::Status ApplyEvent(sql::Connection& conn, const duban::events::v1::Event& event);

  // The item with its light at `now`.
  duban::tasks::v1::Item WithLight(duban::tasks::v1::Item item, absl::Time now) const;

 private:
  template <typename Response>
  using ChangeFn =
      std::function<absl::Status(sql::Connection&, duban::tasks::v1::Item&, absl::Time, Response&)>;

  // Loads, checks, changes, stores and audits one item in one RunOnce
  // transaction, and answers with the changed item.
  template <typename Response>
  absl::StatusOr<Response> Change(const Actor& actor, ItemAction action, const std::string& method,
                                  const std::string& request_id,
                                  const google::protobuf::Message& request,
                                  const std::string& item_id, const ChangeFn<Response>& change);

  absl::Status ApplyDocumentIssued(sql::Connection& conn, const duban::events::v1::Event& event,
                                   const duban::minutes::v1::DocumentIssued& issued);
  absl::Status ApplySplitRequested(sql::Connection& conn, const duban::events::v1::Event& event,
                                   const duban::supervision::v1::SplitRequested& requested);
  // INVALID_ARGUMENT naming `field` when a unit id is empty or unknown to the registry.
  absl::Status CheckUnits(const google::protobuf::RepeatedPtrField<std::string>& units,
                          const std::string& field);
  // Checks the sub-items of a split; their due instants, in order.
  absl::StatusOr<std::vector<absl::Time>> CheckSubItems(
      const google::protobuf::RepeatedPtrField<duban::tasks::v1::SubItem>& sub_items);
  // Creates the sub-items "<parent>-s<n>" of `parent` (and their deadlines),
  // and marks `parent` split with its own deadline cancelled.
  absl::StatusOr<std::vector<duban::tasks::v1::Item>> CreateSubItems(
      sql::Connection& conn, duban::tasks::v1::Item& parent,
      const google::protobuf::RepeatedPtrField<duban::tasks::v1::SubItem>& sub_items,
      const std::vector<absl::Time>& dues, const std::string& actor, const std::string& request_id,
      absl::Time now);
  // The actor with what they may read filled in from the registry.
  absl::StatusOr<Actor> ReadingActor(const Actor& actor);
  // Inserts a new item with its audit record and events; false when it exists.
  absl::StatusOr<bool> InsertItem(sql::Connection& conn, const duban::tasks::v1::Item& item,
                                  const std::string& actor, const std::string& action,
                                  const std::string& request_id, absl::Time now);
  absl::Status CloseParentIfDone(sql::Connection& conn, const duban::tasks::v1::Item& closed,
                                 const Actor& actor, const std::string& request_id, absl::Time now);

  absl::Status RegisterDeadline(sql::Connection& conn, const duban::tasks::v1::Item& item,
                                absl::Time now);
  absl::Status MeetDeadline(sql::Connection& conn, const duban::tasks::v1::Item& item,
                            absl::Time now);
  absl::Status CancelDeadline(sql::Connection& conn, const duban::tasks::v1::Item& item,
                              absl::Time now);
  absl::Status NotifyChanged(sql::Connection& conn, const duban::tasks::v1::Item& item,
                             absl::Time now);

  absl::StatusOr<ItemQuery> ToQuery(const Actor& actor, const duban::tasks::v1::ItemFilter& filter,
                                    absl::Time now) const;

  db::ConnectionPool* pool_;
  ItemStore* store_;
  RegistryLookup* registry_;
  const Clock* clock_;
  const absl::TimeZone zone_;
  const TasksOptions options_;
};

// The scheduler's subject of an item's deadline, "ITEM/<id>" as ordering key.
std::string ItemOrderingKey(const std::string& item_id);

}  // namespace duban::tasks

#endif  // DUBAN_SERVICES_TASKS_TASK_TRACKER_H_
