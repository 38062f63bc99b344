#include "common/auth.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <jwt.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/clock.h"
#include "common/status.h"

namespace duban {
namespace {

using duban::registry::v1::Principal;
using duban::registry::v1::Role;
using duban::registry::v1::RoleKind;
using google::protobuf::Struct;
using google::protobuf::Value;

constexpr char kServiceAudience[] = "duban-internal";
constexpr char kServicePrefix[] = "service:";
constexpr absl::Duration kServiceTokenLifetime = absl::Hours(1);

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

// Owns a string that libjwt allocated with malloc.
std::string TakeString(char* text) {
  if (text == nullptr) return "";
  std::string result(text);
  std::free(text);
  return result;
}

absl::Status Unauthenticated(std::string_view why) {
  return absl::UnauthenticatedError(AbslView(why));
}

// Parses one base64url segment of a token holding a JSON object.
absl::StatusOr<Struct> ParseJsonSegment(std::string_view segment) {
  std::string json;
  if (!absl::WebSafeBase64Unescape(AbslView(segment), &json)) {
    return Unauthenticated("malformed token");
  }
  Struct object;
  if (!google::protobuf::util::JsonStringToMessage(json, &object).ok()) {
    return Unauthenticated("malformed token");
  }
  return object;
}

std::string StringField(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  if (it == object.fields().end() || it->second.kind_case() != Value::kStringValue) return "";
  return it->second.string_value();
}

// Segment `index` (0: header, 1: claims) of a token, parsed but NOT verified:
// only for choosing how to verify.
absl::StatusOr<Struct> ParseUnverifiedSegment(std::string_view token, size_t index) {
  std::vector<absl::string_view> parts = absl::StrSplit(AbslView(token), '.');
  if (parts.size() != 3) return Unauthenticated("malformed token");
  return ParseJsonSegment({parts[index].data(), parts[index].size()});
}

// The "alg" a token's header names, read before any verification so that a
// token under another algorithm is refused without trying its signature.
absl::StatusOr<std::string> HeaderAlgorithm(std::string_view token) {
  DUBAN_ASSIGN_OR_RETURN(Struct header, ParseUnverifiedSegment(token, 0));
  return StringField(header, "alg");
}

// Verifies the signature of `token` under `algorithm` (pinned: a token whose
// header names another algorithm, "none" included, is refused) and returns
// its claims.
absl::StatusOr<Struct> VerifySignature(std::string_view token, const std::string& algorithm,
                                       const std::string& key) {
  DUBAN_ASSIGN_OR_RETURN(std::string header_alg, HeaderAlgorithm(token));
  const jwt_alg_t expected = jwt_str_alg(algorithm.c_str());
  if (header_alg != algorithm || expected == JWT_ALG_NONE || expected == JWT_ALG_INVAL) {
    return Unauthenticated(
        absl::StrCat("algorithm ", header_alg.empty() ? "(none)" : header_alg, " not allowed"));
  }
  if (key.empty()) return Unauthenticated(absl::StrCat("no key configured for ", algorithm));

  jwt_t* raw = nullptr;
  const std::string text(token);
  const int rc = jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                            static_cast<int>(key.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || jwt == nullptr) return Unauthenticated("invalid signature");
  if (jwt_get_alg(jwt.get()) != expected) {
    return Unauthenticated(
        absl::StrCat("algorithm ", jwt_alg_str(jwt_get_alg(jwt.get())), " not allowed"));
  }

  Struct claims;
  const std::string json = TakeString(jwt_get_grants_json(jwt.get(), nullptr));
  if (!google::protobuf::util::JsonStringToMessage(json, &claims).ok()) {
    return Unauthenticated("malformed token claims");
  }
  return claims;
}

bool AudienceMatches(const Struct& claims, const std::string& audience) {
  auto it = claims.fields().find("aud");
  if (it == claims.fields().end()) return false;
  const Value& aud = it->second;
  if (aud.kind_case() == Value::kStringValue) return aud.string_value() == audience;
  if (aud.kind_case() != Value::kListValue) return false;
  return std::any_of(aud.list_value().values().begin(), aud.list_value().values().end(),
                     [&](const Value& v) {
                       return v.kind_case() == Value::kStringValue && v.string_value() == audience;
                     });
}

// A numeric date claim ("exp", "nbf"), if present.
std::optional<absl::Time> TimeClaim(const Struct& claims, const std::string& name) {
  auto it = claims.fields().find(name);
  if (it == claims.fields().end() || it->second.kind_case() != Value::kNumberValue) {
    return std::nullopt;
  }
  return absl::FromUnixSeconds(static_cast<int64_t>(it->second.number_value()));
}

// Expiry (required), not-before, audience and issuer, against the real clock.
absl::Status CheckClaims(const Struct& claims, const std::string& audience,
                         const std::string& issuer, absl::Duration leeway) {
  const absl::Time now = SystemClock::Get()->Now();
  std::optional<absl::Time> exp = TimeClaim(claims, "exp");
  if (!exp.has_value()) return Unauthenticated("token has no expiry (exp)");
  if (now > *exp + leeway) return Unauthenticated("token expired");
  std::optional<absl::Time> nbf = TimeClaim(claims, "nbf");
  if (nbf.has_value() && now + leeway < *nbf) return Unauthenticated("token not yet valid");
  if (!AudienceMatches(claims, audience)) {
    return Unauthenticated(absl::StrCat("audience mismatch: expected \"", audience, "\""));
  }
  if (!issuer.empty() && StringField(claims, "iss") != issuer) {
    return Unauthenticated(absl::StrCat("issuer mismatch: expected \"", issuer, "\""));
  }
  if (StringField(claims, "sub").empty()) return Unauthenticated("token has no subject");
  return absl::OkStatus();
}

const std::string& UserKey(const AuthOptions& options) {
  return options.algorithm == "RS256" ? options.public_key : options.secret;
}

std::string RoleNames(const std::vector<RoleKind>& roles) {
  return absl::StrJoin(roles, ", ", [](std::string* out, RoleKind kind) {
    absl::StrAppend(out, duban::registry::v1::RoleKind_Name(kind));
  });
}

// Who would be admitted, for the PERMISSION_DENIED message.
std::string Requirement(const MethodPolicy& policy) {
  if (policy.roles.empty()) return policy.services ? "the service identity" : "a role nobody holds";
  std::string requirement = absl::StrCat("one of the roles ", RoleNames(policy.roles));
  if (policy.services) absl::StrAppend(&requirement, " (or the service identity)");
  return requirement;
}

absl::StatusOr<std::string> BearerToken(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return Unauthenticated("missing bearer token");
  const std::string value(it->second.data(), it->second.size());
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(absl::string_view(value.data(), kScheme.size()),
                              absl::string_view(kScheme.data(), kScheme.size()))) {
    return Unauthenticated("authorization is not a bearer token");
  }
  std::string token = value.substr(kScheme.size());
  absl::StripAsciiWhitespace(&token);
  if (token.empty()) return Unauthenticated("missing bearer token");
  return token;
}

}  // namespace

