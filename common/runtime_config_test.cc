#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/reflection.h"
#include "common/runtime.h"

namespace duban {
namespace {

// Runs LoadServiceConfig on `args` with the flags restored afterwards.
absl::StatusOr<ServiceConfig> Load(const std::string& service, std::vector<std::string> args) {
  absl::FlagSaver saver;
  args.insert(args.begin(), "duban-" + service);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return LoadServiceConfig(static_cast<int>(args.size()), argv.data(), service);
}

// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

class SecretFile {
 public:
  explicit SecretFile(const std::string& contents) {
    char path[] = "/tmp/duban-secret-XXXXXX";
    const int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(write(fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
    close(fd);
    path_ = path;
  }
  ~SecretFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(DefaultPortTest, EachServiceHasItsPorts) {
  EXPECT_EQ(DefaultPort("registry"), 50051);
  EXPECT_EQ(DefaultPort("minutes"), 50052);
  EXPECT_EQ(DefaultPort("tasks"), 50053);
  EXPECT_EQ(DefaultPort("reporting"), 50054);
  EXPECT_EQ(DefaultPort("scheduler"), 50055);
  EXPECT_EQ(DefaultPort("supervision"), 50056);
  EXPECT_EQ(DefaultMetricsPort("registry"), 9101);
  EXPECT_EQ(DefaultMetricsPort("supervision"), 9106);
}

TEST(LoadServiceConfigTest, DefaultsWithDevelopmentSecrets) {
  absl::StatusOr<ServiceConfig> config = Load("tasks", {"--dev_insecure_secrets"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->service, "tasks");
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->port, 50053);
  EXPECT_EQ(config->metrics_port, 9103);
  EXPECT_EQ(config->db.database, "duban_tasks");
  EXPECT_EQ(config->db.host, "127.0.0.1");
  EXPECT_EQ(config->time_zone, "Asia/Shanghai");
  EXPECT_EQ(config->max_threads, 16);
  EXPECT_EQ(config->shutdown_grace, absl::Seconds(10));
  EXPECT_EQ(config->principal_cache_ttl, absl::ZeroDuration());
  EXPECT_EQ(config->auth.algorithm, "HS256");
  EXPECT_EQ(config->auth.audience, "duban");
  EXPECT_FALSE(config->auth.secret.empty());
  EXPECT_FALSE(config->auth.service_secret.empty());
  EXPECT_NE(config->auth.secret, config->auth.service_secret);
  EXPECT_EQ(config->peers.at("registry"), "127.0.0.1:50051");
  EXPECT_EQ(config->peers.at("supervision"), "127.0.0.1:50056");
  EXPECT_EQ(config->peers.size(), 6u);
}

TEST(LoadServiceConfigTest, RefusesToStartWithoutSecrets) {
  absl::StatusOr<ServiceConfig> config = Load("tasks", {});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(),
            "jwt_secret_file: required (or --dev_insecure_secrets for local development)");
}

TEST(LoadServiceConfigTest, AShortHs256SecretIsRefusedNamingTheFile) {
  SecretFile user("short\n"), service("service-secret-0123456789abcdef01234\n");
  absl::StatusOr<ServiceConfig> config = Load(
      "minutes", {"--jwt_secret_file=" + user.path(), "--service_secret_file=" + service.path()});
  EXPECT_EQ(config.status(),
            absl::InvalidArgumentError(
                "jwt_secret_file: the secret has 5 bytes; HS256 needs at least 32"));
}

TEST(LoadServiceConfigTest, ReadsSecretFilesWithoutTheTrailingNewline) {
  SecretFile user("user-secret-0123456789abcdef0123456\n"),
      service("service-secret-0123456789abcdef01234\n");
  absl::StatusOr<ServiceConfig> config = Load(
      "minutes", {"--jwt_secret_file=" + user.path(), "--service_secret_file=" + service.path(),
                  "--bootstrap_admins=alice,bob", "--jwt_issuer=oa"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->auth.secret, "user-secret-0123456789abcdef0123456");
  EXPECT_EQ(config->auth.service_secret, "service-secret-0123456789abcdef01234");
  EXPECT_EQ(config->auth.bootstrap_admins, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(config->auth.issuer, "oa");
}

TEST(LoadServiceConfigTest, MissingSecretFileNamesTheFlag) {
  absl::StatusOr<ServiceConfig> config =
      Load("minutes", {"--jwt_secret_file=/nonexistent/secret", "--dev_insecure_secrets"});
  EXPECT_EQ(config.status().message(), "jwt_secret_file: cannot read /nonexistent/secret");
}

TEST(LoadServiceConfigTest, Rs256NeedsAPublicKey) {
  absl::StatusOr<ServiceConfig> config =
      Load("minutes", {"--jwt_algorithm=RS256", "--dev_insecure_secrets"});
  EXPECT_EQ(config.status().message(), "jwt_public_key_file: required with jwt_algorithm RS256");
  EXPECT_EQ(Load("minutes", {"--jwt_algorithm=none", "--dev_insecure_secrets"}).status().message(),
            "jwt_algorithm: must be HS256 or RS256, got \"none\"");
}

TEST(LoadServiceConfigTest, EnvironmentFillsFlagsNotOnTheCommandLine) {
  ScopedEnv port("DUBAN_PORT", "50151");
  ScopedEnv db_name("DUBAN_DB_NAME", "from_env");
  ScopedEnv grace("DUBAN_SHUTDOWN_GRACE", "3s");
  ScopedEnv dev("DUBAN_DEV_INSECURE_SECRETS", "true");
  ScopedEnv peer("DUBAN_TASKS_ADDR", "127.0.0.1:50159");
  absl::StatusOr<ServiceConfig> config = Load("scheduler", {"--db_name=from_flag"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->port, 50151);
  EXPECT_EQ(config->db.database, "from_flag");
  EXPECT_EQ(config->shutdown_grace, absl::Seconds(3));
  EXPECT_EQ(config->peers.at("tasks"), "127.0.0.1:50159");
}

TEST(LoadServiceConfigTest, BadEnvironmentValueNamesTheVariable) {
  ScopedEnv port("DUBAN_PORT", "fifty");
  absl::StatusOr<ServiceConfig> config = Load("scheduler", {"--dev_insecure_secrets"});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message().substr(0, 12), "DUBAN_PORT: ");
}

TEST(LoadServiceConfigTest, OutOfRangeEnvironmentValueNamesTheVariable) {
  ScopedEnv port("DUBAN_METRICS_PORT", "70000");
  absl::StatusOr<ServiceConfig> config = Load("scheduler", {"--dev_insecure_secrets"});
  EXPECT_EQ(config.status().message(), "DUBAN_METRICS_PORT: must be a port (1..65535), got 70000");
}

TEST(LoadServiceConfigTest, OutOfRangeFlagNamesTheFlag) {
  EXPECT_EQ(Load("scheduler", {"--dev_insecure_secrets", "--max_threads=1"}).status().message(),
            "max_threads: must be at least 2");
  EXPECT_EQ(
      Load("scheduler", {"--dev_insecure_secrets", "--time_zone=Nowhere/Land"}).status().message(),
      "time_zone: unknown time zone \"Nowhere/Land\"");
  EXPECT_EQ(Load("scheduler", {"--dev_insecure_secrets", "--test_clock_start=yesterday"})
                .status()
                .message(),
            "test_clock_start: not an RFC 3339 time: \"yesterday\"");
}

TEST(LoadServiceConfigTest, MetricsCanBeDisabled) {
  absl::StatusOr<ServiceConfig> config =
      Load("registry", {"--dev_insecure_secrets", "--metrics_port=-1",
                        "--test_clock_start=2026-10-01T00:00:00+08:00"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->metrics_port, -1);
  EXPECT_EQ(config->test_clock_start, absl::FromUnixSeconds(1790784000));
}

TEST(LoadServiceConfigTest, DatabaseTimeoutsAndRetentionHaveDefaults) {
  absl::StatusOr<ServiceConfig> config = Load("tasks", {"--dev_insecure_secrets"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->db.read_timeout, absl::Seconds(30));
  EXPECT_EQ(config->db.write_timeout, absl::Seconds(30));
  EXPECT_EQ(config->retention, absl::Hours(720));
}

TEST(LoadServiceConfigTest, DatabaseTimeoutsAndRetentionComeFromFlagsOrTheEnvironment) {
  ScopedEnv read("DUBAN_DB_READ_TIMEOUT", "5s");
  ScopedEnv retention("DUBAN_RETENTION", "2160h");
  absl::StatusOr<ServiceConfig> config =
      Load("tasks", {"--dev_insecure_secrets", "--db_write_timeout=7s", "--db_read_timeout=6s"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->db.read_timeout, absl::Seconds(6));
  EXPECT_EQ(config->db.write_timeout, absl::Seconds(7));
  EXPECT_EQ(config->retention, absl::Hours(2160));

  config = Load("tasks", {"--dev_insecure_secrets"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->db.read_timeout, absl::Seconds(5));

  config = Load("tasks", {"--dev_insecure_secrets", "--retention=0s", "--db_read_timeout=0s"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->retention, absl::ZeroDuration());
  EXPECT_EQ(config->db.read_timeout, absl::ZeroDuration());
}

TEST(LoadServiceConfigTest, NegativeTimeoutsAndRetentionAreRefusedNamingTheSetting) {
  EXPECT_EQ(Load("tasks", {"--dev_insecure_secrets", "--db_read_timeout=-1s"}).status(),
            absl::InvalidArgumentError("db_read_timeout: must not be negative"));
  EXPECT_EQ(Load("tasks", {"--dev_insecure_secrets", "--db_write_timeout=-1s"}).status(),
            absl::InvalidArgumentError("db_write_timeout: must not be negative"));
  ScopedEnv retention("DUBAN_RETENTION", "-24h");
  EXPECT_EQ(Load("tasks", {"--dev_insecure_secrets"}).status(),
            absl::InvalidArgumentError("DUBAN_RETENTION: must not be negative"));
}

TEST(LoadServiceConfigTest, RefusesPositionalArguments) {
  EXPECT_EQ(Load("registry", {"--dev_insecure_secrets", "stray"}).status().message(),
            "unexpected argument \"stray\"");
}

}  // namespace
}  // namespace duban
