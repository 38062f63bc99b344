// The supervision binary at SIGTERM with a Watch subscriber that stopped
// reading: the stream blocked writing to it is ended as shutdown begins, so
// the process exits cleanly long before its shutdown grace would run out.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/dubanctl/client.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

namespace duban::testing {
namespace {

using ::testing::HasSubstr;

namespace supervision = duban::supervision::v1;

// The lines of the supervision log that record the hook ending Watch streams.
std::vector<std::string> WatchStreamsEndedLines(Cluster& cluster) {
  std::vector<std::string> lines;
  std::istringstream log(cluster.LogTail("supervision", 200));
  for (std::string line; std::getline(log, line);) {
    if (line.find("\"event\":\"watch_streams_ended\"") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

TEST(SupervisionShutdownTest, SigtermEndsAWatchStreamWhoseClientStoppedReadingAndExitsZero) {
  // A grace far beyond what StopService waits for (15 s): a stream holding
  // the shutdown would make the stop fail instead of exiting with 0.
  auto started = Cluster::Start({.name = "stalledwatch",
                                 .base_port = 22840,
                                 .service_flags = {{"supervision", {"--shutdown_grace=60s"}}}});
  ASSERT_TRUE(started.ok()) << started.status();
  Cluster& cluster = **started;
  client::Session& s = cluster.session();
  const std::string admin = *s.AdminToken();

  // Enough new items on the feed to fill a small flow-control window.
  auto unit = CreateUnit(s, "甲局");
  ASSERT_TRUE(unit.ok()) << unit.status();
  for (int i = 0; i < 60; ++i) {
    auto item =
        CreateItem(s, admin, *unit, {*unit}, absl::StrCat("事项", i), DateDeadline(2027, 6, 30));
    ASSERT_TRUE(item.ok()) << item.status();
  }
  auto now = s.Now();
  ASSERT_TRUE(now.ok()) << now.status();
  ASSERT_TRUE(cluster.AdvanceTo(*now + absl::Seconds(1)).ok());

  // A subscriber that takes the first event and then stops reading, with a
  // window of 1 KiB: supervision soon blocks writing to it.
  grpc::ChannelArguments stalled;
  stalled.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1024);
  stalled.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  auto stub = supervision::SupervisionService::NewStub(grpc::CreateCustomChannel(
      cluster.address("supervision"), grpc::InsecureChannelCredentials(), stalled));
  auto context = client::Context(admin, absl::Minutes(5));
  supervision::WatchRequest request;
  request.set_resume_token("wf-0");
  auto reader = stub->Watch(context.get(), request);
  supervision::WatchResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.event().resume_token(), "wf-1");

  const absl::Status stopped = cluster.StopService("supervision");
  EXPECT_TRUE(stopped.ok()) << stopped;
  const std::vector<std::string> ended = WatchStreamsEndedLines(cluster);
  ASSERT_EQ(ended.size(), 1u) << cluster.LogTail("supervision");
  EXPECT_THAT(ended[0], HasSubstr("\"open\":\"1\""));
  // However far the stream had got, it has ended: cancelled if it was caught
  // writing, with OK if it was between two events.
  while (reader->Read(&response)) {
  }
  const grpc::Status status = reader->Finish();
  if (ended[0].find("\"cancelled_writing\":\"1\"") != std::string::npos) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << status.error_message();
  } else {
    EXPECT_THAT(ended[0], HasSubstr("\"cancelled_writing\":\"0\""));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::OK) << status.error_message();
  }
}

}  // namespace
}  // namespace duban::testing
