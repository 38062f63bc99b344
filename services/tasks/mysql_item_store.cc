#include "services/tasks/mysql_item_store.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/util/json_util.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/db/pool.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::tasks {
namespace {

using duban::tasks::v1::Item;

using db::Param;

Param OptionalTime(const google::protobuf::Timestamp& ts, bool has) {
  if (!has) return Param::Null();
  return db::ToSqlTime(FromProto(ts));
}

absl::StatusOr<std::string> ToJson(const Item& item) {
  Item stored = item;
  stored.clear_light();
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(stored, &json);
  if (!status.ok()) return absl::InternalError(absl::StrCat("item ", item.id(), ": not storable"));
  return json;
}

absl::StatusOr<Item> FromJson(const std::string& json) {
  Item item;
  auto status = google::protobuf::util::JsonStringToMessage(json, &item);
  if (!status.ok()) return absl::DataLossError("items.body: not an Item");
  return item;
}

// The columns every insert and update writes, after `id`, in order.
constexpr char kColumns[] =
    "source_kind, source_document_id, source_event_id, leader_id, matter_id, lead_unit_id, "
    "content, deadline_kind, deadline_date, due_at, original_due_at, status, referred_at, "
    "parent_item_id, created_at, reported_complete_at, closed_at, open_ended_at, revision, body";

// The first of reported complete, split and closed: when the item stopped being open.
Param OpenEndedAt(const Item& item) {
  std::optional<absl::Time> ended;
  auto consider = [&](const google::protobuf::Timestamp& ts, bool has) {
    if (has && (!ended || FromProto(ts) < *ended)) ended = FromProto(ts);
  };
  consider(item.reported_complete_at(), item.has_reported_complete_at());
  consider(item.split_at(), item.has_split_at());
  consider(item.closed_at(), item.has_closed_at());
  if (!ended) return Param::Null();
  return db::ToSqlTime(*ended);
}

absl::StatusOr<std::vector<Param>> Row(const Item& item) {
  DUBAN_ASSIGN_OR_RETURN(std::string body, ToJson(item));
  const auto& source = item.source();
  const bool is_date = item.deadline().has_date();
  Param deadline_date = Param::Null();
  if (is_date) {
    const auto& d = item.deadline().date();
    deadline_date = FormatDay(absl::CivilDay(d.year(), d.month(), d.day()));
  }
  return std::vector<Param>{
      static_cast<int64_t>(source.kind()),
      source.document_id(),
      source.event_id(),
      source.leader_id(),
      source.matter_ids().empty() ? std::string() : source.matter_ids(0),
      item.lead_unit_id(),
      item.content(),
      std::string(is_date ? "D" : "I"),
      deadline_date,
      db::ToSqlTime(FromProto(item.due_at())),
      // original_due_at: an item is inserted with its original deadline in force.
      db::ToSqlTime(FromProto(item.due_at())),
      static_cast<int64_t>(item.status()),
      OptionalTime(item.referred_at(), item.has_referred_at()),
      item.parent_item_id(),
      db::ToSqlTime(FromProto(item.created_at())),
      OptionalTime(item.reported_complete_at(), item.has_reported_complete_at()),
      OptionalTime(item.closed_at(), item.has_closed_at()),
      OpenEndedAt(item),
      item.revision(),
      std::move(body),
  };
}

template <typename Fn>
auto Guarded(std::string_view what, Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const sql::SQLException& e) {
    return db::SqlError(e, what);
  }
}

absl::Status WriteUnits(sql::Connection& conn, const Item& item) {
  std::unique_ptr<sql::PreparedStatement> clear(
      conn.prepareStatement("DELETE FROM item_units WHERE item_id = ?"));
  clear->setString(1, item.id());
  clear->executeUpdate();
  std::unique_ptr<sql::PreparedStatement> add(conn.prepareStatement(
      "INSERT INTO item_units (item_id, unit_id, role, position) VALUES (?, ?, ?, ?)"));
  auto insert = [&](const std::string& unit, const char* role, int position) {
    add->setString(1, item.id());
    add->setString(2, unit);
    add->setString(3, role);
    add->setInt(4, position);
    add->executeUpdate();
  };
  insert(item.lead_unit_id(), "L", 0);
  for (int i = 0; i < item.responsible_unit_ids_size(); ++i) {
    insert(item.responsible_unit_ids(i), "R", i);
  }
  return absl::OkStatus();
}

// Builds the WHERE clause of `query` (without the page position).
class WhereBuilder {
 public:
  explicit WhereBuilder(const ItemQuery& query) { Build(query); }

  std::string Clause() const {
    return conditions_.empty() ? std::string() : " WHERE " + absl::StrJoin(conditions_, " AND ");
  }
  std::vector<Param>& params() { return params_; }

  void Add(std::string condition, std::vector<Param> params) {
    conditions_.push_back(std::move(condition));
    for (auto& p : params) params_.push_back(std::move(p));
  }

