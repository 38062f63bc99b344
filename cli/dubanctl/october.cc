#include "cli/dubanctl/october.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/dubanctl/commands.h"
#include "cli/dubanctl/cycle.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::client {
namespace {

namespace registry = duban::registry::v1;
namespace minutes = duban::minutes::v1;
namespace tasks = duban::tasks::v1;
namespace reporting = duban::reporting::v1;
namespace scheduler = duban::scheduler::v1;
namespace supervision = duban::supervision::v1;
namespace common = duban::common::v1;

// The office liaison of row 2, who records the events and compiles the digest.
constexpr char kOfficeLiaison[] = "沈三";
constexpr char kMonth[] = "2026-10";
constexpr char kFirstPeriod[] = "2026-10-1";
constexpr char kSecondPeriod[] = "2026-10-2";

struct PlannedItem {
  const char* key;
  const char* task;
  const char* unit;  // the responsible unit
  absl::CivilDay due;
  const char* blockers = "";
  const char* measures = "";
};

struct PlannedEvent {
  const char* key;
  int matter_row;  // form 2's row, whose leader holds the event
  minutes::DispatchEventKind kind;
  absl::CivilMinute held;
  const char* title;
  const char* drafting_unit;
  minutes::DocumentKind document_kind;
  const char* document_title;
  const char* document_number;
  std::vector<PlannedItem> items;
};

constexpr auto kMeeting = minutes::DISPATCH_EVENT_KIND_MEETING;
constexpr auto kFieldVisit = minutes::DISPATCH_EVENT_KIND_FIELD_VISIT;
constexpr auto kSession = minutes::DISPATCH_EVENT_KIND_DISPATCH_SESSION;
constexpr auto kMinutes = minutes::DOCUMENT_KIND_MINUTES;
constexpr auto kSheet = minutes::DOCUMENT_KIND_ASSIGNMENT_SHEET;

absl::CivilDay Day(int m, int d) { return absl::CivilDay(2026, m, d); }
absl::CivilMinute At(int m, int d, int hh, int mm) { return absl::CivilMinute(2026, m, d, hh, mm); }

// The month's dispatch events, in the order they are held.
const std::vector<PlannedEvent>& Events() {
  static const auto* events = new std::vector<PlannedEvent>{
      {"li-sep",
       2,
       kMeeting,
       At(9, 28, 10, 0),
       "经济运行和重点项目调度会",
       "发改局",
       kMinutes,
       "关于经济运行和重点项目调度会议的纪要",
       "泉港政纪〔2026〕12号",
       {{"stats", "报送三季度经济运行分析", "统计局", Day(10, 12)},
        {"tech", "梳理石化科创小镇（一期）入园企业清单", "科技局", Day(10, 16),
         "部分企业投资意向未最终确定", "逐家对接，按月更新清单"},
        {"finance", "制定国道G228泉港段项目投融资方案", "新城投资公司", Day(10, 29)}}},
      {"zhang",
       1,
       kMeeting,
       At(10, 8, 9, 30),
       "重大项目招商和经济分析调度会",
       "商务局",
       kMinutes,
       "关于重大项目招商和经济分析调度会议的纪要",
       "泉港政纪〔2026〕13号",
       {{"invest", "完成四季度重点招商项目签约", "商务局", Day(10, 30)},
        {"digital", "提出数字经济产业园项目落地方案", "工信局（数字办）", Day(11, 16)}}},
      {"li-oct",
       2,
       kFieldVisit,
       At(10, 9, 9, 30),
       "石化园区安全生产现场调度",
       "应急局",
       kSheet,
       "石化园区安全生产现场调度事项交办单",
       "泉港政交〔2026〕3号",
       {{"hazard", "督促危化品企业完成重大安全隐患整改", "应急局", Day(10, 23),
         "部分企业整改资金不到位", "分企业列出整改清单，逐项销号"},
        {"parking", "推进海丝综合服务物流园危险品车辆停车场建设", "应急局", Day(11, 30),
         "涉及选址、交通组织和安全评估，跨部门协调难", "提请督导考核组分解督办"}}},
      {"sun",
       5,
       kMeeting,
       At(10, 9, 15, 0),
       "城市提质突破提升行动调度会",
       "住建局",
       kMinutes,
       "关于城市提质突破提升行动调度会议的纪要",
       "泉港政纪〔2026〕14号",
       {{"land", "完成第一批低效用地盘活处置", "住建局", Day(11, 30)},
        {"g228", "完成G228改线工程用地征迁报批", "自然资源局", Day(11, 20)},
        {"clean", "整改城乡人居环境考评反馈问题", "城管局", Day(10, 19)}}},
      {"zhou",
       6,
       kMeeting,
       At(10, 10, 10, 0),
       "教育和生态环境工作调度会",
       "教育局",
       kMinutes,
       "关于教育和生态环境工作调度会议的纪要",
       "泉港政纪〔2026〕15号",
       {{"school", "落实秋季学期新增学位保障", "教育局", Day(11, 30)},
        {"env", "完成环保督察反馈问题整改", "生态环境局", Day(10, 21)}}},
      {"wang",
       3,
       kMeeting,
       At(10, 12, 15, 0),
       "乡村振兴和重点水利项目调度会",
       "农水局",
       kMinutes,
       "关于乡村振兴和重点水利项目调度会议的纪要",
       "泉港政纪〔2026〕16号",
       {{"village", "报送村集体经济创收项目清单", "农水局", Day(10, 30)},
        {"tourism", "组织文旅重点项目招商推介", "文体旅游局", Day(11, 20)},
        {"hospital", "办结区医院二期项目前期手续", "卫健局", Day(11, 30)}}},
      {"zhao",
       4,
       kMeeting,
       At(10, 13, 9, 30),
       "基层治理和信访工作调度会",
       "公安分局",
       kMinutes,
       "关于基层治理和信访工作调度会议的纪要",
       "泉港政纪〔2026〕17号",
       {{"fraud", "开展电信网络诈骗犯罪打击整治专项行动", "公安分局", Day(11, 30)},
        {"petition", "化解三件信访积案", "信访局", Day(10, 27)}}},
      {"wu",
       7,
       kSession,
       At(10, 14, 15, 0),
       "规上工业和消费扩容调度",
       "工信局（数字办）",
       kSheet,
       "规上工业和消费扩容调度事项交办单",
       "泉港政交〔2026〕4号",
       {{"industry", "落实规上工业增加值“一月一调度”", "工信局（数字办）", Day(11, 10)},
        {"market", "推进农贸市场提升改造", "商务局", Day(11, 27)}}},
  };
  return *events;
}

// The parts the supervision group splits the referred parking item into.
struct PlannedPart {
  const char* content;
  const char* unit;
  absl::CivilDay due;
};
const std::vector<PlannedPart>& ParkingParts() {
  static const auto* parts = new std::vector<PlannedPart>{
      {"提出危险品车辆停车场选址及交通组织方案", "交通运输局", Day(11, 20)},
      {"完成危险品车辆停车场安全评估", "应急局", Day(11, 25)},
  };
  return *parts;
}

// What each item's responsible unit reports when it completes it, with when.
struct PlannedCompletion {
  absl::CivilMinute at;
  const char* item;
  const char* summary;
};
const std::vector<PlannedCompletion>& Completions() {
  static const auto* completions = new std::vector<PlannedCompletion>{
      {At(10, 10, 15, 0), "stats", "三季度经济运行分析已报送区政府"},
      {At(10, 19, 11, 0), "clean", "考评反馈的12个问题全部整改到位"},
      {At(10, 21, 10, 0), "env", "督察反馈问题已整改并通过验收"},
      {At(10, 26, 10, 0), "petition", "三件信访积案均已化解，当事人签字息诉"},
      {At(10, 27, 10, 0), "finance", "投融资方案已经区政府常务会议研究通过"},
      {At(10, 28, 16, 0), "tech", "入园企业清单已梳理完毕并报送"},
      {At(10, 29, 10, 0), "invest", "四季度重点招商项目已签约5个"},
      {At(10, 29, 15, 0), "village", "村集体经济创收项目清单已报送"},
  };
  return *completions;
}

// The lead units owing a report for each period, as the month is planned.
std::map<std::string, std::vector<std::string>> PlannedOwingNames() {
  return {{kFirstPeriod, {"发改局"}},
          {kSecondPeriod,
           {"发改局", "商务局", "应急局", "住建局", "教育局", "农水局", "公安分局",
            "工信局（数字办）"}}};
}

// Unit name -> its liaison's name, from the liaisons CSV (unit, name, phone).
std::map<std::string, std::string> LiaisonsByUnit(const std::string& csv) {
  std::map<std::string, std::string> liaisons;
  bool header = true;
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    if (header || line.empty()) {
      header = false;
      continue;
    }
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    if (cells.size() >= 2) liaisons[cells[0]] = cells[1];
  }
  return liaisons;
}

