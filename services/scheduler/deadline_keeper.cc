#include "services/scheduler/deadline_keeper.h"

#include <algorithm>
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/outbox.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::scheduler {
namespace {

// A label is for people reading a list: at most this many characters.
constexpr size_t kMaxLabelChars = 200;

// `text` cut to at most `max_chars` UTF-8 characters, never inside one.
std::string Shorten(const std::string& text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool starts_char = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_char && chars++ == max_chars) return text.substr(0, i);
  }
  return text;
}

using duban::common::v1::Subject;
using duban::scheduler::v1::Deadline;

constexpr char kActor[] = "service:scheduler";
// Minutes' draft deadline counted in working days (inputs held_on, days).
constexpr char kDraftWorkingDaysRule[] = "draft.working_days";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

std::string NewDeadlineId() {
  thread_local std::mt19937_64 bits{std::random_device{}()};
  return absl::StrCat("dl-", absl::Hex(bits() & 0xffffffffffULL, absl::kZeroPad10));
}

absl::Status CheckSubject(const Subject& subject) {
  if (subject.kind() == duban::common::v1::SUBJECT_KIND_UNSPECIFIED) {
    return InvalidField("subject.kind", "required");
  }
  if (subject.id().empty()) return InvalidField("subject.id", "required");
  return absl::OkStatus();
}

