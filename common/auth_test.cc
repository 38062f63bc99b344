#include "common/auth.h"

#include <gmock/gmock.h>
#include <grpcpp/test/server_context_test_spouse.h>
#include <gtest/gtest.h>
#include <jwt.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/clock.h"

namespace duban {
namespace {

using duban::registry::v1::Principal;
using duban::registry::v1::ROLE_KIND_ADMIN;
using duban::registry::v1::ROLE_KIND_OFFICE_LIAISON;
using duban::registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER;
using duban::registry::v1::ROLE_KIND_UNIT_LIAISON;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kUserSecret[] = "user-secret-for-tests";
constexpr char kServiceSecret[] = "service-secret-for-tests";

absl::Time Now() { return SystemClock::Get()->Now(); }

int64_t UnixNow(absl::Duration offset = absl::ZeroDuration()) {
  return absl::ToUnixSeconds(Now() + offset);
}

// Signs `claims_json` under `alg` with `key` (an HMAC secret or a PEM private key).
std::string Sign(jwt_alg_t alg, const std::string& key, const std::string& claims_json) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  EXPECT_EQ(jwt_add_grants_json(jwt, claims_json.c_str()), 0);
  EXPECT_EQ(jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(key.data()),
                        static_cast<int>(key.size())),
            0);
  char* text = jwt_encode_str(jwt);
  std::string token = text == nullptr ? "" : text;
  std::free(text);
  jwt_free(jwt);
  return token;
}

std::string Claims(const std::string& subject, const std::string& audience,
                   absl::Duration expires_in = absl::Hours(1)) {
  return absl::StrCat(R"({"sub":")", subject, R"(","aud":")", audience, R"(","exp":)",
                      UnixNow(expires_in), "}");
}

std::string UserToken(const std::string& subject) {
  return Sign(JWT_ALG_HS256, kUserSecret, Claims(subject, "duban"));
}

AuthOptions Hs256Options() {
  AuthOptions options;
  options.algorithm = "HS256";
  options.secret = kUserSecret;
  options.service_secret = kServiceSecret;
  options.bootstrap_admins = {"root-admin"};
  return options;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// An RSA key pair generated once for the whole test binary.
struct RsaKeys {
  std::string private_pem;
  std::string public_pem;
};

const RsaKeys& Keys() {
  static const RsaKeys* const keys = [] {
    char dir[] = "/tmp/duban-auth-test-XXXXXX";
    if (mkdtemp(dir) == nullptr) std::abort();
    const std::string priv = absl::StrCat(dir, "/private.pem");
    const std::string pub = absl::StrCat(dir, "/public.pem");
    const std::string command =
        absl::StrCat("openssl genrsa -out ", priv, " 2048 2>/dev/null && openssl rsa -in ", priv,
                     " -pubout -out ", pub, " 2>/dev/null");
    if (std::system(command.c_str()) != 0) std::abort();
    auto* result = new RsaKeys{ReadFile(priv), ReadFile(pub)};
    unlink(priv.c_str());
    unlink(pub.c_str());
    rmdir(dir);
    return result;
  }();
  return *keys;
}

TEST(TokenVerifierTest, AcceptsAValidUserToken) {
  TokenVerifier verifier(Hs256Options());
  absl::StatusOr<TokenClaims> claims = verifier.Verify(UserToken("alice"));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "alice");
  EXPECT_FALSE(claims->is_service);
}

TEST(TokenVerifierTest, RefusesAnExpiredToken) {
  TokenVerifier verifier(Hs256Options());
  const std::string token =
      Sign(JWT_ALG_HS256, kUserSecret, Claims("alice", "duban", -absl::Minutes(5)));
  absl::StatusOr<TokenClaims> claims = verifier.Verify(token);
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(claims.status().message(), "token expired");
}

TEST(TokenVerifierTest, AllowsClockSkewWithinTheLeeway) {
  TokenVerifier verifier(Hs256Options());
  const std::string token =
      Sign(JWT_ALG_HS256, kUserSecret, Claims("alice", "duban", -absl::Seconds(10)));
  EXPECT_TRUE(verifier.Verify(token).ok());
}