// "2026-10-20 18:00" in the district's zone, for the account.
std::string Short(absl::Time t, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M", t, zone);
}

// "meeting", "field visit" or "dispatch session".
std::string KindName(minutes::DispatchEventKind kind) {
  switch (kind) {
    case minutes::DISPATCH_EVENT_KIND_FIELD_VISIT:
      return "field visit";
    case minutes::DISPATCH_EVENT_KIND_DISPATCH_SESSION:
      return "dispatch session";
    default:
      return "meeting";
  }
}

struct Step {
  absl::CivilSecond at;
  std::function<absl::Status()> run;
};

class October {
 public:
  October(Session& session, const OctoberInputs& inputs, std::ostream& out)
      : s_(session), in_(inputs), out_(out), liaisons_(LiaisonsByUnit(inputs.liaisons_csv)) {}

  absl::StatusOr<OctoberResult> Run();

 private:
  std::vector<Step> Timeline();
  void AddEventSteps(std::vector<Step>& steps);

  // Printing: the step's line, then indented detail lines.
  void Say(const std::string& text);
  void Detail(const std::string& text) { out_ << "          " << text << "\n"; }

  // Tokens and lookups.
  absl::StatusOr<std::string> LiaisonToken(const std::string& unit_name);
  absl::StatusOr<std::string> Office() { return s_.TokenAs(kOfficeLiaison); }
  absl::StatusOr<std::string> Group() { return s_.TokenAs(kSupervisor); }
  absl::StatusOr<std::string> ItemId(const std::string& key);
  const PlannedEvent& Event(const std::string& key) const;
  absl::StatusOr<absl::Time> Now() { return s_.Now(); }

  // The steps.
  absl::Status ImportRegistry();
  absl::Status RecordEvent(const PlannedEvent& event);
  absl::Status DraftAndRoute(const PlannedEvent& event);
  absl::Status Countersign(const PlannedEvent& event);
  absl::Status Issue(const PlannedEvent& event);
  absl::Status Accept(const PlannedEvent& event);
  absl::Status Complete(const PlannedCompletion& completion);
  absl::Status RequestExtension();
  absl::Status ApproveExtension();
  absl::Status Refer();
  absl::Status Split();
  absl::Status AcceptSubItems();
  absl::Status SubmitReports(const std::string& period_id, const std::vector<std::string>& units);
  absl::Status SubmitReport(const std::string& period_id, const std::string& unit);
  absl::Status SubmitDigest(const std::string& period_id);
  absl::Status MonthEnd();
  absl::Status IssueCircular();
  absl::Status IssueAnalysis();
  absl::Status ExportAll();
  absl::Status Export(const std::string& token, reporting::ExportKind kind,
                      const std::string& period_id, const std::string& unit_id,
                      const std::string& label);
  absl::Status CollectPeriods();
  absl::StatusOr<std::vector<std::string>> SchedulerOwing(const std::string& period_id);
  void PrintCircular();

  Session& s_;
  const OctoberInputs& in_;
  std::ostream& out_;
  std::map<std::string, std::string> liaisons_;
  std::map<int, registry::Matter> matters_;
  std::map<std::string, std::string> event_ids_;
  std::map<std::string, minutes::Document> documents_;
  std::map<std::string, std::string> item_ids_;
  std::string extension_id_;
  // (period id, unit name) of each submitted report.
  std::vector<std::pair<std::string, std::string>> submitted_;
  std::vector<reporting::Report> reports_;
  // What each exported file is, in the order of result_.exported_files.
  std::vector<std::string> export_labels_;
  int step_ = 0;
  int steps_ = 0;
  OctoberResult result_;
};

void October::Say(const std::string& text) {
  absl::StatusOr<absl::Time> now = s_.Now();
  std::string when = now.ok() ? Short(*now, s_.zone()) : "?";
  out_ << "[" << (step_ < 10 && steps_ >= 10 ? " " : "") << step_ << "/" << steps_ << "] " << when
       << "  " << text << "\n";
}

absl::StatusOr<std::string> October::LiaisonToken(const std::string& unit_name) {
  auto it = liaisons_.find(unit_name);
  if (it == liaisons_.end()) {
    return absl::NotFoundError(absl::StrCat("liaison: the sample names none for ", unit_name));
  }
  return s_.TokenAs(it->second);
}