bool Visible(const Reader& reader, const Deadline& deadline) {
  return reader.reads_everything || std::find(reader.units.begin(), reader.units.end(),
                                              deadline.owner_unit_id()) != reader.units.end();
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

absl::Status BadToken() { return InvalidField("page_token", "not a token this call handed out"); }

// The rungs of `fresh` that did not already fire at the same time: a deadline
// revived at the same instant (an item returned for rework) does not repeat them.
std::vector<RungDue> NotYetFired(const Deadline& deadline, std::vector<RungDue> fresh) {
  std::erase_if(fresh, [&](const RungDue& rung) {
    return std::any_of(deadline.ladder().begin(), deadline.ladder().end(), [&](const auto& old) {
      return old.has_fired_at() && old.rung() == rung.rung &&
             FromProto(old.due_at()) == rung.due_at;
    });
  });
  return fresh;
}

// The day a draft deadline counted in working days falls on under
// `calendar`: the inputs' days-th working day after held_on (as minutes
// computes it). nullopt for other rules or unreadable inputs.
// `skipped` receives the non-working days passed over.
std::optional<absl::CivilDay> DraftDueOn(const Deadline& deadline,
                                         const calendar::WorkCalendar& calendar,
                                         std::vector<absl::CivilDay>* skipped) {
  if (deadline.rule() != kDraftWorkingDaysRule) return std::nullopt;
  const auto held_on = deadline.inputs().find("held_on");
  const auto days = deadline.inputs().find("days");
  if (held_on == deadline.inputs().end() || days == deadline.inputs().end()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = ParseDay(held_on->second, "held_on");
  int count = 0;
  if (!day.ok() || !absl::SimpleAtoi(days->second, &count) || count < 1) return std::nullopt;
  return calendar.AddWorkingDays(*day, count, skipped);
}

// The service that owns deadlines of `kind` and shows their instant itself,
// so it hears of moves it did not ask for; empty for kinds whose owner does
// not (items, which the calendar never moves; the scheduler's own cut-offs).
const char* OwnerToTellOfMoves(duban::common::v1::SubjectKind kind) {
  return kind == duban::common::v1::SUBJECT_KIND_DRAFT ? "minutes" : "";
}

// "due on 2026-10-12 (was 2026-10-09)" for a date-only deadline, the local
// instants otherwise.
std::string DescribeMove(const v1::DeadlineMoved& moved, absl::TimeZone zone) {
  const absl::Time due = FromProto(moved.due_at());
  const absl::Time was = FromProto(moved.previous_due_at());
  if (moved.deadline().has_date()) {
    const auto day_of = [&](absl::Time end) { return LocalDay(end - absl::Nanoseconds(1), zone); };
    return absl::StrCat("due on ", FormatDay(day_of(due)), " (was ", FormatDay(day_of(was)), ")");
  }
  return absl::StrCat("due at ", FormatLocal(due, zone), " (was ", FormatLocal(was, zone), ")");
}

}  // namespace

std::string SubjectKey(const Subject& subject) {
  std::string kind = duban::common::v1::SubjectKind_Name(subject.kind());
  constexpr std::string_view kPrefix = "SUBJECT_KIND_";
  if (kind.rfind(kPrefix, 0) == 0) kind.erase(0, kPrefix.size());
  return absl::StrCat(kind, "/", subject.id());
}

DeadlineKeeper::DeadlineKeeper(db::ConnectionPool* pool, DeadlineStore* store, const Clock* clock,
                               absl::TimeZone zone, const calendar::CalendarSource* calendars,
                               LadderOptions options, calendar::PeriodRules period_rules,
                               SchedulerMetrics* metrics, const RegistryNames* names)
    : pool_(pool),
      store_(store),
      clock_(clock),
      zone_(zone),
      calendars_(calendars),
      options_(options),
      period_rules_(period_rules),
      metrics_(metrics),
      names_(names) {}

// ---- Events from the owners of deadlines ----

absl::Status DeadlineKeeper::ApplyEvent(sql::Connection& conn,
                                        const duban::events::v1::Event& event) {
  const auto& payload = event.payload();
  if (payload.Is<v1::DeadlineRegistered>()) {
    v1::DeadlineRegistered registered;
    if (!payload.UnpackTo(&registered)) return InvalidField("payload", "malformed");
    return ApplyRegistered(conn, event, registered);
  }
  if (payload.Is<v1::DeadlineMet>()) {
    v1::DeadlineMet met;
    if (!payload.UnpackTo(&met)) return InvalidField("payload", "malformed");
    const absl::Time met_at = met.has_met_at() ? FromProto(met.met_at()) : clock_->Now();
    return ApplyEnded(conn, event, met.subject(), v1::DEADLINE_STATE_MET, met_at);
  }
  if (payload.Is<v1::DeadlineCancelled>()) {
    v1::DeadlineCancelled cancelled;
    if (!payload.UnpackTo(&cancelled)) return InvalidField("payload", "malformed");
    return ApplyEnded(conn, event, cancelled.subject(), v1::DEADLINE_STATE_CANCELLED,
                      absl::InfinitePast());
  }
  return absl::OkStatus();
}

absl::Status DeadlineKeeper::ApplyRegistered(sql::Connection& conn,
                                             const duban::events::v1::Event& event,
                                             const v1::DeadlineRegistered& registered) {
  DUBAN_RETURN_IF_ERROR(CheckSubject(registered.subject()));
  DUBAN_ASSIGN_OR_RETURN(absl::Time due, DueInstant(registered.deadline(), zone_, "deadline"));
  const absl::Time now = clock_->Now();
  DUBAN_ASSIGN_OR_RETURN(std::optional<StoredDeadline> existing,
                         store_->LoadBySubject(conn, registered.subject(), /*for_update=*/true));

  StoredDeadline stored;
  Deadline before;
  if (existing) {
    stored = *existing;
    before = existing->deadline;
  } else {
    stored.deadline.set_id(NewDeadlineId());
    *stored.deadline.mutable_subject() = registered.subject();
  }
  Deadline& d = stored.deadline;
  const bool moved = !existing || FromProto(d.due_at()) != due;
  const bool revived = existing && d.state() != v1::DEADLINE_STATE_PENDING;
  stored.given = registered.deadline();
  d.set_owner_unit_id(registered.owner_unit_id());
  d.set_owner_person_id(registered.owner_person_id());
  d.set_rule(registered.rule());
  *d.mutable_inputs() = registered.inputs();
  *d.mutable_due_at() = ToProto(due);
  d.set_state(v1::DEADLINE_STATE_PENDING);
  d.clear_met_at();
  d.set_label(Shorten(registered.label(), kMaxLabelChars));
  d.set_revision(d.revision() + 1);

  if (existing) {
    DUBAN_RETURN_IF_ERROR(store_->Update(conn, stored, now));
  } else {
    DUBAN_RETURN_IF_ERROR(store_->Insert(conn, stored, now));
  }
  if (moved || revived) {
    DUBAN_RETURN_IF_ERROR(store_->DeleteUnfiredRungs(conn, d.id()));
    DUBAN_RETURN_IF_ERROR(store_->AddRungs(
        conn, d.id(), d.revision(),
        NotYetFired(d, ComputeLadder(due, zone_, *calendars_->Current(), options_))));
  }
  if (registered.subject().kind() == duban::common::v1::SUBJECT_KIND_ITEM) {
    DUBAN_RETURN_IF_ERROR(TrackItemOpened(conn, event, registered));
  }
  DUBAN_ASSIGN_OR_RETURN(std::optional<StoredDeadline> after,
                         store_->LoadById(conn, d.id(), /*for_update=*/false));
  return db::WriteAudit(conn, {.actor = absl::StrCat("service:", event.source()),
                               .at = now,
                               .action = "scheduler.DeadlineRegistered",
                               .entity_type = "deadline",
                               .entity_id = d.id(),
                               .before = existing ? &before : nullptr,
                               .after = &after->deadline,
                               .request_id = event.event_id()});
}

absl::Status DeadlineKeeper::ApplyEnded(sql::Connection& conn,
                                        const duban::events::v1::Event& event,
                                        const Subject& subject, v1::DeadlineState state,
                                        absl::Time met_at) {
  DUBAN_RETURN_IF_ERROR(CheckSubject(subject));
  DUBAN_ASSIGN_OR_RETURN(std::optional<StoredDeadline> stored,
                         store_->LoadBySubject(conn, subject, /*for_update=*/true));
  const absl::Time now = clock_->Now();
  if (subject.kind() == duban::common::v1::SUBJECT_KIND_ITEM) {
    const absl::Time ended_at =
        state == v1::DEADLINE_STATE_MET
            ? met_at
            : (event.has_occurred_at() ? FromProto(event.occurred_at()) : now);
    DUBAN_RETURN_IF_ERROR(store_->CloseItem(conn, subject.id(), ended_at));
  }
  if (!stored && state == v1::DEADLINE_STATE_MET) {
    return RecordMetBeforeGenerated(conn, subject, met_at, now);
  }
  // Nothing registered (or already ended): nothing can fire, so nothing to do.
  if (!stored || stored->deadline.state() != v1::DEADLINE_STATE_PENDING) {
    return absl::OkStatus();
  }
  const Deadline before = stored->deadline;
  Deadline& d = stored->deadline;
  d.set_state(state);
  if (state == v1::DEADLINE_STATE_MET) *d.mutable_met_at() = ToProto(met_at);
  d.set_revision(d.revision() + 1);
  DUBAN_RETURN_IF_ERROR(store_->Update(conn, *stored, now));
  DUBAN_RETURN_IF_ERROR(store_->DeleteUnfiredRungs(conn, d.id()));
  DUBAN_ASSIGN_OR_RETURN(std::optional<StoredDeadline> after,
                         store_->LoadById(conn, d.id(), /*for_update=*/false));
  DUBAN_RETURN_IF_ERROR(ForwardEnd(conn, event, after->deadline, now));
  return db::WriteAudit(conn,
                        {.actor = absl::StrCat("service:", event.source()),
                         .at = now,
                         .action = state == v1::DEADLINE_STATE_MET ? "scheduler.DeadlineMet"
                                                                   : "scheduler.DeadlineCancelled",
                         .entity_type = "deadline",
                         .entity_id = d.id(),
                         .before = &before,
                         .after = &after->deadline,
                         .request_id = event.event_id()});
}

absl::Status DeadlineKeeper::TrackItemOpened(sql::Connection& conn,
                                             const duban::events::v1::Event& event,
                                             const v1::DeadlineRegistered& registered) {
  const absl::Time now = clock_->Now();
  const std::string& item_id = registered.subject().id();
  auto lead = registered.inputs().find("lead_unit_id");
  const std::string lead_unit = lead == registered.inputs().end() ? "" : lead->second;
  DUBAN_ASSIGN_OR_RETURN(std::optional<ItemSpan> open, store_->OpenSpan(conn, item_id));
  absl::Time opened_at = event.has_occurred_at() ? FromProto(event.occurred_at()) : now;
  if (open && open->lead_unit_id == lead_unit) {
    opened_at = open->opened_at;
  } else {
    // A new lead unit takes over from now; the old one led it until then.
    if (open) DUBAN_RETURN_IF_ERROR(store_->CloseItem(conn, item_id, opened_at));
    if (open && opened_at <= open->opened_at) opened_at = open->opened_at + absl::Microseconds(1);
    DUBAN_RETURN_IF_ERROR(store_->OpenItem(conn, {item_id, lead_unit, opened_at, std::nullopt}));
  }
  if (lead_unit.empty()) return absl::OkStatus();

  // Reports owed for every period the item has been open in so far; later
  // periods get theirs when they are generated.
  const std::shared_ptr<const calendar::WorkCalendar> calendar = calendars_->Current();
  calendar::Period period = calendar::PeriodContaining(opened_at, *calendar, zone_, period_rules_);
  constexpr int kMaxPeriodsBack = 240;
  for (int i = 0; i < kMaxPeriodsBack && period.starts_after < now; ++i) {
    DUBAN_RETURN_IF_ERROR(
        EnsureGenerated(conn,
                        ReportDeadline(period, lead_unit, period_rules_, zone_,
                                       names_ == nullptr ? lead_unit : names_->UnitName(lead_unit)),
                        now)
            .status());
    period = calendar::NextPeriod(period, *calendar, zone_, period_rules_);
  }
  return absl::OkStatus();
}

absl::Status DeadlineKeeper::ForwardEnd(sql::Connection& conn,
                                        const duban::events::v1::Event& event,
                                        const Deadline& ended, absl::Time now) {
  const bool urged = std::any_of(ended.ladder().begin(), ended.ladder().end(), [](const auto& r) {
    return r.rung() == duban::common::v1::RUNG_URGING && r.has_fired_at();
  });
  if (!urged) return absl::OkStatus();
  // The owner's own message, as supervision applies it.
  const std::string key = SubjectKey(ended.subject());
  v1::DeadlineMet met;
  if (event.payload().UnpackTo(&met)) return db::EnqueueEvent(conn, "supervision", key, met, now);
  v1::DeadlineCancelled cancelled;
  if (event.payload().UnpackTo(&cancelled)) {
    return db::EnqueueEvent(conn, "supervision", key, cancelled, now);
  }
  return absl::OkStatus();
}

absl::Status DeadlineKeeper::RecordMetBeforeGenerated(sql::Connection& conn, const Subject& subject,
                                                      absl::Time met_at, absl::Time now) {
  const auto kind = subject.kind();
  if (kind != duban::common::v1::SUBJECT_KIND_REPORT &&
      kind != duban::common::v1::SUBJECT_KIND_DIGEST &&
      kind != duban::common::v1::SUBJECT_KIND_DISPATCH_CYCLE) {
    return absl::OkStatus();
  }
  StoredDeadline stored;
  Deadline& d = stored.deadline;
  d.set_id(NewDeadlineId());
  *d.mutable_subject() = subject;
  const std::string owner = subject.id().substr(0, subject.id().rfind('@'));
  if (kind == duban::common::v1::SUBJECT_KIND_REPORT) d.set_owner_unit_id(owner);
  if (kind == duban::common::v1::SUBJECT_KIND_DISPATCH_CYCLE) d.set_owner_person_id(owner);
  d.set_rule("met_before_generated");
  *d.mutable_due_at() = ToProto(met_at);
  *stored.given.mutable_instant() = ToProto(met_at);
  d.set_state(v1::DEADLINE_STATE_MET);
  *d.mutable_met_at() = ToProto(met_at);
  d.set_revision(1);
  return store_->InsertIfAbsent(conn, stored, now).status();
}

absl::StatusOr<bool> DeadlineKeeper::EnsureGenerated(sql::Connection& conn,
                                                     const GeneratedDeadline& generated,
                                                     absl::Time now) {
  StoredDeadline stored;
  Deadline& d = stored.deadline;
  d.set_id(NewDeadlineId());
  *d.mutable_subject() = generated.subject;
  d.set_owner_unit_id(generated.owner_unit_id);
  d.set_owner_person_id(generated.owner_person_id);
  d.set_rule(generated.rule);
  for (const auto& [key, value] : generated.inputs) (*d.mutable_inputs())[key] = value;
  *d.mutable_due_at() = ToProto(generated.due_at);
  d.set_state(v1::DEADLINE_STATE_PENDING);
  d.set_label(Shorten(generated.label, kMaxLabelChars));
  d.set_revision(1);
  stored.given = generated.given;
  DUBAN_ASSIGN_OR_RETURN(bool inserted, store_->InsertIfAbsent(conn, stored, now));
  if (!inserted) return false;
  DUBAN_RETURN_IF_ERROR(
      store_->AddRungs(conn, d.id(), d.revision(),
                       ComputeLadder(generated.due_at, zone_, *calendars_->Current(), options_)));
  DUBAN_ASSIGN_OR_RETURN(std::optional<StoredDeadline> after,
                         store_->LoadById(conn, d.id(), /*for_update=*/false));
  DUBAN_RETURN_IF_ERROR(db::WriteAudit(conn, {.actor = kActor,
                                              .at = now,
                                              .action = "scheduler.GenerateDeadline",
                                              .entity_type = "deadline",
                                              .entity_id = d.id(),
                                              .before = nullptr,
                                              .after = &after->deadline,
                                              .request_id = SubjectKey(d.subject())}));
  return true;
}

// ---- Following the work calendar ----

absl::StatusOr<int> DeadlineKeeper::FollowCalendar() {
  const std::shared_ptr<const calendar::WorkCalendar> calendar = calendars_->Current();
  constexpr int kPage = 500;
  int moved = 0;
  std::string after_id;
  while (true) {
    std::vector<std::string> ids;
    DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
      DUBAN_ASSIGN_OR_RETURN(ids, store_->ListPendingIds(conn, after_id, kPage));
      return absl::OkStatus();
    }));
    for (const std::string& id : ids) {
      DUBAN_ASSIGN_OR_RETURN(bool one, FollowCalendarOne(id, *calendar));
      moved += one ? 1 : 0;
    }
    if (static_cast<int>(ids.size()) < kPage) return moved;
    after_id = ids.back();
  }
}