TokenVerifier::TokenVerifier(AuthOptions options) : options_(std::move(options)) {}

absl::StatusOr<TokenClaims> TokenVerifier::Verify(std::string_view token) const {
  if (token.empty()) return Unauthenticated("missing bearer token");
  // The unverified subject only chooses the key: a "service:" subject is
  // verified under the service secret alone, so a token signed with the
  // users' key can never be taken for the service identity.
  DUBAN_ASSIGN_OR_RETURN(Struct unverified, ParseUnverifiedSegment(token, 1));
  if (absl::StartsWith(StringField(unverified, "sub"), kServicePrefix)) {
    return VerifyService(token);
  }
  return VerifyUser(token);
}

absl::StatusOr<TokenClaims> TokenVerifier::VerifyService(std::string_view token) const {
  absl::StatusOr<Struct> claims = VerifySignature(token, "HS256", options_.service_secret);
  if (absl::IsUnauthenticated(claims.status()) &&
      claims.status().message() == "invalid signature") {
    return Unauthenticated(
        "invalid signature: \"service:\" subjects are reserved for the service "
        "identity");
  }
  DUBAN_RETURN_IF_ERROR(claims.status());
  DUBAN_RETURN_IF_ERROR(CheckClaims(*claims, kServiceAudience, "", options_.leeway));
  return TokenClaims{StringField(*claims, "sub"), /*is_service=*/true};
}

absl::StatusOr<TokenClaims> TokenVerifier::VerifyUser(std::string_view token) const {
  DUBAN_ASSIGN_OR_RETURN(Struct claims,
                         VerifySignature(token, options_.algorithm, UserKey(options_)));
  DUBAN_RETURN_IF_ERROR(CheckClaims(claims, options_.audience, options_.issuer, options_.leeway));
  std::string subject = StringField(claims, "sub");
  if (absl::StartsWith(subject, kServicePrefix)) {  // Unreachable by Verify; kept as a guard.
    return Unauthenticated("\"service:\" subjects are reserved for the service identity");
  }
  return TokenClaims{std::move(subject), /*is_service=*/false};
}