TEST(TokenVerifierTest, RequiresExpiry) {
  TokenVerifier verifier(Hs256Options());
  const std::string token = Sign(JWT_ALG_HS256, kUserSecret, R"({"sub":"alice","aud":"duban"})");
  EXPECT_EQ(verifier.Verify(token).status().message(), "token has no expiry (exp)");
}

TEST(TokenVerifierTest, RefusesATokenNotYetValid) {
  TokenVerifier verifier(Hs256Options());
  const std::string token =
      Sign(JWT_ALG_HS256, kUserSecret,
           absl::StrCat(R"({"sub":"alice","aud":"duban","exp":)", UnixNow(absl::Hours(2)),
                        R"(,"nbf":)", UnixNow(absl::Hours(1)), "}"));
  EXPECT_EQ(verifier.Verify(token).status().message(), "token not yet valid");
}

TEST(TokenVerifierTest, RefusesTheWrongAudience) {
  TokenVerifier verifier(Hs256Options());
  const std::string token = Sign(JWT_ALG_HS256, kUserSecret, Claims("alice", "other-system"));
  absl::StatusOr<TokenClaims> claims = verifier.Verify(token);
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(claims.status().message()), HasSubstr("audience mismatch"));
}

TEST(TokenVerifierTest, AcceptsAnAudienceList) {
  TokenVerifier verifier(Hs256Options());
  const std::string token = Sign(
      JWT_ALG_HS256, kUserSecret,
      absl::StrCat(R"({"sub":"alice","aud":["oa","duban"],"exp":)", UnixNow(absl::Hours(1)), "}"));
  EXPECT_TRUE(verifier.Verify(token).ok());
}

TEST(TokenVerifierTest, ChecksTheIssuerWhenConfigured) {
  AuthOptions options = Hs256Options();
  options.issuer = "https://oa.district.example";
  TokenVerifier verifier(options);
  EXPECT_THAT(std::string(verifier.Verify(UserToken("alice")).status().message()),
              HasSubstr("issuer mismatch"));
  const std::string token = Sign(
      JWT_ALG_HS256, kUserSecret,
      absl::StrCat(R"({"sub":"alice","aud":"duban","iss":"https://oa.district.example","exp":)",
                   UnixNow(absl::Hours(1)), "}"));
  EXPECT_TRUE(verifier.Verify(token).ok());
}

TEST(TokenVerifierTest, RefusesATamperedSignature) {
  TokenVerifier verifier(Hs256Options());
  std::string token = UserToken("alice");
  token.back() = token.back() == 'A' ? 'B' : 'A';
  absl::StatusOr<TokenClaims> claims = verifier.Verify(token);
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(claims.status().message(), "invalid signature");
}

TEST(TokenVerifierTest, RefusesATamperedPayload) {
  TokenVerifier verifier(Hs256Options());
  const std::string token = UserToken("alice");
  const size_t first_dot = token.find('.');
  const size_t second_dot = token.find('.', first_dot + 1);
  std::string payload;
  absl::WebSafeBase64Escape(Claims("root-admin", "duban"), &payload);
  const std::string forged =
      absl::StrCat(token.substr(0, first_dot + 1), payload, token.substr(second_dot));
  EXPECT_EQ(verifier.Verify(forged).status().message(), "invalid signature");
}

TEST(TokenVerifierTest, NeverAcceptsAlgorithmNone) {
  TokenVerifier verifier(Hs256Options());
  std::string header, payload;
  absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})", &header);
  absl::WebSafeBase64Escape(Claims("alice", "duban"), &payload);
  absl::StatusOr<TokenClaims> claims = verifier.Verify(absl::StrCat(header, ".", payload, "."));
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(claims.status().message(), "algorithm none not allowed");
}

TEST(TokenVerifierTest, RefusesGarbage) {
  TokenVerifier verifier(Hs256Options());
  EXPECT_EQ(verifier.Verify("not-a-token").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier.Verify("").status().message(), "missing bearer token");
}

