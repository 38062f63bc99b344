// Prepared statements with their parameters bound in order, on top of
// Connector/C++ 1.1.
#ifndef DUBAN_COMMON_DB_STATEMENT_H_
#define DUBAN_COMMON_DB_STATEMENT_H_

#include <cppconn/connection.h>
#include <cppconn/resultset.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace duban::db {

// One statement parameter: text, an integer, SQL NULL or a blob (raw bytes).
// A value type that owns its data. Built implicitly from text, integers and
// nullptr, so a parameter list reads as {id, revision, nullptr}.
class Param {
 public:
  enum class Kind { kText, kNumber, kNull, kBlob };

  Param(std::string text) : kind_(Kind::kText), text_(std::move(text)) {}  // NOLINT: implicit
  Param(const char* text) : kind_(Kind::kText), text_(text) {}             // NOLINT: implicit
  Param(int value) : kind_(Kind::kNumber), number_(value) {}               // NOLINT: implicit
  Param(int64_t value) : kind_(Kind::kNumber), number_(value) {}           // NOLINT: implicit
  // true binds 1, false 0.
  Param(bool value) : kind_(Kind::kNumber), number_(value ? 1 : 0) {}  // NOLINT: implicit
  Param(std::nullptr_t) : kind_(Kind::kNull) {}                        // NOLINT: implicit

  static Param Null() { return Param(nullptr); }
  // Binary bytes bound as a blob (e.g. a serialized message).
  static Param Blob(std::string bytes);

  Kind kind() const { return kind_; }
  // The text or blob bytes; empty for numbers and NULL.
  const std::string& text() const { return text_; }
  // The number; 0 for the other kinds.
  int64_t number() const { return number_; }

 private:
  Kind kind_;
  std::string text_;
  int64_t number_ = 0;
};

// Prepares `sql` on `conn`, binds `params` to its placeholders in order and
// runs it as a query. The caller owns the result set, which stays usable after
// the prepared statement is released. Throws sql::SQLException as Connector/C++
// does (a bad statement, a parameter count that does not match, a server
// error); callers convert it (WithConnection, SqlError). Not thread-safe on one
// connection, like the connection itself.
std::unique_ptr<sql::ResultSet> Query(sql::Connection& conn, const std::string& sql,
                                      const std::vector<Param>& params = {});

// As Query, but runs the statement as an update and returns the number of rows
// it affected.
int Execute(sql::Connection& conn, const std::string& sql, const std::vector<Param>& params = {});

}  // namespace duban::db

#endif  // DUBAN_COMMON_DB_STATEMENT_H_