absl::StatusOr<std::string> October::ItemId(const std::string& key) {
  auto it = item_ids_.find(key);
  if (it == item_ids_.end()) {
    return absl::NotFoundError(absl::StrCat("item '", key, "' has not reached tasks"));
  }
  return it->second;
}

const PlannedEvent& October::Event(const std::string& key) const {
  for (const PlannedEvent& event : Events()) {
    if (key == event.key) return event;
  }
  return Events().front();
}

absl::Status October::ImportRegistry() {
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s_.AdminToken());
  registry::ImportWorkCalendarRequest calendar;
  calendar.set_request_id(NewRequestId());
  calendar.set_csv(in_.calendar_csv);
  registry::ImportWorkCalendarResponse calendar_response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().registry(),
                                    &registry::RegistryService::Stub::ImportWorkCalendar, admin,
                                    calendar, &calendar_response));
  DUBAN_ASSIGN_OR_RETURN(SampleImport sample,
                         ImportSampleRegistry(s_, {in_.matters_csv, in_.liaisons_csv}));

  registry::ListMattersRequest list;
  list.set_page_size(100);
  registry::ListMattersResponse listed;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().registry(),
                                    &registry::RegistryService::Stub::ListMatters, admin, list,
                                    &listed));
  for (const auto& matter : listed.matters()) matters_[matter.number()] = matter;
  Say(absl::StrCat("registry: 2026 work calendar (", calendar_response.days(), " days), form 2 (",
                   sample.matters.matters(), " matters, ", sample.matters.leaders(), " leaders, ",
                   sample.matters.units(), " units), ", sample.liaisons.assigned(),
                   " unit liaisons and the supervision group member ", kSupervisor));
  return absl::OkStatus();
}

absl::Status October::RecordEvent(const PlannedEvent& planned) {
  auto matter = matters_.find(planned.matter_row);
  if (matter == matters_.end()) {
    return absl::NotFoundError(absl::StrCat("matter: form 2 has no row ", planned.matter_row));
  }
  DUBAN_ASSIGN_OR_RETURN(std::string office, Office());
  DUBAN_ASSIGN_OR_RETURN(std::string drafting_unit, s_.UnitId(planned.drafting_unit));
  minutes::RecordDispatchEventRequest request;
  request.set_request_id(NewRequestId());
  request.set_kind(planned.kind);
  request.set_leader_id(matter->second.leader_id());
  *request.mutable_held_at() = ToProto(FromLocal(absl::CivilSecond(planned.held), s_.zone()));
  request.set_title(planned.title);
  request.add_matter_ids(matter->second.id());
  request.set_drafting_unit_id(drafting_unit);
  for (const PlannedItem& item : planned.items) {
    DUBAN_ASSIGN_OR_RETURN(std::string unit, s_.UnitId(item.unit));
    if (std::find(request.present_unit_ids().begin(), request.present_unit_ids().end(), unit) ==
        request.present_unit_ids().end()) {
      request.add_present_unit_ids(unit);
    }
  }
  minutes::RecordDispatchEventResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().minutes(),
                                    &minutes::MinutesService::Stub::RecordDispatchEvent, office,
                                    request, &response));
  event_ids_[planned.key] = response.event().id();
  Say(absl::StrCat(kOfficeLiaison, " records ", matter->second.leader_name(), "'s ",
                   KindName(planned.kind), " “", planned.title, "” held ",
                   Short(FromProto(response.event().held_at()), s_.zone()), "; ",
                   planned.drafting_unit, " drafts, due ",
                   DescribeDue(FromProto(response.event().draft_due_at()), s_.zone())));
  return absl::OkStatus();
}

minutes::AgreedItem ToAgreedItem(int ordinal, const PlannedItem& planned, const std::string& unit) {
  minutes::AgreedItem item;
  item.set_ordinal(ordinal);
  item.set_task(planned.task);
  item.set_blockers(planned.blockers);
  item.set_measures(planned.measures);
  item.add_responsible_unit_ids(unit);
  *item.mutable_deadline()->mutable_date() = ToProto(planned.due);
  return item;
}

// The responsible units other than the drafting unit, who countersign.
std::vector<std::string> CountersigningUnits(const PlannedEvent& event) {
  std::vector<std::string> units;
  for (const PlannedItem& item : event.items) {
    if (item.unit != std::string(event.drafting_unit) &&
        std::find(units.begin(), units.end(), item.unit) == units.end()) {
      units.push_back(item.unit);
    }
  }
  return units;
}

absl::Status October::DraftAndRoute(const PlannedEvent& planned) {
  DUBAN_ASSIGN_OR_RETURN(std::string drafter, LiaisonToken(planned.drafting_unit));
  minutes::SaveDraftRequest save;
  save.set_request_id(NewRequestId());
  save.set_event_id(event_ids_[planned.key]);
  save.set_kind(planned.document_kind);
  save.set_title(planned.document_title);
  save.set_document_number(planned.document_number);
  for (size_t i = 0; i < planned.items.size(); ++i) {
    DUBAN_ASSIGN_OR_RETURN(std::string unit, s_.UnitId(planned.items[i].unit));
    *save.add_items() = ToAgreedItem(static_cast<int>(i) + 1, planned.items[i], unit);
  }
  minutes::SaveDraftResponse saved;
  DUBAN_RETURN_IF_ERROR(CallService(
      s_.clients().minutes(), &minutes::MinutesService::Stub::SaveDraft, drafter, save, &saved));

  minutes::RouteForCountersignRequest route;
  route.set_request_id(NewRequestId());
  route.set_document_id(saved.document().id());
  const std::vector<std::string> countersigning = CountersigningUnits(planned);
  for (const std::string& name : countersigning) {
    DUBAN_ASSIGN_OR_RETURN(std::string unit, s_.UnitId(name));
    route.add_countersigning_unit_ids(unit);
  }
  minutes::RouteForCountersignResponse routed;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().minutes(),
                                    &minutes::MinutesService::Stub::RouteForCountersign, drafter,
                                    route, &routed));
  documents_[planned.key] = routed.document();
  const absl::Time due = FromProto(routed.document().draft_due_at());
  const absl::Time at = FromProto(routed.document().routed_at());
  Say(absl::StrCat(planned.drafting_unit, " drafts ", planned.document_number, " (",
                   planned.items.size(), " items) and routes it ",
                   countersigning.empty()
                       ? "straight to sign-off"
                       : "for countersigning by " + absl::StrJoin(countersigning, "、"),
                   "; due ", DescribeDue(due, s_.zone()), at > due ? ": LATE" : ": in time"));
  return absl::OkStatus();
}