TEST(TokenVerifierTest, Rs256VerifierAcceptsRs256) {
  AuthOptions options = Hs256Options();
  options.algorithm = "RS256";
  options.public_key = Keys().public_pem;
  TokenVerifier verifier(options);
  const std::string token = Sign(JWT_ALG_RS256, Keys().private_pem, Claims("alice", "duban"));
  absl::StatusOr<TokenClaims> claims = verifier.Verify(token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "alice");
}

TEST(TokenVerifierTest, Rs256VerifierRefusesHs256EvenWhenKeyedWithThePublicKey) {
  AuthOptions options = Hs256Options();
  options.algorithm = "RS256";
  options.public_key = Keys().public_pem;
  TokenVerifier verifier(options);
  // The classic confusion: an HMAC keyed with the (public) RSA key.
  const std::string token = Sign(JWT_ALG_HS256, Keys().public_pem, Claims("alice", "duban"));
  absl::StatusOr<TokenClaims> claims = verifier.Verify(token);
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(claims.status().message(), "algorithm HS256 not allowed");
}

TEST(TokenVerifierTest, Hs256VerifierRefusesRs256) {
  TokenVerifier verifier(Hs256Options());
  const std::string token = Sign(JWT_ALG_RS256, Keys().private_pem, Claims("alice", "duban"));
  EXPECT_EQ(verifier.Verify(token).status().message(), "algorithm RS256 not allowed");
}

TEST(TokenVerifierTest, ServiceTokenIsTheServiceIdentity) {
  TokenVerifier verifier(Hs256Options());
  absl::StatusOr<std::string> token = MintServiceToken(kServiceSecret, "tasks");
  ASSERT_TRUE(token.ok());
  absl::StatusOr<TokenClaims> claims = verifier.Verify(*token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "service:tasks");
  EXPECT_TRUE(claims->is_service);
}

TEST(TokenVerifierTest, ServiceTokenUnderAnRs256UserAlgorithm) {
  AuthOptions options = Hs256Options();
  options.algorithm = "RS256";
  options.public_key = Keys().public_pem;
  TokenVerifier verifier(options);
  absl::StatusOr<TokenClaims> claims =
      verifier.Verify(*MintServiceToken(kServiceSecret, "minutes"));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_TRUE(claims->is_service);
}

TEST(TokenVerifierTest, UserTokenClaimingAServiceSubjectIsNotAService) {
  TokenVerifier verifier(Hs256Options());
  absl::StatusOr<TokenClaims> claims = verifier.Verify(UserToken("service:x"));
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(claims.status().message(),
            "invalid signature: \"service:\" subjects are reserved for the service identity");
}

TEST(TokenVerifierTest, ServiceTokenUnderAnotherSecretIsRefused) {
  TokenVerifier verifier(Hs256Options());
  absl::StatusOr<TokenClaims> claims = verifier.Verify(*MintServiceToken("guessed", "tasks"));
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(claims.status().message()), HasSubstr("invalid signature"));
}

TEST(TokenVerifierTest, ExpiredServiceTokenIsRefused) {
  TokenVerifier verifier(Hs256Options());
  absl::StatusOr<std::string> token = MintHs256Token(
      kServiceSecret, "service:tasks", "duban-internal", Now() - absl::Hours(3), absl::Hours(1));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(verifier.Verify(*token).status().message(), "token expired");
}