absl::StatusOr<std::string> MintHs256Token(std::string_view secret, std::string_view subject,
                                           std::string_view audience, absl::Time issued_at,
                                           absl::Duration lifetime) {
  if (secret.empty()) return absl::InvalidArgumentError("cannot mint a token without a secret");
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);

  const std::string sub(subject), aud(audience);
  const long iat = static_cast<long>(absl::ToUnixSeconds(issued_at));
  const long exp = static_cast<long>(absl::ToUnixSeconds(issued_at + lifetime));
  if (jwt_add_grant(jwt.get(), "sub", sub.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "aud", aud.c_str()) != 0 ||
      jwt_add_grant_int(jwt.get(), "iat", iat) != 0 ||
      jwt_add_grant_int(jwt.get(), "exp", exp) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) != 0) {
    return absl::InternalError("cannot build token");
  }
  std::string token = TakeString(jwt_encode_str(jwt.get()));
  if (token.empty()) return absl::InternalError("cannot sign token");
  return token;
}

absl::StatusOr<std::string> MintServiceToken(std::string_view service_secret,
                                             std::string_view service) {
  return MintHs256Token(service_secret, absl::StrCat(kServicePrefix, AbslView(service)),
                        kServiceAudience, SystemClock::Get()->Now(), kServiceTokenLifetime);
}

Caller::Caller(Principal principal) : principal_(std::move(principal)) {}

bool Caller::Has(RoleKind kind) const {
  return std::any_of(principal_.roles().begin(), principal_.roles().end(),
                     [&](const Role& role) { return role.kind() == kind; });
}

bool Caller::IsLiaisonOf(std::string_view unit_id) const {
  return std::any_of(principal_.roles().begin(), principal_.roles().end(), [&](const Role& role) {
    return role.kind() == duban::registry::v1::ROLE_KIND_UNIT_LIAISON && role.unit_id() == unit_id;
  });
}

std::vector<std::string> Caller::LiaisonUnits() const {
  std::vector<std::string> units;
  for (const Role& role : principal_.roles()) {
    if (role.kind() == duban::registry::v1::ROLE_KIND_UNIT_LIAISON) units.push_back(role.unit_id());
  }
  return units;
}

bool Caller::ReadsEverything() const {
  return is_service() || Has(duban::registry::v1::ROLE_KIND_ADMIN) ||
         Has(duban::registry::v1::ROLE_KIND_OFFICE_LIAISON) ||
         Has(duban::registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER);
}

Authorizer::Authorizer(const TokenVerifier* verifier, PrincipalResolver* resolver,
                       std::map<std::string, MethodPolicy> policies)
    : verifier_(verifier), resolver_(resolver), policies_(std::move(policies)) {}

grpc::Status Authorizer::Run(const grpc::ServerContext& context, std::string_view method,
                             const std::function<absl::Status(const Caller&)>& work) const {
  absl::StatusOr<Caller> caller = Authorize(context, method);
  if (!caller.ok()) return ToGrpc(caller.status());
  return ToGrpc(work(*caller));
}

absl::StatusOr<Caller> Authorizer::Authorize(const grpc::ServerContext& context,
                                             std::string_view method) const {
  DUBAN_ASSIGN_OR_RETURN(std::string token, BearerToken(context));
  DUBAN_ASSIGN_OR_RETURN(TokenClaims claims, verifier_->Verify(token));

  auto policy_it = policies_.find(std::string(method));
  if (policy_it == policies_.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat("method ", AbslView(method), " has no access policy"));
  }
  const MethodPolicy& policy = policy_it->second;
  const std::string denied =
      absl::StrCat("method ", AbslView(method), " requires ", Requirement(policy));

  if (claims.is_service) {
    if (!policy.services) return absl::PermissionDeniedError(denied);
    Principal principal;
    principal.set_subject(claims.subject);
    principal.set_is_service(true);
    return Caller(std::move(principal));
  }

  DUBAN_ASSIGN_OR_RETURN(Principal principal, resolver_->Resolve(claims.subject));
  principal.set_subject(claims.subject);
  principal.set_is_service(false);
  const std::vector<std::string>& admins = verifier_->options().bootstrap_admins;
  Caller caller(principal);
  if (!caller.Has(duban::registry::v1::ROLE_KIND_ADMIN) &&
      std::find(admins.begin(), admins.end(), claims.subject) != admins.end()) {
    principal.add_roles()->set_kind(duban::registry::v1::ROLE_KIND_ADMIN);
    caller = Caller(std::move(principal));
  }

  if (policy.any_person) {
    if (caller.principal().roles_size() > 0 || policy.without_role) return caller;
    return absl::PermissionDeniedError(absl::StrCat("method ", AbslView(method),
                                                    " requires a role in the registry; ",
                                                    claims.subject, " holds none"));
  }
  for (RoleKind kind : policy.roles) {
    if (caller.Has(kind)) return caller;
  }
  return absl::PermissionDeniedError(denied);
}

}  // namespace duban