absl::Status October::Countersign(const PlannedEvent& planned) {
  const std::vector<std::string> units = CountersigningUnits(planned);
  minutes::Document document = documents_[planned.key];
  for (const std::string& name : units) {
    DUBAN_ASSIGN_OR_RETURN(std::string token, LiaisonToken(name));
    DUBAN_ASSIGN_OR_RETURN(std::string unit, s_.UnitId(name));
    minutes::CountersignRequest request;
    request.set_request_id(NewRequestId());
    request.set_document_id(document.id());
    request.set_unit_id(unit);
    minutes::CountersignResponse response;
    DUBAN_RETURN_IF_ERROR(CallService(s_.clients().minutes(),
                                      &minutes::MinutesService::Stub::Countersign, token, request,
                                      &response));
    document = response.document();
  }
  documents_[planned.key] = document;
  Say(absl::StrCat(absl::StrJoin(units, "、"), " countersign ", planned.document_number));
  return absl::OkStatus();
}

absl::Status October::Issue(const PlannedEvent& planned) {
  const registry::Matter& matter = matters_[planned.matter_row];
  DUBAN_ASSIGN_OR_RETURN(std::string leader, s_.TokenAs(matter.leader_name()));
  minutes::SignOffAndIssueRequest request;
  request.set_request_id(NewRequestId());
  request.set_document_id(documents_[planned.key].id());
  minutes::SignOffAndIssueResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().minutes(),
                                    &minutes::MinutesService::Stub::SignOffAndIssue, leader,
                                    request, &response));
  documents_[planned.key] = response.document();
  Say(absl::StrCat(matter.leader_name(), " signs off and issues ", planned.document_number,
                   " with ", response.document().items_size(), " items"));
  return absl::OkStatus();
}

absl::Status October::Accept(const PlannedEvent& planned) {
  DUBAN_ASSIGN_OR_RETURN(std::string office, Office());
  tasks::ListItemsRequest list;
  list.mutable_filter()->set_document_id(documents_[planned.key].id());
  list.set_page_size(100);
  tasks::ListItemsResponse listed;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().tasks(), &tasks::TasksService::Stub::ListItems,
                                    office, list, &listed));
  if (listed.items_size() != static_cast<int>(planned.items.size())) {
    return absl::FailedPreconditionError(absl::StrCat("tasks holds ", listed.items_size(),
                                                      " items of ", planned.document_number,
                                                      ", not ", planned.items.size()));
  }
  std::vector<std::string> accepted;
  for (const auto& item : listed.items()) {
    const int ordinal = item.source().ordinal();
    if (ordinal < 1 || ordinal > static_cast<int>(planned.items.size())) {
      return absl::FailedPreconditionError(
          absl::StrCat("item ", item.id(), ": ordinal ", ordinal, " not in the document"));
    }
    const PlannedItem& plan = planned.items[ordinal - 1];
    item_ids_[plan.key] = item.id();
    DUBAN_ASSIGN_OR_RETURN(std::string token, LiaisonToken(plan.unit));
    tasks::AcceptItemRequest request;
    request.set_request_id(NewRequestId());
    request.set_item_id(item.id());
    request.set_unit_id(item.responsible_unit_ids(0));
    tasks::AcceptItemResponse response;
    DUBAN_RETURN_IF_ERROR(CallService(s_.clients().tasks(), &tasks::TasksService::Stub::AcceptItem,
                                      token, request, &response));
    accepted.push_back(absl::StrCat(item.id(), " ", plan.unit, " due ",
                                    DescribeDue(FromProto(item.due_at()), s_.zone()), " ",
                                    plan.task));
  }
  Say(absl::StrCat("the items of ", planned.document_number,
                   " reach their units, who accept them"));
  for (const std::string& line : accepted) Detail(line);
  return absl::OkStatus();
}

absl::Status October::Complete(const PlannedCompletion& completion) {
  DUBAN_ASSIGN_OR_RETURN(std::string item_id, ItemId(completion.item));
  DUBAN_ASSIGN_OR_RETURN(std::string office, Office());
  tasks::GetItemRequest get;
  get.set_item_id(item_id);
  tasks::GetItemResponse got;
  DUBAN_RETURN_IF_ERROR(
      CallService(s_.clients().tasks(), &tasks::TasksService::Stub::GetItem, office, get, &got));
  DUBAN_ASSIGN_OR_RETURN(std::string unit, s_.UnitName(got.item().responsible_unit_ids(0)));
  DUBAN_ASSIGN_OR_RETURN(std::string token, LiaisonToken(unit));
  tasks::ReportCompleteRequest request;
  request.set_request_id(NewRequestId());
  request.set_item_id(item_id);
  request.set_summary(completion.summary);
  tasks::ReportCompleteResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(
      s_.clients().tasks(), &tasks::TasksService::Stub::ReportComplete, token, request, &response));
  Say(absl::StrCat(unit, " reports ", item_id, " complete (due ",
                   DescribeDue(FromProto(response.item().due_at()), s_.zone()),
                   "): ", completion.summary));
  return absl::OkStatus();
}

absl::Status October::RequestExtension() {
  DUBAN_ASSIGN_OR_RETURN(std::string item_id, ItemId("tech"));
  DUBAN_ASSIGN_OR_RETURN(std::string token, LiaisonToken("科技局"));
  tasks::RequestExtensionRequest request;
  request.set_request_id(NewRequestId());
  request.set_item_id(item_id);
  request.set_reason("两家重点企业投资协议尚在审批，需延期至11月13日");
  *request.mutable_requested_deadline()->mutable_date() = ToProto(Day(11, 13));
  tasks::RequestExtensionResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().tasks(),
                                    &tasks::TasksService::Stub::RequestExtension, token, request,
                                    &response));
  if (response.item().extensions().empty()) {
    return absl::FailedPreconditionError(absl::StrCat("item ", item_id, ": no extension recorded"));
  }
  extension_id_ = response.item().extensions().rbegin()->id();
  result_.extended_item_id = item_id;
  Say(absl::StrCat("科技局 asks to extend ", item_id, " to 2026-11-13"));
  return absl::OkStatus();
}