 private:
  void Build(const ItemQuery& q) {
    if (q.restricted) AddScope(q);
    if (!q.lead_unit_id.empty()) Add("i.lead_unit_id = ?", {q.lead_unit_id});
    if (!q.responsible_unit_id.empty()) AddUnit(q.responsible_unit_id, " AND u.role = 'R'");
    if (!q.unit_id.empty()) AddUnit(q.unit_id, "");
    if (!q.leader_id.empty()) Add("i.leader_id = ?", {q.leader_id});
    if (!q.matter_id.empty()) Add("i.matter_id = ?", {q.matter_id});
    if (!q.document_id.empty()) Add("i.source_document_id = ?", {q.document_id});
    if (!q.parent_item_id.empty()) Add("i.parent_item_id = ?", {q.parent_item_id});
    if (!q.content_contains.empty()) {
      Add("i.content LIKE ? ESCAPE '!'", {"%" + EscapeLike(q.content_contains) + "%"});
    }
    if (!q.statuses.empty()) AddStatuses(q.statuses);
    if (q.open_only) Add("i.status NOT IN (5, 6)", {});
    if (q.referred_only) Add("i.referred_at IS NOT NULL", {});
    if (!q.lights.empty()) AddLights(q);
    AddDue(q);
    if (q.open_during_to) Add("i.created_at <= ?", {db::ToSqlTime(*q.open_during_to)});
    if (q.open_during_from) {
      Add("(i.open_ended_at IS NULL OR i.open_ended_at > ?)", {db::ToSqlTime(*q.open_during_from)});
    }
  }

  void AddScope(const ItemQuery& q) {
    std::vector<std::string> alternatives;
    std::vector<Param> params;
    if (!q.scope_units.empty()) {
      std::vector<std::string> marks(q.scope_units.size(), "?");
      alternatives.push_back(absl::StrCat(
          "EXISTS (SELECT 1 FROM item_units s WHERE s.item_id = i.id AND s.unit_id IN (",
          absl::StrJoin(marks, ", "), "))"));
      for (const auto& unit : q.scope_units) params.push_back(unit);
    }
    if (!q.scope_leader_id.empty()) {
      alternatives.push_back("i.leader_id = ?");
      params.push_back(q.scope_leader_id);
    }
    if (!q.scope_matters.empty()) {
      std::vector<std::string> marks(q.scope_matters.size(), "?");
      alternatives.push_back(absl::StrCat("i.matter_id IN (", absl::StrJoin(marks, ", "), ")"));
      for (const auto& matter : q.scope_matters) params.push_back(matter);
    }
    if (alternatives.empty()) alternatives.push_back("FALSE");
    Add("(" + absl::StrJoin(alternatives, " OR ") + ")", std::move(params));
  }

  void AddUnit(const std::string& unit, const char* role_condition) {
    Add(absl::StrCat("EXISTS (SELECT 1 FROM item_units u WHERE u.item_id = i.id AND u.unit_id = ?",
                     role_condition, ")"),
        {unit});
  }

  void AddStatuses(const std::vector<duban::tasks::v1::ItemStatus>& statuses) {
    std::vector<std::string> marks;
    std::vector<Param> params;
    for (auto status : statuses) {
      marks.push_back("?");
      params.push_back(static_cast<int64_t>(status));
    }
    Add("i.status IN (" + absl::StrJoin(marks, ", ") + ")", std::move(params));
  }

  // Mirrors LightAt: done first, then red from due_at, yellow from due_at - lead.
  void AddLights(const ItemQuery& q) {
    const std::string now = db::ToSqlTime(q.now);
    const std::string warn = db::ToSqlTime(q.now + q.warning_lead);
    std::vector<std::string> alternatives;
    std::vector<Param> params;
    for (auto light : q.lights) {
      switch (light) {
        case duban::tasks::v1::LIGHT_DONE:
          alternatives.push_back("i.status IN (4, 5)");
          break;
        case duban::tasks::v1::LIGHT_RED:
          alternatives.push_back("(i.status NOT IN (4, 5) AND i.due_at <= ?)");
          params.push_back(now);
          break;
        case duban::tasks::v1::LIGHT_YELLOW:
          alternatives.push_back("(i.status NOT IN (4, 5) AND i.due_at > ? AND i.due_at <= ?)");
          params.push_back(now);
          params.push_back(warn);
          break;
        case duban::tasks::v1::LIGHT_GREEN:
          alternatives.push_back("(i.status NOT IN (4, 5) AND i.due_at > ?)");
          params.push_back(warn);
          break;
        default:
          break;
      }
    }
    if (alternatives.empty()) alternatives.push_back("FALSE");
    Add("(" + absl::StrJoin(alternatives, " OR ") + ")", std::move(params));
  }

  void AddDue(const ItemQuery& q) {
    if (q.due_from_day) {
      Add("((i.deadline_kind = 'D' AND i.deadline_date >= ?) OR "
          "(i.deadline_kind = 'I' AND i.due_at >= ?))",
          {*q.due_from_day, db::ToSqlTime(*q.due_from_start)});
    }
    if (q.due_to_day) {
      Add("((i.deadline_kind = 'D' AND i.deadline_date <= ?) OR "
          "(i.deadline_kind = 'I' AND i.due_at < ?))",
          {*q.due_to_day, db::ToSqlTime(*q.due_to_end)});
    }
  }

