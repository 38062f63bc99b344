#include "services/reporting/circular_sources.h"

#include <grpcpp/client_context.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/runtime.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::reporting {
namespace {

// Network timeouts run on real time, whatever the test clock says.
constexpr absl::Duration kCallTimeout = absl::Seconds(10);

absl::Status From(absl::string_view service, const grpc::Status& status) {
  absl::Status converted = FromGrpc(status);
  if (converted.ok()) return converted;
  return absl::Status(converted.code(), absl::StrCat(service, ": ", converted.message()));
}

class GrpcCircularSources final : public CircularSources {
 public:
  explicit GrpcCircularSources(CircularPeers peers) : peers_(std::move(peers)) {}

  absl::StatusOr<std::vector<supervision::v1::SupervisionCase>> CasesOpenedBefore(
      absl::Time end) override {
    std::vector<supervision::v1::SupervisionCase> cases;
    supervision::v1::ListCasesRequest request;
    request.set_page_size(500);
    *request.mutable_opened_to() = ToProto(end);
    do {
      supervision::v1::ListCasesResponse page;
      grpc::ClientContext context;
      Prepare(context);
      DUBAN_RETURN_IF_ERROR(
          From("supervision", peers_.supervision->ListCases(&context, request, &page)));
      for (auto& c : *page.mutable_cases()) cases.push_back(std::move(c));
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return cases;
  }

  absl::StatusOr<std::string> ItemContent(const std::string& item_id) override {
    tasks::v1::GetItemRequest request;
    request.set_item_id(item_id);
    tasks::v1::GetItemResponse response;
    grpc::ClientContext context;
    Prepare(context);
    DUBAN_RETURN_IF_ERROR(From("tasks", peers_.tasks->GetItem(&context, request, &response)));
    return response.item().content();
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
                              const std::vector<std::string>& case_ids,
                              absl::Time issued_at) override {
    supervision::v1::RecordCircularRequest request;
    request.set_request_id(request_id);
    request.set_circular_id(circular_id);
    for (const std::string& id : case_ids) request.add_case_ids(id);
    *request.mutable_issued_at() = ToProto(issued_at);
    supervision::v1::RecordCircularResponse response;
    grpc::ClientContext context;
    Prepare(context);
    return From("supervision", peers_.supervision->RecordCircular(&context, request, &response));
  }

 private:
  void Prepare(grpc::ClientContext& context) {
    context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
    if (peers_.token) {
      const std::string token = peers_.token();
      if (!token.empty()) AttachToken(context, token);
    }
  }

  CircularPeers peers_;
};

}  // namespace

std::unique_ptr<CircularSources> NewGrpcCircularSources(CircularPeers peers) {
  return std::make_unique<GrpcCircularSources>(std::move(peers));
}

}  // namespace duban::reporting