absl::Status October::ApproveExtension() {
  DUBAN_ASSIGN_OR_RETURN(std::string item_id, ItemId("tech"));
  DUBAN_ASSIGN_OR_RETURN(std::string token, LiaisonToken("发改局"));
  tasks::DecideExtensionRequest request;
  request.set_request_id(NewRequestId());
  request.set_item_id(item_id);
  request.set_extension_id(extension_id_);
  request.set_approve(true);
  request.set_comment("同意延期");
  tasks::DecideExtensionResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().tasks(),
                                    &tasks::TasksService::Stub::DecideExtension, token, request,
                                    &response));
  Say(absl::StrCat("发改局 (lead unit) approves the extension: ", item_id, " now due ",
                   DescribeDue(FromProto(response.item().due_at()), s_.zone())));
  return absl::OkStatus();
}

absl::Status October::Refer() {
  DUBAN_ASSIGN_OR_RETURN(std::string item_id, ItemId("parking"));
  DUBAN_ASSIGN_OR_RETURN(std::string token, LiaisonToken("应急局"));
  tasks::ReferItemRequest request;
  request.set_request_id(NewRequestId());
  request.set_item_id(item_id);
  request.set_reason("涉及选址、交通组织和安全评估多个部门，协调难度大，提请分解督办");
  tasks::ReferItemResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().tasks(), &tasks::TasksService::Stub::ReferItem,
                                    token, request, &response));
  result_.referred_item_id = item_id;
  Say(absl::StrCat("应急局 refers ", item_id, " to the supervision group"));
  return absl::OkStatus();
}

absl::Status October::Split() {
  DUBAN_ASSIGN_OR_RETURN(std::string item_id, ItemId("parking"));
  DUBAN_ASSIGN_OR_RETURN(std::string group, Group());
  supervision::SplitReferredItemRequest request;
  request.set_request_id(NewRequestId());
  request.set_item_id(item_id);
  for (const PlannedPart& planned : ParkingParts()) {
    DUBAN_ASSIGN_OR_RETURN(std::string unit, s_.UnitId(planned.unit));
    supervision::SplitPart* part = request.add_parts();
    part->set_content(planned.content);
    part->add_responsible_unit_ids(unit);
    *part->mutable_deadline()->mutable_date() = ToProto(planned.due);
  }
  supervision::SplitReferredItemResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().supervision(),
                                    &supervision::SupervisionService::Stub::SplitReferredItem,
                                    group, request, &response));
  Say(absl::StrCat(kSupervisor, " (supervision group) splits ", item_id, " into ",
                   request.parts_size(), " sub-items and supervises them"));
  return absl::OkStatus();
}

absl::Status October::AcceptSubItems() {
  DUBAN_ASSIGN_OR_RETURN(std::string office, Office());
  tasks::ListItemsRequest list;
  list.mutable_filter()->set_parent_item_id(result_.referred_item_id);
  list.set_page_size(100);
  tasks::ListItemsResponse listed;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().tasks(), &tasks::TasksService::Stub::ListItems,
                                    office, list, &listed));
  if (listed.items_size() != static_cast<int>(ParkingParts().size())) {
    return absl::FailedPreconditionError(absl::StrCat("tasks holds ", listed.items_size(),
                                                      " sub-items of ", result_.referred_item_id,
                                                      ", not ", ParkingParts().size()));
  }
  Say("the sub-items reach their units, who accept them");
  result_.sub_item_ids.clear();
  for (const auto& item : listed.items()) {
    DUBAN_ASSIGN_OR_RETURN(std::string unit, s_.UnitName(item.responsible_unit_ids(0)));
    DUBAN_ASSIGN_OR_RETURN(std::string token, LiaisonToken(unit));
    tasks::AcceptItemRequest request;
    request.set_request_id(NewRequestId());
    request.set_item_id(item.id());
    request.set_unit_id(item.responsible_unit_ids(0));
    tasks::AcceptItemResponse response;
    DUBAN_RETURN_IF_ERROR(CallService(s_.clients().tasks(), &tasks::TasksService::Stub::AcceptItem,
                                      token, request, &response));
    result_.sub_item_ids.push_back(item.id());
    Detail(absl::StrCat(item.id(), " ", unit, " due ",
                        DescribeDue(FromProto(item.due_at()), s_.zone()), " ", item.content()));
  }
  return absl::OkStatus();
}

int CountRows(const reporting::Report& report, bool completed) {
  int n = 0;
  for (const auto& section : report.sections()) {
    for (const auto& row : section.rows()) n += row.completed() == completed ? 1 : 0;
  }
  return n;
}

absl::Status October::SubmitReport(const std::string& period_id, const std::string& unit) {
  DUBAN_ASSIGN_OR_RETURN(std::string token, LiaisonToken(unit));
  DUBAN_ASSIGN_OR_RETURN(std::string unit_id, s_.UnitId(unit));
  DUBAN_ASSIGN_OR_RETURN(absl::Time now, Now());
  reporting::PrefillReportRequest prefill;
  prefill.set_unit_id(unit_id);
  prefill.set_period_id(period_id);
  reporting::PrefillReportResponse prefilled;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().reporting(),
                                    &reporting::ReportingService::Stub::PrefillReport, token,
                                    prefill, &prefilled));
  reporting::SubmitReportRequest submit;
  submit.set_request_id(NewRequestId());
  *submit.mutable_report() = prefilled.report();
  FillReport(*submit.mutable_report(), LocalDay(now, s_.zone()), s_.zone());
  reporting::SubmitReportResponse submitted;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().reporting(),
                                    &reporting::ReportingService::Stub::SubmitReport, token, submit,
                                    &submitted));
  const reporting::Report& report = submitted.report();
  submitted_.emplace_back(period_id, unit);
  reports_.push_back(report);
  Detail(absl::StrCat(unit, " submits its report for ", period_id, ": ", CountRows(report, true),
                      " completed + ", CountRows(report, false), " uncompleted items",
                      report.late() ? " (LATE)" : ""));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> October::SchedulerOwing(const std::string& period_id) {
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s_.AdminToken());
  std::set<std::string> units;
  std::string page_token;
  do {
    scheduler::ListDeadlinesRequest request;
    request.set_page_size(100);
    request.set_page_token(page_token);
    request.set_subject_kind(common::SUBJECT_KIND_REPORT);
    scheduler::ListDeadlinesResponse response;
    DUBAN_RETURN_IF_ERROR(CallService(s_.clients().scheduler(),
                                      &scheduler::SchedulerService::Stub::ListDeadlines, admin,
                                      request, &response));
    for (const auto& deadline : response.deadlines()) {
      if (absl::EndsWith(deadline.subject().id(), absl::StrCat("@", period_id))) {
        units.insert(deadline.owner_unit_id());
      }
    }
    page_token = response.next_page_token();
  } while (!page_token.empty());
  return std::vector<std::string>(units.begin(), units.end());
}

