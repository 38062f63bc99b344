// What every dubanctl command works with: the service clients, tokens for the
// people it acts as, the test clock, and printing.
#ifndef DUBAN_CLI_DUBANCTL_SESSION_H_
#define DUBAN_CLI_DUBANCTL_SESSION_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/dubanctl/client.h"

namespace duban::client {

struct SessionOptions {
  Endpoints endpoints;
  // HS256 secret of users' tokens (development: the OA system's role).
  std::string jwt_secret;
  std::string audience = "duban";
  // The subject that holds the admin role by bootstrap.
  std::string admin_subject = "admin";
  std::string test_clock_file;
  std::string time_zone = "Asia/Shanghai";
  // How long one call to a service may take, waiting for its connection included.
  absl::Duration call_timeout = absl::Seconds(30);
};

class Session {
 public:
  static absl::StatusOr<Session> Open(SessionOptions options);

  const Clients& clients() const { return *clients_; }
  absl::TimeZone zone() const { return zone_; }
  const SessionOptions& options() const { return options_; }

  // A token for the admin.
  absl::StatusOr<std::string> AdminToken();
  // A token for the person with this exact name (names are unique in the
  // sample registry), or for `name_or_id` taken as a person id when no one has
  // that name. NOT_FOUND naming it when the registry has no such person.
  absl::StatusOr<std::string> TokenAs(const std::string& name_or_id);
  // The person id of the person with this exact name.
  absl::StatusOr<std::string> PersonId(const std::string& name);
  // The unit id of the unit with this exact name.
  absl::StatusOr<std::string> UnitId(const std::string& name);
  absl::StatusOr<std::string> UnitName(const std::string& unit_id);
  // The id of the unit with this exact name, or `name_or_id` itself when it is
  // a unit's id. NOT_FOUND naming it when the registry has no such unit.
  absl::StatusOr<std::string> ExistingUnitId(const std::string& name_or_id);

  // A client context carrying `token` whose deadline is the call timeout.
  std::unique_ptr<grpc::ClientContext> CallContext(const std::string& token) const;
  // The status of a call to `service`; when the service could not be reached
  // (UNAVAILABLE) or did not answer in time (DEADLINE_EXCEEDED), the message
  // names the service and its address.
  absl::Status CallStatus(const std::string& service, const grpc::Status& status) const;
  // The name of the service `stub` (one of clients()' stubs) calls; "" for another.
  std::string ServiceOf(const void* stub) const;

  // Moves the shared test clock and settles every service.
  absl::StatusOr<SettleReport> AdvanceTo(absl::Time t);
  absl::StatusOr<absl::Time> Now() const;

 private:
  Session() = default;
  SessionOptions options_;
  absl::TimeZone zone_;
  std::shared_ptr<Clients> clients_;
  std::shared_ptr<TokenMinter> minter_;
  // Whether each id tried as a person's id names a person in the registry.
  std::map<std::string, bool> known_people_;
  std::map<std::string, std::string> person_ids_;
  std::map<std::string, std::string> unit_ids_;
  std::map<std::string, std::string> unit_names_;
};

// Formats a status for the terminal.
std::string Describe(const absl::Status& status);

}  // namespace duban::client

#endif  // DUBAN_CLI_DUBANCTL_SESSION_H_
