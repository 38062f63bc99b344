#include "common/db/statement.h"

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>

#include <sstream>
#include <utility>

namespace duban::db {
namespace {

// A prepared statement with its parameters bound, and the streams its blobs
// are read from, which must live until the statement has run.
struct Bound {
  std::unique_ptr<sql::PreparedStatement> statement;
  std::vector<std::unique_ptr<std::istringstream>> blobs;
};

Bound Prepare(sql::Connection& conn, const std::string& sql, const std::vector<Param>& params) {
  Bound bound;
  bound.statement.reset(conn.prepareStatement(sql));
  for (size_t i = 0; i < params.size(); ++i) {
    const unsigned int index = static_cast<unsigned int>(i + 1);
    const Param& param = params[i];
    switch (param.kind()) {
      case Param::Kind::kText:
        bound.statement->setString(index, param.text());
        break;
      case Param::Kind::kNumber:
        bound.statement->setInt64(index, param.number());
        break;
      case Param::Kind::kNull:
        bound.statement->setNull(index, sql::DataType::VARCHAR);
        break;
      case Param::Kind::kBlob:
        bound.blobs.push_back(std::make_unique<std::istringstream>(param.text()));
        bound.statement->setBlob(index, bound.blobs.back().get());
        break;
    }
  }
  return bound;
}

}  // namespace

Param Param::Blob(std::string bytes) {
  Param param(std::move(bytes));
  param.kind_ = Kind::kBlob;
  return param;
}

std::unique_ptr<sql::ResultSet> Query(sql::Connection& conn, const std::string& sql,
                                      const std::vector<Param>& params) {
  Bound bound = Prepare(conn, sql, params);
  return std::unique_ptr<sql::ResultSet>(bound.statement->executeQuery());
}

int Execute(sql::Connection& conn, const std::string& sql, const std::vector<Param>& params) {
  Bound bound = Prepare(conn, sql, params);
  return bound.statement->executeUpdate();
}

}  // namespace duban::db