absl::Status October::SubmitReports(const std::string& period_id,
                                    const std::vector<std::string>& units) {
  const std::vector<std::string> planned_names = PlannedOwingNames()[period_id];
  std::vector<std::string> planned_ids;
  for (const std::string& name : planned_names) {
    DUBAN_ASSIGN_OR_RETURN(std::string id, s_.UnitId(name));
    planned_ids.push_back(id);
  }
  std::sort(planned_ids.begin(), planned_ids.end());
  result_.planned_owing[period_id] = planned_ids;
  absl::StatusOr<std::vector<std::string>> owing = SchedulerOwing(period_id);
  std::string check;
  if (!owing.ok()) {
    check = absl::StrCat("; the scheduler's REPORT deadlines could not be read: ",
                         Describe(owing.status()));
  } else {
    result_.scheduler_owing[period_id] = *owing;
    check = *owing == planned_ids
                ? " (as the scheduler's REPORT deadlines say)"
                : absl::StrCat("; the scheduler's REPORT deadlines differ: ", owing->size(),
                               " unit(s)");
  }
  Say(absl::StrCat(planned_names.size(), " lead unit(s) owe a report for ", period_id, check));
  for (const std::string& unit : units) DUBAN_RETURN_IF_ERROR(SubmitReport(period_id, unit));
  return absl::OkStatus();
}

absl::Status October::SubmitDigest(const std::string& period_id) {
  DUBAN_ASSIGN_OR_RETURN(std::string office, Office());
  reporting::PrefillDigestRequest prefill;
  prefill.set_period_id(period_id);
  reporting::PrefillDigestResponse prefilled;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().reporting(),
                                    &reporting::ReportingService::Stub::PrefillDigest, office,
                                    prefill, &prefilled));
  reporting::SubmitDigestRequest submit;
  submit.set_request_id(NewRequestId());
  *submit.mutable_digest() = prefilled.digest();
  submit.mutable_digest()->set_summary(
      absl::StrCat(period_id, " 期调度事项难点痛点堵点汇总，报区督导考核组"));
  reporting::SubmitDigestResponse submitted;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().reporting(),
                                    &reporting::ReportingService::Stub::SubmitDigest, office,
                                    submit, &submitted));
  const reporting::Digest& digest = submitted.digest();
  Say(absl::StrCat(kOfficeLiaison, " submits the office digest for ", period_id, ": ",
                   digest.hard_items_size(), " hard items, ", digest.late_unit_ids_size(),
                   " late and ", digest.missing_unit_ids_size(), " missing unit(s)",
                   digest.late() ? " (LATE)" : ""));
  return absl::OkStatus();
}

absl::Status October::MonthEnd() {
  DUBAN_ASSIGN_OR_RETURN(std::string group, Group());
  tasks::CountItemsRequest count;
  count.mutable_filter()->set_open_only(true);
  tasks::CountItemsResponse counted;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().tasks(), &tasks::TasksService::Stub::CountItems,
                                    group, count, &counted));
  Say(absl::StrCat("month end: ", counted.count(), " items not closed out (", counted.green(),
                   " green, ", counted.yellow(), " yellow, ", counted.red(), " red, ",
                   counted.done(), " reported complete); the supervision cases:"));
  supervision::ListCasesRequest request;
  request.set_page_size(100);
  supervision::ListCasesResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().supervision(),
                                    &supervision::SupervisionService::Stub::ListCases, group,
                                    request, &response));
  for (const auto& c : response.cases()) {
    std::string unit = c.unit_id();
    if (!unit.empty()) {
      absl::StatusOr<std::string> name = s_.UnitName(unit);
      if (name.ok()) unit = *name;
    }
    std::vector<std::string> rungs;
    for (const auto& rung : c.rungs()) {
      rungs.push_back(absl::StrCat(
          absl::AsciiStrToLower(absl::StripPrefix(common::Rung_Name(rung.rung()), "RUNG_")), " ",
          Short(FromProto(rung.at()), s_.zone())));
    }
    Detail(absl::StrCat("case ", c.id(), " ", unit.empty() ? "(no unit)" : unit, " ",
                        absl::AsciiStrToLower(absl::StripPrefix(
                            supervision::CaseState_Name(c.state()), "CASE_STATE_")),
                        ": ", c.label(), " [", absl::StrJoin(rungs, ", "), "]"));
  }
  return absl::OkStatus();
}

absl::Status October::IssueCircular() {
  DUBAN_ASSIGN_OR_RETURN(std::string group, Group());
  reporting::IssueCircularRequest request;
  request.set_request_id(NewRequestId());
  request.set_month(kMonth);
  reporting::IssueCircularResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().reporting(),
                                    &reporting::ReportingService::Stub::IssueCircular, group,
                                    request, &response));
  result_.circular = response.circular();
  Say(absl::StrCat(kSupervisor, " issues the circular for ", kMonth, ", naming ",
                   response.circular().entries_size(), " unit(s)"));
  return absl::OkStatus();
}

absl::Status October::IssueAnalysis() {
  DUBAN_ASSIGN_OR_RETURN(std::string group, Group());
  reporting::IssueAnalysisRequest request;
  request.set_request_id(NewRequestId());
  request.set_month(kMonth);
  reporting::IssueAnalysisResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().reporting(),
                                    &reporting::ReportingService::Stub::IssueAnalysis, group,
                                    request, &response));
  result_.analysis = response.analysis();
  const reporting::Analysis& a = response.analysis();
  std::vector<std::string> leaders;
  for (const std::string& leader : a.leaders_without_dispatch()) {
    auto matter = std::find_if(matters_.begin(), matters_.end(),
                               [&](const auto& row) { return row.second.leader_id() == leader; });
    leaders.push_back(matter == matters_.end() ? leader : matter->second.leader_name());
  }
  Say(absl::StrCat(kSupervisor, " issues the monthly analysis for ", kMonth));
  Detail(absl::StrCat("items issued ", a.items_issued(), "; completed on time ",
                      a.items_completed_on_time(), ", late ", a.items_completed_late(),
                      "; open and overdue at month end ", a.items_open_overdue(),
                      "; extensions approved ", a.extensions_approved(), "; referrals ",
                      a.referrals()));
  Detail(absl::StrCat("leaders without a dispatch event: ", absl::StrJoin(leaders, "、")));
  std::vector<std::string> scores;
  for (const reporting::UnitScore& score : a.scores()) {
    if (score.score() >= 100) continue;
    absl::StatusOr<std::string> unit = s_.UnitName(score.unit_id());
    scores.push_back(absl::StrCat(unit.ok() ? *unit : score.unit_id(), " ", score.score()));
  }
  Detail(absl::StrCat("scores below 100: ", scores.empty() ? "none" : absl::StrJoin(scores, ", ")));
  return absl::OkStatus();
}