absl::StatusOr<bool> DeadlineKeeper::FollowCalendarOne(const std::string& id,
                                                       const calendar::WorkCalendar& calendar) {
  bool moved = false;
  DUBAN_RETURN_IF_ERROR(db::InTransaction(*pool_, [&](sql::Connection& conn) -> absl::Status {
    moved = false;
    DUBAN_ASSIGN_OR_RETURN(std::optional<StoredDeadline> stored,
                           store_->LoadById(conn, id, /*for_update=*/true));
    if (!stored || stored->deadline.state() != v1::DEADLINE_STATE_PENDING) {
      return absl::OkStatus();
    }
    Deadline& d = stored->deadline;
    std::vector<duban::common::v1::Rung> fired;
    std::vector<RungDue> unfired;
    for (const auto& rung : d.ladder()) {
      if (rung.has_fired_at()) {
        fired.push_back(rung.rung());
      } else {
        unfired.push_back({rung.rung(), FromProto(rung.due_at())});
      }
    }
    if (std::find(fired.begin(), fired.end(), duban::common::v1::RUNG_URGING) != fired.end()) {
      return absl::OkStatus();
    }
    absl::Time due = FromProto(d.due_at());
    std::optional<absl::CivilDay> due_on;
    std::vector<absl::CivilDay> passed_over;
    if (std::optional<calendar::Cutoff> cutoff = CutoffOf(d, calendar, zone_, period_rules_)) {
      due = cutoff->at;
    } else if ((due_on = DraftDueOn(d, calendar, &passed_over))) {
      due = EndOfLocalDay(*due_on, zone_);
    }
    std::vector<RungDue> fresh = ComputeLadder(due, zone_, calendar, options_);
    std::erase_if(fresh, [&](const RungDue& r) {
      return std::find(fired.begin(), fired.end(), r.rung) != fired.end();
    });
    const auto same = [](const RungDue& a, const RungDue& b) {
      return a.rung == b.rung && a.due_at == b.due_at;
    };
    if (due == FromProto(d.due_at()) &&
        std::equal(fresh.begin(), fresh.end(), unfired.begin(), unfired.end(), same)) {
      return absl::OkStatus();
    }
    const Deadline before = d;
    *d.mutable_due_at() = ToProto(due);
    if (stored->given.has_instant()) *stored->given.mutable_instant() = ToProto(due);
    if (due_on) {
      if (stored->given.has_date()) *stored->given.mutable_date() = ToProto(*due_on);
      (*d.mutable_inputs())["non_working_days_passed"] = absl::StrCat(passed_over.size());
    }
    d.set_revision(d.revision() + 1);
    const absl::Time now = clock_->Now();
    DUBAN_RETURN_IF_ERROR(store_->Update(conn, *stored, now));
    DUBAN_RETURN_IF_ERROR(store_->DeleteUnfiredRungs(conn, d.id()));
    DUBAN_RETURN_IF_ERROR(store_->AddRungs(conn, d.id(), d.revision(), fresh));
    DUBAN_ASSIGN_OR_RETURN(std::optional<StoredDeadline> after,
                           store_->LoadById(conn, d.id(), /*for_update=*/false));
    DUBAN_RETURN_IF_ERROR(
        TellOwnerOfMove(conn, before, *after, "the work calendar changed: ", now));
    DUBAN_RETURN_IF_ERROR(
        db::WriteAudit(conn, {.actor = kActor,
                              .at = now,
                              .action = "scheduler.FollowCalendar",
                              .entity_type = "deadline",
                              .entity_id = d.id(),
                              .before = &before,
                              .after = &after->deadline,
                              .request_id = absl::StrCat("calendar-", d.id(), "-", d.revision())}));
    moved = true;
    return absl::OkStatus();
  }));
  return moved;
}

