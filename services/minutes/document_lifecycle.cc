#include "services/minutes/document_lifecycle.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::minutes {
namespace {

using v1::DocumentState;

absl::Status NotIn(const Document& document, absl::string_view action,
                   std::initializer_list<DocumentState> allowed) {
  for (DocumentState state : allowed) {
    if (document.state() == state) return absl::OkStatus();
  }
  std::vector<std::string> names;
  for (DocumentState state : allowed) names.push_back(StateName(state));
  return absl::FailedPreconditionError(
      absl::StrCat("document ", document.id(), " is ", StateName(document.state()), ": cannot ",
                   action, " (only when ", absl::StrJoin(names, " or "), ")"));
}

bool IsBlank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

v1::Countersignature* FindCountersignature(Document& document, const std::string& unit_id) {
  for (v1::Countersignature& signature : *document.mutable_countersignatures()) {
    if (signature.unit_id() == unit_id) return &signature;
  }
  return nullptr;
}

}  // namespace

std::string StateName(v1::DocumentState state) {
  constexpr absl::string_view kPrefix = "DOCUMENT_STATE_";
  return v1::DocumentState_Name(state).substr(kPrefix.size());
}

absl::Status ReviseDraft(Document& document, const Document& content) {
  if (document.state() != v1::DOCUMENT_STATE_UNSPECIFIED) {
    DUBAN_RETURN_IF_ERROR(NotIn(document, "save the draft",
                                {v1::DOCUMENT_STATE_DRAFTING, v1::DOCUMENT_STATE_RETURNED}));
  }

  std::set<int> ordinals;
  google::protobuf::RepeatedPtrField<v1::AgreedItem> items = content.items();
  for (int i = 0; i < items.size(); ++i) {
    v1::AgreedItem& item = items[i];
    if (item.ordinal() == 0) item.set_ordinal(i + 1);
    if (item.ordinal() < 0) {
      return InvalidField(absl::StrCat("items[", i, "].ordinal"), "must be positive");
    }
    if (!ordinals.insert(item.ordinal()).second) {
      return InvalidField(absl::StrCat("items[", i, "].ordinal"),
                          absl::StrCat("ordinal ", item.ordinal(), " is used twice"));
    }
    item.clear_item_id();
  }

  document.set_kind(content.kind());
  document.set_title(content.title());
  document.set_document_number(content.document_number());
  *document.mutable_items() = std::move(items);
  document.set_state(v1::DOCUMENT_STATE_DRAFTING);
  return absl::OkStatus();
}

absl::Status CheckItemsComplete(const Document& document) {
  if (document.items().empty()) {
    return InvalidField("items", "the draft has no agreed item");
  }
  for (int i = 0; i < document.items_size(); ++i) {
    const v1::AgreedItem& item = document.items(i);
    const std::string where = absl::StrCat("items[", i, "].");
    const std::string which = absl::StrCat("item ", item.ordinal(), " ");
    if (IsBlank(item.task())) {
      return InvalidField(where + "task", which + "names no task");
    }
    if (item.responsible_unit_ids().empty()) {
      return InvalidField(where + "responsible_unit_ids", which + "names no responsible unit");
    }
    if (item.deadline().kind_case() == common::v1::Deadline::KIND_NOT_SET) {
      return InvalidField(where + "deadline", which + "has no deadline");
    }
  }
  return absl::OkStatus();
}