absl::Status October::Export(const std::string& token, reporting::ExportKind kind,
                             const std::string& period_id, const std::string& unit_id,
                             const std::string& label) {
  reporting::ExportRequest request;
  request.set_kind(kind);
  request.set_format(reporting::EXPORT_FORMAT_XLSX);
  request.set_month(kMonth);
  request.set_period_id(period_id);
  request.set_unit_id(unit_id);
  reporting::ExportResponse response;
  absl::Status exported =
      CallService(s_.clients().reporting(), &reporting::ReportingService::Stub::Export, token,
                  request, &response);
  if (!exported.ok()) {
    result_.export_failures.push_back(absl::StrCat(label, ": ", Describe(exported)));
    return absl::OkStatus();
  }
  if (in_.export_dir.empty()) return absl::OkStatus();
  DUBAN_ASSIGN_OR_RETURN(
      std::string path,
      WriteExportFile(in_.export_dir, response,
                      absl::StrCat(absl::StrReplaceAll(label, {{" ", "-"}}), ".xlsx")));
  result_.exported_files.push_back(path);
  export_labels_.push_back(label);
  return absl::OkStatus();
}

bool HasAssignmentSheet(const reporting::Report& report) {
  return std::any_of(report.sections().begin(), report.sections().end(),
                     [](const auto& section) { return section.assignment_sheet(); });
}

absl::Status October::ExportAll() {
  if (!in_.export_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(in_.export_dir, error);
    if (error) return absl::InternalError(absl::StrCat(in_.export_dir, ": ", error.message()));
  }
  for (const reporting::Report& report : reports_) {
    DUBAN_ASSIGN_OR_RETURN(std::string unit, s_.UnitName(report.unit_id()));
    DUBAN_ASSIGN_OR_RETURN(std::string token, LiaisonToken(unit));
    const std::string stem = absl::StrCat(report.period_id(), " ", unit);
    DUBAN_RETURN_IF_ERROR(Export(token, reporting::EXPORT_KIND_FORM3, report.period_id(),
                                 report.unit_id(), absl::StrCat("form 3 ", stem)));
    if (HasAssignmentSheet(report)) {
      DUBAN_RETURN_IF_ERROR(Export(token, reporting::EXPORT_KIND_FORM4, report.period_id(),
                                   report.unit_id(), absl::StrCat("form 4 ", stem)));
    }
  }
  DUBAN_ASSIGN_OR_RETURN(std::string group, Group());
  DUBAN_RETURN_IF_ERROR(
      Export(group, reporting::EXPORT_KIND_CIRCULAR, "", "", absl::StrCat("circular ", kMonth)));
  DUBAN_RETURN_IF_ERROR(
      Export(group, reporting::EXPORT_KIND_ANALYSIS, "", "", absl::StrCat("analysis ", kMonth)));
  Say(absl::StrCat("exports: forms 3 and 4 of ", reports_.size(),
                   " submitted reports, the circular and the analysis as XLSX (",
                   result_.export_failures.size(), " refused)"));
  return absl::OkStatus();
}

absl::Status October::CollectPeriods() {
  DUBAN_ASSIGN_OR_RETURN(std::string office, Office());
  reporting::ListPeriodsRequest request;
  request.set_month(kMonth);
  reporting::ListPeriodsResponse response;
  DUBAN_RETURN_IF_ERROR(CallService(s_.clients().reporting(),
                                    &reporting::ReportingService::Stub::ListPeriods, office,
                                    request, &response));
  result_.periods.assign(response.periods().begin(), response.periods().end());
  return absl::OkStatus();
}

std::string JoinPeriods(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return absl::StrJoin(ids, "、");
}

void October::PrintCircular() {
  out_ << "\nThe circular for " << result_.circular.month() << " ("
       << absl::AsciiStrToLower(absl::StripPrefix(
              reporting::CircularState_Name(result_.circular.state()), "CIRCULAR_STATE_"))
       << ", " << result_.circular.entries_size() << " units named):\n";
  for (const auto& entry : result_.circular.entries()) {
    out_ << "  " << entry.unit_name() << "\n";
    if (!entry.late_period_ids().empty()) {
      out_ << "    late report: " << JoinPeriods(entry.late_period_ids()) << "\n";
    }
    if (!entry.missing_period_ids().empty()) {
      out_ << "    missing report: " << JoinPeriods(entry.missing_period_ids()) << "\n";
    }
    for (int i = 0; i < entry.overdue_item_ids_size(); ++i) {
      const std::string due = OverdueDeadlineText(entry, i, s_.zone());
      out_ << "    overdue item " << entry.overdue_item_ids(i) << "  "
           << (i < entry.overdue_item_contents_size() ? entry.overdue_item_contents(i) : "")
           << (due.empty() ? "" : "  (" + due + ")") << "\n";
    }
    for (int i = 0; i < entry.case_ids_size(); ++i) {
      out_ << "    case " << entry.case_ids(i) << "  "
           << (i < entry.case_labels_size() ? entry.case_labels(i) : "") << "\n";
    }
  }
  for (const reporting::Period& period : result_.periods) {
    out_ << "  period " << period.id() << ": report cut-off "
         << Short(FromProto(period.report_cutoff()), s_.zone()) << ", digest cut-off "
         << Short(FromProto(period.digest_cutoff()), s_.zone()) << "\n";
  }
  out_ << "\nExported files:\n";
  for (size_t i = 0; i < result_.exported_files.size(); ++i) {
    out_ << "  " << export_labels_[i] << "  " << result_.exported_files[i] << "\n";
  }
  if (!result_.export_failures.empty()) {
    out_ << "\nExports refused by reporting:\n";
    for (const std::string& failure : result_.export_failures) out_ << "  " << failure << "\n";
  }
}