  static std::string EscapeLike(const std::string& text) {
    return absl::StrReplaceAll(text, {{"!", "!!"}, {"%", "!%"}, {"_", "!_"}});
  }

  std::vector<std::string> conditions_;
  std::vector<Param> params_;
};

}  // namespace

absl::StatusOr<std::optional<Item>> MysqlItemStore::Load(sql::Connection& conn,
                                                         const std::string& id, bool for_update) {
  return Guarded("load item", [&]() -> absl::StatusOr<std::optional<Item>> {
    std::unique_ptr<sql::PreparedStatement> statement(conn.prepareStatement(
        absl::StrCat("SELECT body FROM items WHERE id = ?", for_update ? " FOR UPDATE" : "")));
    statement->setString(1, id);
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    if (!rows->next()) return std::optional<Item>();
    DUBAN_ASSIGN_OR_RETURN(Item item, FromJson(rows->getString(1)));
    return std::optional<Item>(std::move(item));
  });
}

absl::StatusOr<bool> MysqlItemStore::Insert(sql::Connection& conn, const Item& item) {
  DUBAN_ASSIGN_OR_RETURN(std::vector<Param> row, Row(item));
  return Guarded("insert item", [&]() -> absl::StatusOr<bool> {
    const std::string sql_text(
        absl::StrCat("INSERT IGNORE INTO items (id, ", kColumns,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    row.insert(row.begin(), item.id());
    if (db::Execute(conn, sql_text, row) == 0) return false;
    DUBAN_RETURN_IF_ERROR(WriteUnits(conn, item));
    return true;
  });
}

absl::Status MysqlItemStore::Update(sql::Connection& conn, const Item& item) {
  DUBAN_ASSIGN_OR_RETURN(std::vector<Param> row, Row(item));
  return Guarded("update item", [&]() -> absl::Status {
    // original_due_at never changes after the insert.
    const std::string sql_text(
        "UPDATE items SET source_kind = ?, source_document_id = ?, source_event_id = ?, "
        "leader_id = ?, matter_id = ?, lead_unit_id = ?, content = ?, deadline_kind = ?, "
        "deadline_date = ?, due_at = ?, original_due_at = original_due_at, status = ?, "
        "referred_at = ?, parent_item_id = ?, created_at = ?, reported_complete_at = ?, "
        "closed_at = ?, open_ended_at = ?, revision = ?, body = ? WHERE id = ?");
    row.erase(row.begin() + 10);
    row.push_back(item.id());
    if (db::Execute(conn, sql_text, row) == 0) {
      return absl::NotFoundError(absl::StrCat("item ", item.id(), " not found"));
    }
    return WriteUnits(conn, item);
  });
}

absl::StatusOr<std::vector<Item>> MysqlItemStore::List(sql::Connection& conn,
                                                       const ItemQuery& query) {
  WhereBuilder where(query);
  if (query.after) {
    const std::string due = db::ToSqlTime(query.after->first);
    where.Add("(i.due_at > ? OR (i.due_at = ? AND i.id > ?))", {due, due, query.after->second});
  }
  return Guarded("list items", [&]() -> absl::StatusOr<std::vector<Item>> {
    const std::string sql_text(absl::StrCat("SELECT i.body FROM items i", where.Clause(),
                                            " ORDER BY i.due_at, i.id LIMIT ", query.limit));
    std::unique_ptr<sql::ResultSet> rows = db::Query(conn, sql_text, where.params());
    std::vector<Item> items;
    while (rows->next()) {
      DUBAN_ASSIGN_OR_RETURN(Item item, FromJson(rows->getString(1)));
      items.push_back(std::move(item));
    }
    return items;
  });
}

absl::StatusOr<LightCounts> MysqlItemStore::Count(sql::Connection& conn, const ItemQuery& query) {
  WhereBuilder where(query);
  const std::string now = db::ToSqlTime(query.now);
  const std::string warn = db::ToSqlTime(query.now + query.warning_lead);
  std::vector<Param> params = {warn, now, warn, now};
  for (auto& p : where.params()) params.push_back(p);
  return Guarded("count items", [&]() -> absl::StatusOr<LightCounts> {
    const std::string sql_text(
        absl::StrCat("SELECT COUNT(*), "
                     "COALESCE(SUM(i.status NOT IN (4, 5) AND i.due_at > ?), 0), "
                     "COALESCE(SUM(i.status NOT IN (4, 5) AND i.due_at > ? AND i.due_at <= ?), 0), "
                     "COALESCE(SUM(i.status NOT IN (4, 5) AND i.due_at <= ?), 0), "
                     "COALESCE(SUM(i.status IN (4, 5)), 0) FROM items i",
                     where.Clause()));
    std::unique_ptr<sql::ResultSet> rows = db::Query(conn, sql_text, params);
    LightCounts counts;
    if (rows->next()) {
      counts.count = rows->getInt64(1);
      counts.green = rows->getInt64(2);
      counts.yellow = rows->getInt64(3);
      counts.red = rows->getInt64(4);
      counts.done = rows->getInt64(5);
    }
    return counts;
  });
}

}  // namespace duban::tasks