absl::Status RouteForCountersign(Document& document,
                                 const std::vector<std::string>& countersigning_unit_ids,
                                 absl::Time now) {
  DUBAN_RETURN_IF_ERROR(NotIn(document, "route for countersigning",
                              {v1::DOCUMENT_STATE_DRAFTING, v1::DOCUMENT_STATE_RETURNED}));
  DUBAN_RETURN_IF_ERROR(CheckItemsComplete(document));

  std::set<std::string> seen;
  for (size_t i = 0; i < countersigning_unit_ids.size(); ++i) {
    if (countersigning_unit_ids[i].empty() || !seen.insert(countersigning_unit_ids[i]).second) {
      return InvalidField(absl::StrCat("countersigning_unit_ids[", i, "]"), "empty or named twice");
    }
  }

  document.clear_countersignatures();
  for (const std::string& unit_id : countersigning_unit_ids) {
    document.add_countersignatures()->set_unit_id(unit_id);
  }
  if (!document.has_routed_at()) *document.mutable_routed_at() = ToProto(now);
  document.clear_returned_comment();
  document.set_state(countersigning_unit_ids.empty() ? v1::DOCUMENT_STATE_AWAITING_SIGN_OFF
                                                     : v1::DOCUMENT_STATE_COUNTERSIGNING);
  return absl::OkStatus();
}

absl::Status Countersign(Document& document, const std::string& unit_id,
                         const std::string& person_id, absl::Time now) {
  DUBAN_RETURN_IF_ERROR(NotIn(document, "countersign", {v1::DOCUMENT_STATE_COUNTERSIGNING}));
  v1::Countersignature* signature = FindCountersignature(document, unit_id);
  if (signature == nullptr) {
    return InvalidField(
        "unit_id",
        absl::StrCat("unit ", unit_id, " is not asked to countersign document ", document.id()));
  }
  if (signature->has_countersigned_at()) {
    return absl::FailedPreconditionError(absl::StrCat("document ", document.id(),
                                                      " is COUNTERSIGNING: unit ", unit_id,
                                                      " has already countersigned"));
  }

  *signature->mutable_countersigned_at() = ToProto(now);
  signature->set_person_id(person_id);
  for (const v1::Countersignature& other : document.countersignatures()) {
    if (!other.has_countersigned_at()) return absl::OkStatus();
  }
  document.set_state(v1::DOCUMENT_STATE_AWAITING_SIGN_OFF);
  return absl::OkStatus();
}

absl::Status ReturnDraft(Document& document, const std::string& unit_id,
                         const std::string& comment) {
  if (IsBlank(comment)) return InvalidField("comment", "a returned draft needs a reason");
  if (unit_id.empty()) {
    DUBAN_RETURN_IF_ERROR(
        NotIn(document, "return the draft",
              {v1::DOCUMENT_STATE_COUNTERSIGNING, v1::DOCUMENT_STATE_AWAITING_SIGN_OFF}));
  } else {
    DUBAN_RETURN_IF_ERROR(NotIn(document, "return the draft as a countersigning unit",
                                {v1::DOCUMENT_STATE_COUNTERSIGNING}));
    v1::Countersignature* signature = FindCountersignature(document, unit_id);
    if (signature == nullptr) {
      return InvalidField(
          "unit_id",
          absl::StrCat("unit ", unit_id, " is not asked to countersign document ", document.id()));
    }
    signature->set_returned_comment(comment);
  }

  document.set_returned_comment(comment);
  document.set_state(v1::DOCUMENT_STATE_RETURNED);
  return absl::OkStatus();
}

absl::Status SignOffAndIssue(Document& document, const std::string& issued_by, absl::Time now) {
  DUBAN_RETURN_IF_ERROR(
      NotIn(document, "sign off and issue", {v1::DOCUMENT_STATE_AWAITING_SIGN_OFF}));
  DUBAN_RETURN_IF_ERROR(CheckItemsComplete(document));

  for (v1::AgreedItem& item : *document.mutable_items()) {
    item.set_item_id(ItemId(document.id(), item.ordinal()));
  }
  *document.mutable_issued_at() = ToProto(now);
  document.set_issued_by(issued_by);
  document.set_state(v1::DOCUMENT_STATE_ISSUED);
  return absl::OkStatus();
}

std::string ItemId(const std::string& document_id, int ordinal) {
  return absl::StrCat(document_id, "-", ordinal);
}

}  // namespace duban::minutes