absl::Status DeadlineKeeper::TellOwnerOfMove(sql::Connection& conn, const Deadline& before,
                                             const StoredDeadline& after, const std::string& why,
                                             absl::Time now) {
  const std::string owner = OwnerToTellOfMoves(after.deadline.subject().kind());
  if (owner.empty() || FromProto(after.deadline.due_at()) == FromProto(before.due_at())) {
    return absl::OkStatus();
  }
  v1::DeadlineMoved moved;
  *moved.mutable_subject() = after.deadline.subject();
  *moved.mutable_deadline() = after.given;
  *moved.mutable_due_at() = after.deadline.due_at();
  *moved.mutable_previous_due_at() = before.due_at();
  moved.set_revision(after.deadline.revision());
  moved.set_reason(absl::StrCat(why, DescribeMove(moved, zone_)));
  return db::EnqueueEvent(conn, owner, SubjectKey(moved.subject()), moved, now);
}

// ---- Firing ----

absl::StatusOr<int> DeadlineKeeper::FireDue(absl::Time now, int max_rungs) {
  int fired = 0;
  while (fired < max_rungs) {
    duban::common::v1::Rung rung = duban::common::v1::RUNG_UNSPECIFIED;
    duban::common::v1::SubjectKind kind = duban::common::v1::SUBJECT_KIND_UNSPECIFIED;
    DUBAN_ASSIGN_OR_RETURN(bool one, FireOne(now, &rung, &kind));
    if (!one) break;
    ++fired;
    if (metrics_ != nullptr) metrics_->RungFired(rung, kind);
  }
  return fired;
}

