// Watch over a real gRPC server in-process (MariaDB from DUBAN_TEST_DB_SOCKET):
// tokens, narrowing to the caller's unit, resuming, cancellation and shutdown.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/db/outbox.h"
#include "common/runtime.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "services/supervision/migrations.h"
#include "services/supervision/supervision_policies.h"
#include "services/supervision/supervision_service.h"
#include "services/supervision/supervision_workflow.h"

namespace duban::supervision {
namespace {

using ::testing::ElementsAre;

const absl::Time kDue =
    absl::FromCivil(absl::CivilSecond(2026, 10, 23, 16, 0, 0), absl::UTCTimeZone());
constexpr char kSecret[] = "watch-service-test-secret-of-at-least-32-bytes";

class NoLiaisons final : public LiaisonDirectory {
 public:
  absl::StatusOr<std::string> CurrentLiaison(const std::string&) override { return ""; }
  absl::StatusOr<bool> UnitExists(const std::string&) override { return true; }
};

// Principals by subject: a unit liaison of u-yj and a supervision group member.
class FakeResolver final : public PrincipalResolver {
 public:
  // From now on p-liaison-yj is no longer u-yj's liaison.
  void Replace() {
    absl::MutexLock lock(&mu_);
    replaced_ = true;
  }

  absl::StatusOr<registry::v1::Principal> Resolve(const std::string& subject) override {
    absl::MutexLock lock(&mu_);
    registry::v1::Principal principal;
    principal.set_subject(subject);
    principal.set_person_id(subject);
    if (subject == "p-liaison-yj" && !replaced_) {
      registry::v1::Role* role = principal.add_roles();
      role->set_kind(registry::v1::ROLE_KIND_UNIT_LIAISON);
      role->set_unit_id("u-yj");
    } else if (subject == "p-group") {
      principal.add_roles()->set_kind(registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER);
    }
    return principal;
  }

 private:
  absl::Mutex mu_;
  bool replaced_ ABSL_GUARDED_BY(mu_) = false;
};

events::v1::Event Urging(const std::string& event_id, const std::string& item_id,
                         const std::string& unit_id) {
  scheduler::v1::RungFired fired;
  fired.mutable_firing()->set_rung(common::v1::RUNG_URGING);
  *fired.mutable_firing()->mutable_fired_at() = ToProto(kDue);
  fired.mutable_deadline()->mutable_subject()->set_kind(common::v1::SUBJECT_KIND_ITEM);
  fired.mutable_deadline()->mutable_subject()->set_id(item_id);
  fired.mutable_deadline()->set_owner_unit_id(unit_id);
  events::v1::Event event;
  event.set_event_id(event_id);
  event.set_source("scheduler");
  *event.mutable_occurred_at() = ToProto(kDue);
  event.mutable_payload()->PackFrom(fired);
  return event;
}

std::string Describe(const v1::WatchEvent& event) {
  if (event.has_notice()) return absl::StrCat(event.resume_token(), " notice ", event.unit_id());
  if (event.has_case_changed())
    return absl::StrCat(event.resume_token(), " case ", event.unit_id());
  return absl::StrCat(event.resume_token(), " other ", event.unit_id());
}

// Each test listens on a loopback port the kernel picks.
class WatchServiceTest : public ::testing::Test {
 protected:
  void Serve() {
    auto database = testing::TestDatabase::CreateMigrated("supervision", Migrations());
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = std::move(*database);
    WatchOptions watch;
    watch.poll_interval = absl::Milliseconds(20);
    workflow_ = std::make_unique<SupervisionWorkflow>(
        &database_->pool(), &clock_, *LoadZone("Asia/Shanghai"), &liaisons_, watch);
    AuthOptions auth;
    auth.secret = kSecret;
    auth.service_secret = kSecret;
    verifier_ = std::make_unique<TokenVerifier>(auth);
    authorizer_ = std::make_unique<Authorizer>(verifier_.get(), &resolver_, SupervisionPolicies());
    service_ = std::make_unique<SupervisionServiceImpl>(authorizer_.get(), workflow_.get(),
                                                        &database_->pool(), absl::Milliseconds(20));

    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr) << "cannot listen on 127.0.0.1";
    ASSERT_GT(port, 0);
    address_ = absl::StrCat("127.0.0.1:", port);
    stub_ = v1::SupervisionService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (workflow_) workflow_->watch_hub().Shutdown();
    if (server_) server_->Shutdown();
  }

  void Deliver(const std::vector<events::v1::Event>& events) {
    google::protobuf::RepeatedPtrField<events::v1::Event> batch(events.begin(), events.end());
    absl::StatusOr<int> applied =
        db::ApplyEvents(database_->pool(), clock_, batch,
                        [this](sql::Connection& conn, const events::v1::Event& event) {
                          return workflow_->ApplyEvent(conn, event);
                        });
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  std::unique_ptr<grpc::ClientReader<v1::WatchResponse>> Open(grpc::ClientContext& context,
                                                              const std::string& person,
                                                              const std::string& token) {
    AttachToken(context, *MintHs256Token(kSecret, person, "duban", absl::Now(), absl::Hours(1)));
    v1::WatchRequest request;
    request.set_resume_token(token);
    return stub_->Watch(&context, request);
  }

  std::vector<std::string> ReadN(grpc::ClientReader<v1::WatchResponse>& reader, int n) {
    std::vector<std::string> read;
    v1::WatchResponse response;
    while (static_cast<int>(read.size()) < n && reader.Read(&response)) {
      read.push_back(Describe(response.event()));
    }
    return read;
  }

  FakeClock clock_{kDue};
  NoLiaisons liaisons_;
  FakeResolver resolver_;
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<SupervisionWorkflow> workflow_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<SupervisionServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::SupervisionService::Stub> stub_;
  std::string address_;
};

TEST_F(WatchServiceTest, ALiaisonReceivesOnlyTheirUnitLiveAndAfterResuming) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  Deliver({Urging("scheduler:1", "i-1", "u-yj"), Urging("scheduler:2", "i-2", "u-zj")});

