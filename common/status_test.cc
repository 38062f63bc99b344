#include "common/status.h"

#include <gtest/gtest.h>

namespace duban {
namespace {

TEST(InvalidFieldTest, NamesTheFieldFirst) {
  absl::Status status = InvalidField("deadline", "is in the past");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "deadline: is in the past");
}

TEST(ToGrpcTest, KeepsEveryCodeAndMessage) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status status(static_cast<absl::StatusCode>(code), "what went wrong");
    grpc::Status converted = ToGrpc(status);
    EXPECT_EQ(static_cast<int>(converted.error_code()), code);
    EXPECT_EQ(converted.error_message(), "what went wrong");
    EXPECT_EQ(FromGrpc(converted), status);
  }
}

TEST(ToGrpcTest, OkStaysOk) {
  EXPECT_TRUE(ToGrpc(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpc(grpc::Status::OK).ok());
}

TEST(FromGrpcTest, UnknownCodeBecomesUnknown) {
  grpc::Status status(static_cast<grpc::StatusCode>(42), "from the future");
  absl::Status converted = FromGrpc(status);
  EXPECT_EQ(converted.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(converted.message(), "from the future");
}

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return InvalidField("n", "is odd");
  return n / 2;
}

absl::StatusOr<int> Quarter(int n) {
  DUBAN_ASSIGN_OR_RETURN(int half, Half(n));
  DUBAN_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

absl::Status CheckEven(int n) {
  DUBAN_RETURN_IF_ERROR(Half(n).status());
  return absl::OkStatus();
}

TEST(StatusMacrosTest, PropagateTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "n: is odd");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(3).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace duban