absl::StatusOr<bool> DeadlineKeeper::FireOne(absl::Time now, duban::common::v1::Rung* rung,
                                             duban::common::v1::SubjectKind* kind) {
  bool fired = false;
  DUBAN_RETURN_IF_ERROR(db::InTransaction(*pool_, [&](sql::Connection& conn) -> absl::Status {
    fired = false;
    DUBAN_ASSIGN_OR_RETURN(std::optional<ClaimedRung> claimed, store_->ClaimDueRung(conn, now));
    if (!claimed) return absl::OkStatus();
    DUBAN_ASSIGN_OR_RETURN(std::optional<StoredDeadline> stored,
                           store_->LoadById(conn, claimed->deadline_id, /*for_update=*/false));
    if (!stored) return absl::DataLossError(absl::StrCat("rung ", claimed->id, ": no deadline"));
    const Deadline before = stored->deadline;
    Deadline after = before;
    for (auto& entry : *after.mutable_ladder()) {
      if (!entry.has_fired_at() && entry.rung() == claimed->rung &&
          FromProto(entry.due_at()) == claimed->due_at) {
        *entry.mutable_fired_at() = ToProto(now);
      }
    }

    v1::RungFired event;
    auto& firing = *event.mutable_firing();
    firing.set_deadline_id(after.id());
    *firing.mutable_subject() = after.subject();
    firing.set_rung(claimed->rung);
    *firing.mutable_due_at() = ToProto(claimed->due_at);
    *firing.mutable_fired_at() = ToProto(now);
    *event.mutable_deadline() = after;
    DUBAN_RETURN_IF_ERROR(
        db::EnqueueEvent(conn, "supervision", SubjectKey(after.subject()), event, now));
    DUBAN_ASSIGN_OR_RETURN(int64_t seq, store_->LastEventSeq(conn));
    DUBAN_RETURN_IF_ERROR(store_->MarkFired(conn, claimed->id, now, seq));
    DUBAN_RETURN_IF_ERROR(
        db::WriteAudit(conn, {.actor = kActor,
                              .at = now,
                              .action = absl::StrCat("scheduler.Fire", RungName(claimed->rung)),
                              .entity_type = "deadline",
                              .entity_id = after.id(),
                              .before = &before,
                              .after = &after,
                              .request_id = absl::StrCat("rung-", claimed->id)}));
    fired = true;
    *rung = claimed->rung;
    *kind = after.subject().kind();
    return absl::OkStatus();
  }));
  return fired;
}