  grpc::ClientContext first_context;
  auto first = Open(first_context, "p-liaison-yj", "wf-0");
  EXPECT_THAT(ReadN(*first, 2), ElementsAre("wf-1 case u-yj", "wf-2 notice u-yj"));
  // Live: another unit's change is skipped, this unit's arrives.
  Deliver({Urging("scheduler:3", "i-3", "u-zj"), Urging("scheduler:4", "i-4", "u-yj")});
  EXPECT_THAT(ReadN(*first, 1), ElementsAre("wf-7 case u-yj"));
  first_context.TryCancel();
  EXPECT_EQ(first->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // Disconnected after wf-7: the rest of this unit, once each.
  Deliver({Urging("scheduler:5", "i-5", "u-zj"), Urging("scheduler:6", "i-6", "u-yj")});
  grpc::ClientContext resumed_context;
  auto resumed = Open(resumed_context, "p-liaison-yj", "wf-7");
  EXPECT_THAT(ReadN(*resumed, 3),
              ElementsAre("wf-8 notice u-yj", "wf-11 case u-yj", "wf-12 notice u-yj"));
  resumed_context.TryCancel();
  resumed->Finish();
}

TEST_F(WatchServiceTest, TheGroupSeesEveryUnitAndABadTokenIsRefused) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  Deliver({Urging("scheduler:1", "i-1", "u-yj"), Urging("scheduler:2", "i-2", "u-zj")});

  grpc::ClientContext context;
  auto reader = Open(context, "p-group", "wf-0");
  EXPECT_THAT(ReadN(*reader, 4), ElementsAre("wf-1 case u-yj", "wf-2 notice u-yj", "wf-3 case u-zj",
                                             "wf-4 notice u-zj"));
  context.TryCancel();
  reader->Finish();

  grpc::ClientContext bad_context;
  auto bad = Open(bad_context, "p-group", "yesterday");
  v1::WatchResponse response;
  EXPECT_FALSE(bad->Read(&response));
  const grpc::Status status = bad->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().substr(0, 13), "resume_token:");
}

TEST_F(WatchServiceTest, ShuttingDownEndsOpenStreamsCleanly) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  grpc::ClientContext context;
  auto reader = Open(context, "p-group", "");
  workflow_->watch_hub().Shutdown();
  v1::WatchResponse response;
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_TRUE(reader->Finish().ok());
}

TEST_F(WatchServiceTest, AReplacedLiaisonsStreamEndsAndCannotReopen) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  Deliver({Urging("scheduler:1", "i-1", "u-yj")});
  grpc::ClientContext context;
  auto reader = Open(context, "p-liaison-yj", "wf-0");
  EXPECT_THAT(ReadN(*reader, 2), ElementsAre("wf-1 case u-yj", "wf-2 notice u-yj"));

  resolver_.Replace();
  Deliver({Urging("scheduler:2", "i-2", "u-yj")});
  // Whatever was read before the next rights check, the stream then ends.
  ReadN(*reader, 10);
  EXPECT_TRUE(reader->Finish().ok());

  grpc::ClientContext again_context;
  auto again = Open(again_context, "p-liaison-yj", "wf-0");
  v1::WatchResponse response;
  EXPECT_FALSE(again->Read(&response));
  EXPECT_EQ(again->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(WatchServiceTest, EndingWatchesCancelsAStreamStuckWritingToAClientThatStoppedReading) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  Deliver({Urging("scheduler:1", "i-1", "u-yj")});
  // A client whose flow-control window takes no message: the server's first
  // write waits for it to read, which it never does.
  grpc::ChannelArguments stalled;
  stalled.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1);
  stalled.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  auto stub = v1::SupervisionService::NewStub(
      grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), stalled));
  grpc::ClientContext context;
  AttachToken(context, *MintHs256Token(kSecret, "p-group", "duban", absl::Now(), absl::Hours(1)));
  v1::WatchRequest request;
  request.set_resume_token("wf-0");
  auto reader = stub->Watch(&context, request);
  for (int i = 0; i < 2000 && service_->WatchesWriting() == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ(service_->WatchesWriting(), 1);

  const SupervisionServiceImpl::WatchesEnded ended = service_->EndWatches();
  EXPECT_EQ(ended.open, 1);
  EXPECT_EQ(ended.cancelled_writing, 1);
  EXPECT_EQ(service_->WatchesWriting(), 0);
  // A stream opened afterwards ends at once, with OK and nothing written.
  grpc::ClientContext later_context;
  auto later = Open(later_context, "p-group", "wf-0");
  v1::WatchResponse response;
  EXPECT_FALSE(later->Read(&response));
  EXPECT_TRUE(later->Finish().ok());
  // Had the write held on, the server would cancel it only when this grace
  // ran out, and the client would see UNAVAILABLE ("Cancelling all calls").
  server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

}  // namespace
}  // namespace duban::supervision