TEST(MintHs256TokenTest, MintsAVerifiableUserToken) {
  TokenVerifier verifier(Hs256Options());
  absl::StatusOr<std::string> token =
      MintHs256Token(kUserSecret, "bob", "duban", Now(), absl::Minutes(10));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(verifier.Verify(*token)->subject, "bob");
  EXPECT_EQ(MintHs256Token("", "bob", "duban", Now(), absl::Minutes(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

Principal PrincipalWith(const std::string& subject,
                        std::vector<std::pair<duban::registry::v1::RoleKind, std::string>> roles) {
  Principal principal;
  principal.set_subject(subject);
  for (const auto& [kind, unit] : roles) {
    auto* role = principal.add_roles();
    role->set_kind(kind);
    role->set_unit_id(unit);
  }
  return principal;
}

TEST(CallerTest, RolesAndUnits) {
  Caller liaison(PrincipalWith(
      "carol", {{ROLE_KIND_UNIT_LIAISON, "u-water"}, {ROLE_KIND_UNIT_LIAISON, "u-roads"}}));
  EXPECT_TRUE(liaison.Has(ROLE_KIND_UNIT_LIAISON));
  EXPECT_FALSE(liaison.Has(ROLE_KIND_ADMIN));
  EXPECT_TRUE(liaison.IsLiaisonOf("u-water"));
  EXPECT_FALSE(liaison.IsLiaisonOf("u-parks"));
  EXPECT_THAT(liaison.LiaisonUnits(), ElementsAre("u-water", "u-roads"));
  EXPECT_FALSE(liaison.ReadsEverything());
  EXPECT_TRUE(Caller(PrincipalWith("dan", {{ROLE_KIND_OFFICE_LIAISON, ""}})).ReadsEverything());
  EXPECT_TRUE(
      Caller(PrincipalWith("eve", {{ROLE_KIND_SUPERVISION_GROUP_MEMBER, ""}})).ReadsEverything());
  Principal service;
  service.set_is_service(true);
  EXPECT_TRUE(Caller(service).ReadsEverything());
}

// Answers from a fixed table; counts lookups.
class FakeResolver : public PrincipalResolver {
 public:
  absl::StatusOr<Principal> Resolve(const std::string& subject) override {
    ++lookups;
    if (fail) return absl::UnavailableError("registry unavailable");
    auto it = people.find(subject);
    if (it == people.end()) return PrincipalWith(subject, {});
    return it->second;
  }
  std::map<std::string, Principal> people;
  bool fail = false;
  int lookups = 0;
};

constexpr char kGetItem[] = "/duban.tasks.v1.TasksService/GetItem";
constexpr char kSplitItem[] = "/duban.tasks.v1.TasksService/SplitItem";
constexpr char kDeliver[] = "/duban.events.v1.EventSinkService/Deliver";

class AuthorizerTest : public ::testing::Test {
 protected:
  AuthorizerTest()
      : verifier_(Hs256Options()),
        authorizer_(
            &verifier_, &resolver_,
            {{kGetItem, MethodPolicy{{}, true, /*any_person=*/true}},
             {kSplitItem, MethodPolicy{{ROLE_KIND_ADMIN, ROLE_KIND_SUPERVISION_GROUP_MEMBER},
                                       /*services=*/false}},
             {kDeliver, MethodPolicy{{}, /*services=*/true}}}) {
    resolver_.people["carol"] = PrincipalWith("carol", {{ROLE_KIND_UNIT_LIAISON, "u-water"}});
    resolver_.people["grace"] = PrincipalWith("grace", {{ROLE_KIND_SUPERVISION_GROUP_MEMBER, ""}});
  }

  absl::StatusOr<Caller> Call(const std::string& method, const std::string& authorization) {
    grpc::ServerContext context;
    grpc::testing::ServerContextTestSpouse spouse(&context);
    if (!authorization.empty()) spouse.AddClientMetadata("authorization", authorization);
    return authorizer_.Authorize(context, method);
  }

  TokenVerifier verifier_;
  FakeResolver resolver_;
  Authorizer authorizer_;
};

TEST_F(AuthorizerTest, MissingTokenIsUnauthenticated) {
  absl::StatusOr<Caller> caller = Call(kGetItem, "");
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(caller.status().message(), "missing bearer token");
  EXPECT_EQ(Call(kGetItem, "Basic abc").status().message(), "authorization is not a bearer token");
}

TEST_F(AuthorizerTest, PersonGetsTheirCurrentRoles) {
  absl::StatusOr<Caller> caller = Call(kGetItem, "Bearer " + UserToken("carol"));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->subject(), "carol");
  EXPECT_TRUE(caller->IsLiaisonOf("u-water"));
  EXPECT_FALSE(caller->is_service());
}

TEST_F(AuthorizerTest, RoleOutsideThePolicyIsDeniedNamingMethodAndRoles) {
  absl::StatusOr<Caller> caller = Call(kSplitItem, "Bearer " + UserToken("carol"));
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(caller.status().message(),
            "method /duban.tasks.v1.TasksService/SplitItem requires one of the roles "
            "ROLE_KIND_ADMIN, ROLE_KIND_SUPERVISION_GROUP_MEMBER");
  EXPECT_TRUE(Call(kSplitItem, "Bearer " + UserToken("grace")).ok());
}

TEST_F(AuthorizerTest, ReadersMustHoldSomeRoleUnlessThePolicyAdmitsPeopleWithout) {
  // A validly signed token for a subject the registry gives no role.
  absl::StatusOr<Caller> nobody = Call(kGetItem, "Bearer " + UserToken("p-nobody"));
  EXPECT_EQ(nobody.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(nobody.status().message(),
            "method /duban.tasks.v1.TasksService/GetItem requires a role in the registry; "
            "p-nobody holds none");
  EXPECT_TRUE(Call(kGetItem, "Bearer " + UserToken("carol")).ok());

  constexpr char kWhoAmI[] = "/duban.registry.v1.RegistryService/ResolvePrincipal";
  Authorizer open(
      &verifier_, &resolver_,
      {{kWhoAmI,
        MethodPolicy{.roles = {}, .services = true, .any_person = true, .without_role = true}}});
  grpc::ServerContext context;
  grpc::testing::ServerContextTestSpouse spouse(&context);
  spouse.AddClientMetadata("authorization", "Bearer " + UserToken("p-nobody"));
  absl::StatusOr<Caller> self = open.Authorize(context, kWhoAmI);
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->principal().roles_size(), 0);
}

TEST_F(AuthorizerTest, BootstrapAdminHoldsTheAdminRole) {
  absl::StatusOr<Caller> caller = Call(kSplitItem, "Bearer " + UserToken("root-admin"));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->Has(ROLE_KIND_ADMIN));
  EXPECT_FALSE(Call(kGetItem, "Bearer " + UserToken("carol"))->Has(ROLE_KIND_ADMIN));
}

TEST_F(AuthorizerTest, ServiceTokenIsAServiceWithoutAskingTheRegistry) {
  absl::StatusOr<Caller> caller =
      Call(kDeliver, "Bearer " + *MintServiceToken(kServiceSecret, "minutes"));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->is_service());
  EXPECT_EQ(caller->subject(), "service:minutes");
  EXPECT_EQ(resolver_.lookups, 0);
}

TEST_F(AuthorizerTest, ServiceIsDeniedWhereThePolicyExcludesServices) {
  absl::StatusOr<Caller> caller =
      Call(kSplitItem, "Bearer " + *MintServiceToken(kServiceSecret, "minutes"));
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AuthorizerTest, PersonIsDeniedAServiceOnlyMethod) {
  absl::StatusOr<Caller> caller = Call(kDeliver, "Bearer " + UserToken("root-admin"));
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(caller.status().message(),
            "method /duban.events.v1.EventSinkService/Deliver requires the service identity");
}

TEST_F(AuthorizerTest, UserTokenNamingAServiceIsRefused) {
  absl::StatusOr<Caller> caller = Call(kDeliver, "Bearer " + UserToken("service:minutes"));
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(AuthorizerTest, MethodWithoutPolicyIsRefused) {
  absl::StatusOr<Caller> caller =
      Call("/duban.tasks.v1.TasksService/Forgotten", "Bearer " + UserToken("root-admin"));
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(caller.status().message(),
            "method /duban.tasks.v1.TasksService/Forgotten has no access policy");
}

TEST_F(AuthorizerTest, RegistryFailurePropagates) {
  resolver_.fail = true;
  EXPECT_EQ(Call(kGetItem, "Bearer " + UserToken("carol")).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace duban
