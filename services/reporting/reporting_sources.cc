#include "services/reporting/reporting_sources.h"

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/runtime.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::reporting {
namespace {

// Network timeouts run on real time, whatever the test clock says.
constexpr absl::Duration kCallTimeout = absl::Seconds(10);
constexpr int kPageSize = 500;

absl::Status From(absl::string_view service, const grpc::Status& status) {
  absl::Status converted = FromGrpc(status);
  if (converted.ok()) return converted;
  return absl::Status(converted.code(), absl::StrCat(service, ": ", converted.message()));
}

class GrpcReportingSources final : public ReportingSources {
 public:
  explicit GrpcReportingSources(Peers peers) : peers_(std::move(peers)) {}

  absl::StatusOr<std::vector<supervision::v1::SupervisionCase>> CasesOpenedBefore(
      absl::Time end) override {
    supervision::v1::ListCasesRequest request;
    *request.mutable_opened_to() = ToProto(end);
    std::vector<supervision::v1::SupervisionCase> cases;
    DUBAN_RETURN_IF_ERROR(AllPages<supervision::v1::ListCasesResponse>(
        "supervision", request,
        [&](auto& context, auto& page) {
          return peers_.supervision->ListCases(&context, request, &page);
        },
        [&](auto& page) {
          for (auto& c : *page.mutable_cases()) cases.push_back(std::move(c));
        }));
    return cases;
  }

  absl::StatusOr<tasks::v1::Item> Item(const std::string& item_id) override {
    tasks::v1::GetItemRequest request;
    request.set_item_id(item_id);
    tasks::v1::GetItemResponse response;
    grpc::ClientContext context;
    Prepare(context);
    DUBAN_RETURN_IF_ERROR(From("tasks", peers_.tasks->GetItem(&context, request, &response)));
    return std::move(*response.mutable_item());
  }

  absl::StatusOr<std::string> UnitName(const std::string& unit_id) override {
    registry::v1::GetUnitRequest request;
    request.set_unit_id(unit_id);
    registry::v1::GetUnitResponse response;
    grpc::ClientContext context;
    Prepare(context);
    DUBAN_RETURN_IF_ERROR(From("registry", peers_.registry->GetUnit(&context, request, &response)));
    return response.unit().name();
  }

  absl::Status RecordCircular(const std::string& request_id, const std::string& circular_id,
                              const std::vector<std::string>& case_ids, absl::Time issued_at,
                              const std::string& issuer_token) override {
    supervision::v1::RecordCircularRequest request;
    request.set_request_id(request_id);
    request.set_circular_id(circular_id);
    for (const std::string& id : case_ids) request.add_case_ids(id);
    *request.mutable_issued_at() = ToProto(issued_at);
    supervision::v1::RecordCircularResponse response;
    grpc::ClientContext context;
    Prepare(context, issuer_token.empty());
    if (!issuer_token.empty()) AttachToken(context, issuer_token);
    return From("supervision", peers_.supervision->RecordCircular(&context, request, &response));
  }

  absl::StatusOr<std::vector<tasks::v1::Item>> Items(const tasks::v1::ItemFilter& filter) override {
    tasks::v1::ListItemsRequest request;
    *request.mutable_filter() = filter;
    std::vector<tasks::v1::Item> items;
    DUBAN_RETURN_IF_ERROR(AllPages<tasks::v1::ListItemsResponse>(
        "tasks", request,
        [&](auto& context, auto& page) {
          return peers_.tasks->ListItems(&context, request, &page);
        },
        [&](auto& page) {
          for (auto& item : *page.mutable_items()) items.push_back(std::move(item));
        }));
    return items;
  }

  absl::StatusOr<std::vector<scheduler::v1::Deadline>> ReportDeadlines(absl::Time from,
                                                                       absl::Time to) override {
    scheduler::v1::ListDeadlinesRequest request;
    request.set_subject_kind(common::v1::SUBJECT_KIND_REPORT);
    *request.mutable_due_from() = ToProto(from);
    *request.mutable_due_to() = ToProto(to);
    std::vector<scheduler::v1::Deadline> deadlines;
    DUBAN_RETURN_IF_ERROR(AllPages<scheduler::v1::ListDeadlinesResponse>(
        "scheduler", request,
        [&](auto& context, auto& page) {
          return peers_.scheduler->ListDeadlines(&context, request, &page);
        },
        [&](auto& page) {
          for (auto& d : *page.mutable_deadlines()) deadlines.push_back(std::move(d));
        }));
    return deadlines;
  }

  absl::StatusOr<registry::v1::LiaisonTerm> Liaison(const std::string& unit_id,
                                                    absl::Time at) override {
    registry::v1::GetLiaisonRequest request;
    request.set_unit_id(unit_id);
    *request.mutable_as_of() = ToProto(at);
    registry::v1::GetLiaisonResponse response;
    grpc::ClientContext context;
    Prepare(context);
    DUBAN_RETURN_IF_ERROR(
        From("registry", peers_.registry->GetLiaison(&context, request, &response)));
    return response.term();
  }

  absl::StatusOr<std::vector<registry::v1::Person>> Leaders() override {
    registry::v1::ListPeopleRequest request;
    request.set_role(registry::v1::ROLE_KIND_DISTRICT_LEADER);
    std::vector<registry::v1::Person> people;
    DUBAN_RETURN_IF_ERROR(AllPages<registry::v1::ListPeopleResponse>(
        "registry", request,
        [&](auto& context, auto& page) {
          return peers_.registry->ListPeople(&context, request, &page);
        },
        [&](auto& page) {
          for (auto& p : *page.mutable_people()) people.push_back(std::move(p));
        }));
    return people;
  }

  absl::StatusOr<std::vector<minutes::v1::DispatchEvent>> DispatchEvents(
      absl::CivilDay from, absl::CivilDay to) override {
    minutes::v1::ListDispatchEventsRequest request;
    *request.mutable_held_from() = ToProto(from);
    *request.mutable_held_to() = ToProto(to);
    std::vector<minutes::v1::DispatchEvent> events;
    DUBAN_RETURN_IF_ERROR(AllPages<minutes::v1::ListDispatchEventsResponse>(
        "minutes", request,
        [&](auto& context, auto& page) {
          return peers_.minutes->ListDispatchEvents(&context, request, &page);
        },
        [&](auto& page) {
          for (auto& e : *page.mutable_events()) events.push_back(std::move(e));
        }));
    return events;
  }

  absl::StatusOr<minutes::v1::DispatchEvent> DispatchEvent(const std::string& event_id) override {
    minutes::v1::GetDispatchEventRequest request;
    request.set_event_id(event_id);
    minutes::v1::GetDispatchEventResponse response;
    grpc::ClientContext context;
    Prepare(context);
    DUBAN_RETURN_IF_ERROR(
        From("minutes", peers_.minutes->GetDispatchEvent(&context, request, &response)));
    return response.event();
  }

  absl::StatusOr<std::vector<supervision::v1::Notice>> UrgingNotices(absl::Time from,
                                                                     absl::Time to) override {
    supervision::v1::ListNoticesRequest request;
    request.set_kind(supervision::v1::NOTICE_KIND_URGING);
    *request.mutable_from() = ToProto(from);
    *request.mutable_to() = ToProto(to);
    std::vector<supervision::v1::Notice> notices;
    DUBAN_RETURN_IF_ERROR(AllPages<supervision::v1::ListNoticesResponse>(
        "supervision", request,
        [&](auto& context, auto& page) {
          return peers_.supervision->ListNotices(&context, request, &page);
        },
        [&](auto& page) {
          for (auto& n : *page.mutable_notices()) notices.push_back(std::move(n));
        }));
    return notices;
  }

 private:
  // Calls `call` for each page (setting page size and token on `request`)
  // and hands each to `take`.
  template <typename Response, typename Request, typename Call, typename Take>
  absl::Status AllPages(absl::string_view service, Request& request, Call call, Take take) {
    request.set_page_size(kPageSize);
    request.clear_page_token();
    do {
      Response page;
      grpc::ClientContext context;
      Prepare(context);
      DUBAN_RETURN_IF_ERROR(From(service, call(context, page)));
      take(page);
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return absl::OkStatus();
  }

  void Prepare(grpc::ClientContext& context, bool service_token = true) {
    context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
    if (service_token && peers_.token) {
      const std::string token = peers_.token();
      if (!token.empty()) AttachToken(context, token);
    }
  }

  Peers peers_;
};

}  // namespace

std::unique_ptr<ReportingSources> NewGrpcReportingSources(Peers peers) {
  return std::make_unique<GrpcReportingSources>(std::move(peers));
}

}  // namespace duban::reporting