absl::StatusOr<std::map<duban::common::v1::SubjectKind, int64_t>> DeadlineKeeper::CountPending() {
  std::map<duban::common::v1::SubjectKind, int64_t> pending;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(pending, store_->CountPending(conn));
    return absl::OkStatus();
  }));
  return pending;
}

absl::StatusOr<absl::Time> DeadlineKeeper::NextDue(absl::Time now) {
  std::optional<absl::Time> next;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(next, store_->NextUnfiredAfter(conn, now));
    return absl::OkStatus();
  }));
  return next.value_or(absl::InfiniteFuture());
}

absl::StatusOr<absl::Duration> DeadlineKeeper::FiringLag(absl::Time now) {
  std::optional<absl::Time> oldest;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(oldest, store_->OldestUnfiredDue(conn, now));
    return absl::OkStatus();
  }));
  return oldest ? now - *oldest : absl::ZeroDuration();
}

// ---- Reads ----

absl::StatusOr<StoredDeadline> DeadlineKeeper::LoadVisible(const Reader& reader,
                                                           const std::string& id) {
  std::optional<StoredDeadline> stored;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(stored, store_->LoadById(conn, id, /*for_update=*/false));
    return absl::OkStatus();
  }));
  if (!stored || !Visible(reader, stored->deadline)) {
    return absl::NotFoundError(absl::StrCat("deadline ", id, " not found"));
  }
  return *std::move(stored);
}

