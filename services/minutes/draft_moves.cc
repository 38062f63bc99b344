// MinutesWorkflow's side of the events it receives: the scheduler's moves of
// draft deadlines.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/status.h"
#include "services/minutes/minutes_store.h"
#include "services/minutes/minutes_workflow.h"

namespace duban::minutes {
namespace {

absl::Status AuditMove(sql::Connection& conn, const events::v1::Event& event, absl::Time now,
                       std::string entity_type, const std::string& entity_id,
                       const google::protobuf::Message& before,
                       const google::protobuf::Message& after) {
  return db::WriteAudit(conn, {.actor = absl::StrCat("service:", event.source()),
                               .at = now,
                               .action = "minutes.DraftDeadlineMoved",
                               .entity_type = std::move(entity_type),
                               .entity_id = entity_id,
                               .before = &before,
                               .after = &after,
                               .request_id = event.event_id()});
}

}  // namespace

absl::Status MinutesWorkflow::ApplyEvent(sql::Connection& conn, const events::v1::Event& event) {
  if (!event.payload().Is<scheduler::v1::DeadlineMoved>()) return absl::OkStatus();
  scheduler::v1::DeadlineMoved moved;
  if (!event.payload().UnpackTo(&moved)) {
    return InvalidField("payload", absl::StrCat("event ", event.event_id(), " is malformed"));
  }
  if (moved.subject().kind() != common::v1::SUBJECT_KIND_DRAFT) return absl::OkStatus();
  if (moved.subject().id().empty()) return InvalidField("subject.id", "required");
  if (!moved.has_due_at()) return InvalidField("due_at", "required");
  return ApplyDraftMoved(conn, event, moved);
}

absl::Status MinutesWorkflow::ApplyDraftMoved(sql::Connection& conn, const events::v1::Event& event,
                                              const scheduler::v1::DeadlineMoved& moved) {
  absl::StatusOr<v1::DispatchEvent> loaded =
      MinutesStore::LoadEvent(conn, moved.subject().id(), /*for_update=*/true);
  // Not one of ours: nothing shows its instant, and refusing would only make
  // the scheduler resend it forever.
  if (absl::IsNotFound(loaded.status())) return absl::OkStatus();
  DUBAN_RETURN_IF_ERROR(loaded.status());
  DUBAN_ASSIGN_OR_RETURN(int64_t applied, MinutesStore::DraftDueRevision(conn, loaded->id()));
  if (moved.revision() <= applied) return absl::OkStatus();

  const absl::Time now = clock_->Now();
  const v1::DispatchEvent before = *loaded;
  v1::DispatchEvent& dispatch_event = *loaded;
  *dispatch_event.mutable_draft_due_at() = moved.due_at();
  DUBAN_RETURN_IF_ERROR(MinutesStore::MoveDraftDue(conn, dispatch_event, moved.revision()));
  DUBAN_RETURN_IF_ERROR(
      AuditMove(conn, event, now, "dispatch_event", dispatch_event.id(), before, dispatch_event));
  if (dispatch_event.document_id().empty()) return absl::OkStatus();

  DUBAN_ASSIGN_OR_RETURN(v1::Document document,
                         MinutesStore::LoadDocument(conn, dispatch_event.document_id(), true));
  const v1::Document document_before = document;
  *document.mutable_draft_due_at() = moved.due_at();
  DUBAN_RETURN_IF_ERROR(MinutesStore::UpdateDocumentBody(conn, document));
  return AuditMove(conn, event, now, "document", document.id(), document_before, document);
}

}  // namespace duban::minutes
