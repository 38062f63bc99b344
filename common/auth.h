// Authentication (signed bearer tokens) and per-method authorization. The
// token names the caller; what they may do follows their current roles in the
// registry. Services call each other under a service identity.
#ifndef DUBAN_COMMON_AUTH_H_
#define DUBAN_COMMON_AUTH_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "duban/registry/v1/registry.pb.h"

namespace duban {

struct AuthOptions {
  // The algorithm users' tokens must use: "HS256" or "RS256". Pinned: a token
  // signed otherwise is refused.
  std::string algorithm = "HS256";
  // HS256: the shared secret (file contents, trailing newline ignored).
  std::string secret;
  // RS256: the OA system's PEM public key.
  std::string public_key;
  // Required "aud" of users' tokens.
  std::string audience = "duban";
  // Required "iss" when not empty.
  std::string issuer;
  // HS256 secret of the internal service identity.
  std::string service_secret;
  // Subjects that hold the admin role regardless of the registry (bootstrap).
  std::vector<std::string> bootstrap_admins;
  absl::Duration leeway = absl::Seconds(30);
};

struct TokenClaims {
  std::string subject;
  // True for the internal service identity ("service:<name>").
  bool is_service = false;
};

// Verifies tokens with libjwt: signature under the pinned algorithm, then
// expiry, not-before and audience (and issuer when configured), against the
// real clock (tokens live in real time, whatever the test clock says).
// UNAUTHENTICATED with the reason otherwise. Thread-safe.
//
// A token whose subject starts with "service:" is verified only as the
// service identity (HS256, service_secret, audience "duban-internal"); any
// other token only as a user's (options.algorithm and its key). So only the
// holder of service_secret can act as a service.
class TokenVerifier {
 public:
  explicit TokenVerifier(AuthOptions options);
  absl::StatusOr<TokenClaims> Verify(std::string_view token) const;
  const AuthOptions& options() const { return options_; }

 private:
  absl::StatusOr<TokenClaims> VerifyService(std::string_view token) const;
  absl::StatusOr<TokenClaims> VerifyUser(std::string_view token) const;

  AuthOptions options_;
};

// Mints an HS256 token (development tokens and the service identity).
absl::StatusOr<std::string> MintHs256Token(std::string_view secret, std::string_view subject,
                                           std::string_view audience, absl::Time issued_at,
                                           absl::Duration lifetime);

// Mints the service identity's token for `service`, valid for an hour.
absl::StatusOr<std::string> MintServiceToken(std::string_view service_secret,
                                             std::string_view service);

// Looks up a person's current roles. Thread-safe.
class PrincipalResolver {
 public:
  virtual ~PrincipalResolver() = default;
  // NOT_FOUND-free: an unknown subject resolves to a principal without roles.
  virtual absl::StatusOr<duban::registry::v1::Principal> Resolve(const std::string& subject) = 0;
};

// The authenticated caller of one RPC.
class Caller {
 public:
  Caller() = default;
  explicit Caller(duban::registry::v1::Principal principal);

  const std::string& subject() const { return principal_.subject(); }
  bool is_service() const { return principal_.is_service(); }
  const duban::registry::v1::Principal& principal() const { return principal_; }

  bool Has(duban::registry::v1::RoleKind kind) const;
  // Unit liaison of exactly this unit (now).
  bool IsLiaisonOf(std::string_view unit_id) const;
  // The units this caller is the liaison of.
  std::vector<std::string> LiaisonUnits() const;
  // Service, admin, office liaison or supervision group: may read everything.
  bool ReadsEverything() const;

 private:
  duban::registry::v1::Principal principal_;
};

// Who may call a method: any one of `roles`, or the service identity when
// `services` is set. `any_person` admits every person who holds some role in
// the registry (the handler then narrows what they see); `without_role` also
// admits a person who holds none (only for learning one's own roles).
struct MethodPolicy {
  std::vector<duban::registry::v1::RoleKind> roles;
  bool services = true;
  bool any_person = false;
  bool without_role = false;
};

// The one place a service checks calls. Policies are declared per method
// ("/duban.tasks.v1.TasksService/ReportComplete") when the service is built;
// a method without a declared policy is refused. Thread-safe.
class Authorizer {
 public:
  Authorizer(const TokenVerifier* verifier, PrincipalResolver* resolver,
             std::map<std::string, MethodPolicy> policies);

  // UNAUTHENTICATED without a valid bearer token; PERMISSION_DENIED when the
  // caller's current roles do not satisfy the method's policy.
  absl::StatusOr<Caller> Authorize(const grpc::ServerContext& context,
                                   std::string_view method) const;

  // The edge of one RPC: authorizes the call to `method` (a full method name),
  // then runs `work` with the caller. Returns the refusal, or the status `work`
  // returns, converted with ToGrpc. `work` is not run when the call is refused.
  grpc::Status Run(const grpc::ServerContext& context, std::string_view method,
                   const std::function<absl::Status(const Caller&)>& work) const;

 private:
  const TokenVerifier* verifier_;
  PrincipalResolver* resolver_;
  const std::map<std::string, MethodPolicy> policies_;
};

}  // namespace duban

#endif  // DUBAN_COMMON_AUTH_H_