absl::StatusOr<Deadline> DeadlineKeeper::GetDeadline(const Reader& reader,
                                                     const v1::GetDeadlineRequest& request) {
  if (!request.deadline_id().empty()) {
    DUBAN_ASSIGN_OR_RETURN(StoredDeadline stored, LoadVisible(reader, request.deadline_id()));
    return stored.deadline;
  }
  if (!request.has_subject())
    return InvalidField("deadline_id", "a deadline id or a subject is required");
  DUBAN_RETURN_IF_ERROR(CheckSubject(request.subject()));
  std::optional<StoredDeadline> stored;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(stored,
                           store_->LoadBySubject(conn, request.subject(), /*for_update=*/false));
    return absl::OkStatus();
  }));
  if (!stored || !Visible(reader, stored->deadline)) {
    return absl::NotFoundError(
        absl::StrCat("deadline of ", SubjectKey(request.subject()), " not found"));
  }
  return stored->deadline;
}

absl::StatusOr<v1::ListDeadlinesResponse> DeadlineKeeper::ListDeadlines(
    const Reader& reader, const v1::ListDeadlinesRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(int size, PageSize(request.page_size()));
  DeadlineQuery query;
  query.restricted = !reader.reads_everything;
  query.scope_units = reader.units;
  query.subject_kind = request.subject_kind();
  query.owner_unit_id = request.owner_unit_id();
  query.state = request.state();
  if (request.has_due_from()) query.due_from = FromProto(request.due_from());
  if (request.has_due_to()) query.due_to = FromProto(request.due_to());
  if (!request.page_token().empty()) {
    std::string plain;
    int64_t micros = 0;
    if (!absl::WebSafeBase64Unescape(request.page_token(), &plain)) return BadToken();
    std::pair<std::string, std::string> parts = absl::StrSplit(plain, absl::MaxSplits('|', 1));
    if (!absl::SimpleAtoi(parts.first, &micros) || parts.second.empty()) return BadToken();
    query.after = std::make_pair(absl::FromUnixMicros(micros), parts.second);
  }
  query.limit = size + 1;

  std::vector<Deadline> deadlines;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(deadlines, store_->List(conn, query));
    return absl::OkStatus();
  }));
  v1::ListDeadlinesResponse response;
  const bool more = static_cast<int>(deadlines.size()) > size;
  if (more) deadlines.resize(size);
  for (auto& d : deadlines) *response.add_deadlines() = std::move(d);
  if (more) {
    const Deadline& last = response.deadlines(size - 1);
    response.set_next_page_token(absl::WebSafeBase64Escape(
        absl::StrCat(absl::ToUnixMicros(FromProto(last.due_at())), "|", last.id())));
  }
  return response;
}