void October::AddEventSteps(std::vector<Step>& steps) {
  // When each document is routed, countersigned and issued (local times).
  struct Flow {
    const char* key;
    absl::CivilMinute route, countersign, issue;
  };
  const Flow flows[] = {
      {"li-sep", At(9, 29, 16, 0), At(9, 30, 10, 0), At(9, 30, 15, 0)},
      {"zhang", At(10, 9, 10, 0), At(10, 9, 15, 0), At(10, 10, 10, 0)},
      {"li-oct", At(10, 10, 16, 0), At(10, 10, 16, 0), At(10, 12, 9, 0)},
      {"sun", At(10, 12, 10, 0), At(10, 12, 15, 0), At(10, 13, 10, 0)},
      {"zhou", At(10, 12, 16, 0), At(10, 13, 9, 0), At(10, 13, 15, 0)},
      // 农水局 routes 王五's minutes a day after they were due.
      {"wang", At(10, 16, 10, 0), At(10, 16, 16, 0), At(10, 19, 10, 0)},
      {"zhao", At(10, 14, 15, 0), At(10, 15, 9, 0), At(10, 15, 15, 0)},
      {"wu", At(10, 15, 16, 0), At(10, 16, 9, 0), At(10, 16, 15, 0)},
  };
  for (const Flow& flow : flows) {
    const PlannedEvent& event = Event(flow.key);
    auto minute = [](absl::CivilMinute m) { return absl::CivilSecond(m); };
    steps.push_back(
        {minute(event.held) + 2 * 60 * 60, [this, &event] { return RecordEvent(event); }});
    steps.push_back({minute(flow.route), [this, &event] { return DraftAndRoute(event); }});
    if (!CountersigningUnits(event).empty()) {
      steps.push_back({minute(flow.countersign), [this, &event] { return Countersign(event); }});
    }
    steps.push_back({minute(flow.issue), [this, &event] { return Issue(event); }});
    steps.push_back({minute(flow.issue) + 60 * 60, [this, &event] { return Accept(event); }});
  }
}

std::vector<Step> October::Timeline() {
  auto at = [](int m, int d, int hh, int mm, int ss = 0) {
    return absl::CivilSecond(2026, m, d, hh, mm, ss);
  };
  std::vector<Step> steps;
  steps.push_back({at(9, 28, 9, 0), [this] { return ImportRegistry(); }});
  AddEventSteps(steps);
  for (const PlannedCompletion& completion : Completions()) {
    steps.push_back(
        {absl::CivilSecond(completion.at), [this, &completion] { return Complete(completion); }});
  }
  steps.push_back({at(10, 13, 10, 30), [this] { return RequestExtension(); }});
  steps.push_back({at(10, 14, 9, 0), [this] { return ApproveExtension(); }});
  steps.push_back({at(10, 14, 10, 0), [this] { return Refer(); }});
  steps.push_back({at(10, 15, 10, 0), [this] { return Split(); }});
  steps.push_back({at(10, 15, 11, 0), [this] { return AcceptSubItems(); }});
  steps.push_back({at(10, 8, 10, 0), [this] { return SubmitReports(kFirstPeriod, {"发改局"}); }});
  steps.push_back({at(10, 8, 16, 0), [this] { return SubmitDigest(kFirstPeriod); }});
  steps.push_back({at(10, 20, 10, 0), [this] {
                     // 住建局 submits at the cut-off itself; 教育局 never does.
                     return SubmitReports(kSecondPeriod, {"发改局", "商务局", "应急局", "农水局",
                                                          "公安分局", "工信局（数字办）"});
                   }});
  steps.push_back({at(10, 20, 18, 0, 0), [this] {
                     Say("住建局 submits at the report cut-off, 18:00:00");
                     return SubmitReport(kSecondPeriod, "住建局");
                   }});
  steps.push_back({at(10, 22, 16, 0), [this] { return SubmitDigest(kSecondPeriod); }});
  steps.push_back({at(11, 1, 0, 0), [this] { return MonthEnd(); }});
  steps.push_back({at(11, 2, 9, 30), [this] { return IssueCircular(); }});
  steps.push_back({at(11, 2, 9, 45), [this] { return IssueAnalysis(); }});
  steps.push_back({at(11, 2, 10, 0), [this] { return ExportAll(); }});
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Step& a, const Step& b) { return a.at < b.at; });
  return steps;
}

absl::StatusOr<OctoberResult> October::Run() {
  if (s_.options().test_clock_file.empty()) {
    return absl::FailedPreconditionError(
        "test_clock_file: October 2026 runs on the shared test clock; start the services with "
        "--test_clock_file (scripts/services.sh start --test-clock FILE) and pass the same file");
  }
  const std::vector<Step> steps = Timeline();
  steps_ = static_cast<int>(steps.size());
  out_ << "October 2026 over the sample registry, on the shared test clock (" << steps_
       << " steps)\n";
  for (const Step& step : steps) {
    ++step_;
    DUBAN_ASSIGN_OR_RETURN(SettleReport settled, s_.AdvanceTo(FromLocal(step.at, s_.zone())));
    if (settled.pending > 0) {
      out_ << "          (work still pending: " << settled.pending_detail << ")\n";
    }
    absl::Status status = step.run();
    if (!status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat("step ", step_, " at ",
                                       FormatLocal(FromLocal(step.at, s_.zone()), s_.zone()), ": ",
                                       status.message()));
    }
  }
  result_.late_draft_event_id = event_ids_["wang"];
  DUBAN_ASSIGN_OR_RETURN(result_.overdue_item_id, ItemId("hazard"));
  DUBAN_RETURN_IF_ERROR(CollectPeriods());
  PrintCircular();
  return result_;
}

}  // namespace

void FillReport(reporting::Report& report, absl::CivilDay today, absl::TimeZone zone) {
  for (auto& section : *report.mutable_sections()) {
    for (auto& row : *section.mutable_rows()) {
      if (row.completed()) {
        if (row.remarks().empty()) row.set_remarks("已完成");
        continue;
      }
      if (row.remarks().empty()) row.set_remarks("正在按计划推进");
      absl::CivilDay planned = today + 7;
      if (row.deadline().has_date()) {
        absl::StatusOr<absl::CivilDay> due = FromProto(row.deadline().date(), "deadline");
        if (due.ok() && *due >= today) planned = *due;
      } else if (row.deadline().has_instant()) {
        absl::CivilDay due = LocalDay(FromProto(row.deadline().instant()), zone);
        if (due >= today) planned = due;
      }
      if (!row.has_planned_completion_date()) {
        *row.mutable_planned_completion_date() = ToProto(planned);
      }
    }
  }
}

absl::StatusOr<OctoberResult> RunOctober(Session& session, const OctoberInputs& inputs,
                                         std::ostream& out) {
  October october(session, inputs, out);
  return october.Run();
}

}  // namespace duban::client
