// Side-by-side measurements in one run, on this machine:
//   1. a durable write through the tasks service (CreateItem: the item, its
//      units, the audit record, the request log and two outbox events in one
//      transaction) against the same rows written by a plain Connector/C++
//      loop, one transaction per item, at the same concurrency and against
//      the same server (so the same durability settings);
//   2. a read through the tasks service (GetItem, authenticated with a user's
//      token, roles resolved by the registry) against an empty gRPC call
//      (grpc.health.v1.Health/Check on the same server);
//   3. each service's resident memory when idle.
// Results go to --out as a Markdown table (see the README).
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>
#include <google/protobuf/util/json_util.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/dubanctl/cycle.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "common/status.h"
#include "common/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/e2e/cluster.h"

ABSL_FLAG(std::string, out, "bench/results.md", "Where to write the results table.");
ABSL_FLAG(absl::Duration, run_time, absl::Seconds(4), "How long each measurement runs.");

namespace duban::bench {
namespace {

namespace tasks = duban::tasks::v1;

struct Rate {
  double per_second = 0;
  int64_t ops = 0;
  int64_t errors = 0;
  std::string first_error;
};

// Runs `op` from `callers` threads for `run_time`; op(caller, n) -> status.
Rate Measure(int callers, absl::Duration run_time,
             const std::function<absl::Status(int, int64_t)>& op) {
  std::atomic<int64_t> ops{0}, errors{0};
  std::mutex mu;
  std::string first_error;
  const absl::Time start = SystemClock::Get()->Now();
  const absl::Time end = start + run_time;
  std::vector<std::thread> threads;
  for (int c = 0; c < callers; ++c) {
    threads.emplace_back([&, c] {
      for (int64_t n = 0; SystemClock::Get()->Now() < end; ++n) {
        absl::Status status = op(c, n);
        if (status.ok()) {
          ops.fetch_add(1);
          continue;
        }
        errors.fetch_add(1);
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.empty()) first_error = status.ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = absl::ToDoubleSeconds(SystemClock::Get()->Now() - start);
  return {ops.load() / seconds, ops.load(), errors.load(), first_error};
}

tasks::CreateItemRequest NewItem(const std::vector<std::string>& units, int caller, int64_t n) {
  tasks::CreateItemRequest request;
  static std::atomic<int64_t> next{0};
  request.set_request_id(absl::StrFormat("bench-%d-%d", getpid(), next.fetch_add(1)));
  request.set_lead_unit_id(units[0]);
  request.add_responsible_unit_ids(units[1]);
  request.add_responsible_unit_ids(units[2]);
  request.set_content("推进石化科创小镇（一期）及石化维保基地项目前期工作，协调解决用地报批问题");
  request.set_measures("每周召开专题协调会，倒排工期，明确责任人");
  *request.mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 12, 31));
  return request;
}

// The raw side: the same tables as the tasks service, in a database of its own.
absl::Status PrepareRawDatabase(db::ConnectionPool& pool, const std::string& service_db) {
  return db::WithConnection(pool, [&](sql::Connection& conn) {
    std::unique_ptr<sql::Statement> s(conn.createStatement());
    s->execute("DROP DATABASE IF EXISTS bench_raw");
    s->execute("CREATE DATABASE bench_raw CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    for (const char* table : {"items", "item_units", "audit_log", "request_log", "outbox"}) {
      s->execute(
          absl::StrCat("CREATE TABLE bench_raw.", table, " LIKE `", service_db, "`.", table));
    }
    return absl::OkStatus();
  });
}

// One item's rows, written as the service writes them, in one transaction.
absl::Status RawInsert(sql::Connection& conn, const tasks::Item& item, const std::string& body,
                       const std::string& request_bytes, int caller, int64_t n) {
  static std::atomic<int64_t> next{0};
  const std::string id = absl::StrFormat("raw-%d-%d", getpid(), next.fetch_add(1));
  const std::string now = db::ToSqlTime(SystemClock::Get()->Now());
  const std::string due = db::ToSqlTime(FromProto(item.due_at()));
  conn.setAutoCommit(false);
  std::unique_ptr<sql::PreparedStatement> items(conn.prepareStatement(
      "INSERT INTO bench_raw.items (id, source_kind, lead_unit_id, content, deadline_kind, "
      "deadline_date, due_at, original_due_at, status, created_at, revision, body) "
      "VALUES (?, 4, ?, ?, 'D', '2026-12-31', ?, ?, 1, ?, 1, ?)"));
  items->setString(1, id);
  items->setString(2, item.lead_unit_id());
  items->setString(3, item.content());
  items->setString(4, due);
  items->setString(5, due);
  items->setString(6, now);
  items->setString(7, body);
  items->executeUpdate();
  std::unique_ptr<sql::PreparedStatement> units(conn.prepareStatement(
      "INSERT INTO bench_raw.item_units (item_id, unit_id, role, position) VALUES "
      "(?, ?, 'L', 0), (?, ?, 'R', 0), (?, ?, 'R', 1)"));
  units->setString(1, id);
  units->setString(2, item.lead_unit_id());
  units->setString(3, id);
  units->setString(4, item.responsible_unit_ids(0));
  units->setString(5, id);
  units->setString(6, item.responsible_unit_ids(1));
  units->executeUpdate();
  std::unique_ptr<sql::PreparedStatement> audit(conn.prepareStatement(
      "INSERT INTO bench_raw.audit_log (actor, at, action, entity_type, entity_id, before_json, "
      "after_json, request_id) VALUES ('bench', ?, 'tasks.CreateItem', 'item', ?, '', ?, ?)"));
  audit->setString(1, now);
  audit->setString(2, id);
  audit->setString(3, body);
  audit->setString(4, id);
  audit->executeUpdate();
  std::unique_ptr<sql::PreparedStatement> request_log(conn.prepareStatement(
      "INSERT INTO bench_raw.request_log (request_id, method, request, response, created_at) "
      "VALUES (?, 'tasks.CreateItem', ?, ?, ?)"));
  request_log->setString(1, id);
  request_log->setString(2, request_bytes);
  request_log->setString(3, body);
  request_log->setString(4, now);
  request_log->executeUpdate();
  std::unique_ptr<sql::PreparedStatement> outbox(conn.prepareStatement(
      "INSERT INTO bench_raw.outbox (destination, ordering_key, payload, created_at) VALUES "
      "('scheduler', ?, ?, ?), ('supervision', ?, ?, ?)"));
  for (int i = 0; i < 2; ++i) {
    outbox->setString(1 + 3 * i, id);
    outbox->setString(2 + 3 * i, body);
    outbox->setString(3 + 3 * i, now);
  }
  outbox->executeUpdate();
  conn.commit();
  return absl::OkStatus();
}

std::string Row(const std::string& what, int callers, const Rate& ours, const Rate& base,
                double target) {
  double ratio = base.per_second > 0 ? ours.per_second / base.per_second : 0;
  return absl::StrFormat("| %s | %d | %.0f | %.0f | %.2f | %.1f | %s |\n", what, callers,
                         ours.per_second, base.per_second, ratio, target,
                         ratio >= target ? "met" : "not met");
}

int64_t ResidentKiB(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

int Run() {
  auto cluster = testing::Cluster::Start({.name = "bench", .base_port = 22000});
  if (!cluster.ok()) {
    std::cerr << cluster.status() << "\n";
    return 1;
  }
  client::Session& s = (*cluster)->session();
  std::ostringstream log;
  auto matters = client::ReadFile("examples/dispatch_matters.csv");
  auto liaisons = client::ReadFile("examples/unit_liaisons.csv");
  if (!matters.ok() || !liaisons.ok()) {
    std::cerr << "run from the repository root (examples/ not found)\n";
    return 1;
  }
  if (absl::Status imported = client::ImportSample(s, {*matters, *liaisons}, log); !imported.ok()) {
    std::cerr << imported << "\n" << log.str();
    return 1;
  }
  std::vector<std::string> units = {*s.UnitId("发改局"), *s.UnitId("统计局"), *s.UnitId("应急局")};
  std::string office = *s.TokenAs("沈三");

  // Resident memory once started and idle, before any load.
  std::string memory;
  for (const std::string& service : client::ServiceNames()) {
    absl::StrAppendFormat(&memory, "| %s | %.1f | %s |\n", service,
                          ResidentKiB((*cluster)->pid(service)) / 1024.0,
                          ResidentKiB((*cluster)->pid(service)) < 40 * 1024 ? "met" : "not met");
  }

  db::DbOptions raw_options;
  raw_options.socket = testing::TestDbSocket();
  raw_options.pool_size = 16;
  db::ConnectionPool raw_pool(raw_options);
  if (absl::Status ready = PrepareRawDatabase(raw_pool, (*cluster)->database("tasks"));
      !ready.ok()) {
    std::cerr << ready << "\n";
    return 1;
  }

  const absl::Duration run_time = absl::GetFlag(FLAGS_run_time);
  std::vector<std::string> created_ids;
  std::mutex ids_mu;
  auto service_write = [&](int caller, int64_t n) -> absl::Status {
    tasks::CreateItemResponse response;
    auto context = client::Context(office);
    DUBAN_RETURN_IF_ERROR(FromGrpc(
        s.clients().tasks().CreateItem(context.get(), NewItem(units, caller, n), &response)));
    std::lock_guard<std::mutex> lock(ids_mu);
    created_ids.push_back(response.item().id());
    return absl::OkStatus();
  };
  // A sample item and its JSON, so the raw rows are as large as the service's.
  tasks::CreateItemResponse sample;
  {
    auto context = client::Context(office);
    s.clients().tasks().CreateItem(context.get(), NewItem(units, 99, 0), &sample);
  }
  std::string body;
  google::protobuf::util::MessageToJsonString(sample.item(), &body);
  std::string request_bytes = NewItem(units, 0, 0).SerializeAsString();
  auto raw_write = [&](int caller, int64_t n) -> absl::Status {
    return db::WithConnection(raw_pool, [&](sql::Connection& conn) {
      return RawInsert(conn, sample.item(), body, request_bytes, caller, n);
    });
  };
  auto health = grpc::health::v1::Health::NewStub(s.clients().channel("tasks"));
  auto empty_call = [&](int, int64_t) -> absl::Status {
    grpc::health::v1::HealthCheckResponse response;
    auto context = client::Context(office);
    return FromGrpc(health->Check(context.get(), {}, &response));
  };
  std::mt19937_64 random(42);
  auto service_read = [&](int caller, int64_t n) -> absl::Status {
    tasks::GetItemRequest request;
    {
      std::lock_guard<std::mutex> lock(ids_mu);
      request.set_item_id(created_ids[(caller * 7919 + n) % created_ids.size()]);
    }
    tasks::GetItemResponse response;
    auto context = client::Context(office);
    return FromGrpc(s.clients().tasks().GetItem(context.get(), request, &response));
  };

  std::string table;
  for (int callers : {1, 8}) {
    Rate ours = Measure(callers, run_time, service_write);
    Rate base = Measure(callers, run_time, raw_write);
    table +=
        Row("durable write: CreateItem vs raw Connector/C++ transaction", callers, ours, base, 0.8);
    for (const Rate& r : {ours, base}) {
      if (r.errors > 0) std::cerr << "write errors: " << r.errors << " " << r.first_error << "\n";
    }
  }
  for (int callers : {1, 8}) {
    Rate ours = Measure(callers, run_time, service_read);
    Rate base = Measure(callers, run_time, empty_call);
    table += Row("read: GetItem vs empty gRPC call", callers, ours, base, 0.5);
    for (const Rate& r : {ours, base}) {
      if (r.errors > 0) std::cerr << "read errors: " << r.errors << " " << r.first_error << "\n";
    }
  }

  std::ofstream out(absl::GetFlag(FLAGS_out));
  out << "# Benchmark results\n\n"
      << "Made by `bench/run.sh` on " << std::thread::hardware_concurrency()
      << " cores; each figure is operations per second over " << absl::FormatDuration(run_time)
      << ", both sides measured in the same run.\n\n"
      << "| measurement | callers | Duban ops/s | baseline ops/s | ratio | target | |\n"
      << "| --- | --- | --- | --- | --- | --- | --- |\n"
      << table << "\n## Resident memory when idle\n\n"
      << "| service | MiB | under 40 MiB |\n| --- | --- | --- |\n"
      << memory;
  return 0;
}

}  // namespace
}  // namespace duban::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return duban::bench::Run();
}