absl::StatusOr<v1::Explanation> DeadlineKeeper::ExplainDeadline(const Reader& reader,
                                                                const std::string& id) {
  if (id.empty()) return InvalidField("deadline_id", "required");
  DUBAN_ASSIGN_OR_RETURN(StoredDeadline stored, LoadVisible(reader, id));
  const std::shared_ptr<const calendar::WorkCalendar> calendar = calendars_->Current();
  std::vector<absl::CivilDay> rule_skipped;
  std::vector<std::string> rule_steps =
      ExplainCutoff(stored.deadline, *calendar, zone_, period_rules_, &rule_skipped);
  std::optional<calendar::Cutoff> cutoff =
      CutoffOf(stored.deadline, *calendar, zone_, period_rules_);
  if (cutoff && cutoff->at != FromProto(stored.deadline.due_at())) {
    rule_steps.push_back(absl::StrCat("kept at ",
                                      FormatLocal(FromProto(stored.deadline.due_at()), zone_),
                                      ": its urging had fired before the work calendar changed"));
  }
  return Explain(stored.deadline, stored.given, zone_, *calendar, options_, rule_steps,
                 rule_skipped);
}

absl::StatusOr<v1::ListRungFiringsResponse> DeadlineKeeper::ListRungFirings(
    const Reader& reader, const v1::ListRungFiringsRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(int size, PageSize(request.page_size()));
  FiringQuery query;
  query.restricted = !reader.reads_everything;
  query.scope_units = reader.units;
  if (request.has_subject()) query.subject = request.subject();
  query.rung = request.rung();
  if (!request.page_token().empty()) {
    std::string plain;
    if (!absl::WebSafeBase64Unescape(request.page_token(), &plain) ||
        !absl::SimpleAtoi(plain, &query.after_id)) {
      return BadToken();
    }
  }
  query.limit = size + 1;

  std::vector<v1::RungFiring> firings;
  std::vector<int64_t> ids;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(firings, store_->ListFirings(conn, query, &ids));
    return absl::OkStatus();
  }));
  v1::ListRungFiringsResponse response;
  const bool more = static_cast<int>(firings.size()) > size;
  if (more) firings.resize(size);
  for (auto& f : firings) *response.add_firings() = std::move(f);
  if (more) response.set_next_page_token(absl::WebSafeBase64Escape(absl::StrCat(ids[size - 1])));
  return response;
}

}  // namespace duban::scheduler
