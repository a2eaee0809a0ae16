#include "lint/report.hpp"

#include <fmt/format.h>

#include "lint/rule.hpp"

namespace retort::lint {
namespace {

using nlohmann::json;

const char* severity_name(Severity severity) { return severity == Severity::error ? "error" : "warning"; }

std::size_t count(const Result& result, Severity severity) {
  std::size_t n = 0;
  for (const Finding& finding : result.findings) n += finding.severity == severity;
  return n;
}

std::string file_uri(const std::string& path) {
  std::string uri = "file://";
  for (char c : path) {
    if (c == ' ' || c == '%' || c == '#' || c == '?') {
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      uri += c;
    }
  }
  return uri;
}

json sarif_result(const Finding& finding) {
  json location{{"physicalLocation",
                 {{"artifactLocation", {{"uri", file_uri(finding.path)}}},
                  {"region", {{"startLine", finding.line}, {"startColumn", finding.column}}}}}};
  json result{{"ruleId", finding.rule},
              {"level", severity_name(finding.severity)},
              {"message", {{"text", finding.message + ". Instead: " + finding.alternative}}},
              {"locations", json::array({location})},
              {"properties", {{"revision", finding.revision}, {"statement", finding.statement}}}};
  if (!finding.suppressed_reason.empty()) {
    result["suppressions"] = json::array({{{"kind", "inSource"}, {"justification", finding.suppressed_reason}}});
  }
  return result;
}

}  // namespace

json finding_json(const Finding& finding) {
  json j{{"rule", finding.rule},         {"severity", severity_name(finding.severity)},
         {"path", finding.path},         {"line", finding.line},
         {"column", finding.column},     {"revision", finding.revision},
         {"statement", finding.statement}, {"message", finding.message},
         {"alternative", finding.alternative}};
  if (!finding.suppressed_reason.empty()) j["allowed_because"] = finding.suppressed_reason;
  return j;
}

std::string to_text(const Result& result) {
  std::string out;
  for (const Finding& finding : result.findings) {
    out += fmt::format("{}:{}:{}: {}: {} [retort-lint: {}]\n", finding.path, finding.line, finding.column,
                       severity_name(finding.severity), finding.message, finding.rule);
    if (!finding.statement.empty()) out += fmt::format("    {}\n", finding.statement);
    out += fmt::format("{}:{}:{}: note: {}\n", finding.path, finding.line, finding.column, finding.alternative);
  }
  for (const Finding& skipped : result.skipped) {
    out += fmt::format("{}:{}:{}: note: {}\n", skipped.path, skipped.line, skipped.column, skipped.message);
  }
  const std::size_t errors = count(result, Severity::error), warnings = count(result, Severity::warning);
  if (errors || warnings) {
    out += fmt::format("retort-lint: {} error(s), {} warning(s) in {} revision(s) ({} allowed by retort:allow)\n",
                       errors, warnings, result.revisions_checked, result.suppressed.size());
  }
  return out;
}

json to_json(const Result& result) {
  json findings = json::array(), suppressed = json::array(), skipped = json::array();
  for (const Finding& finding : result.findings) findings.push_back(finding_json(finding));
  for (const Finding& finding : result.suppressed) suppressed.push_back(finding_json(finding));
  for (const Finding& finding : result.skipped) {
    skipped.push_back({{"path", finding.path}, {"line", finding.line}, {"revision", finding.revision},
                       {"message", finding.message}});
  }
  return json{{"ok", !result.failed()},
              {"errors", count(result, Severity::error)},
              {"warnings", count(result, Severity::warning)},
              {"revisions_checked", result.revisions_checked},
              {"statements_checked", result.statements_checked},
              {"findings", findings},
              {"suppressed", suppressed},
              {"not_linted", skipped}};
}

json to_sarif(const Result& result) {
  json rules = json::array();
  for (const Rule* rule : all_rules()) {
    rules.push_back({{"id", rule->id},
                     {"shortDescription", {{"text", rule->reason}}},
                     {"help", {{"text", rule->alternative}}},
                     {"defaultConfiguration", {{"level", rule->error ? "error" : "warning"}}}});
  }
  rules.push_back({{"id", "allow-directive"},
                   {"shortDescription", {{"text", "a retort:allow directive must name a known rule and a reason"}}},
                   {"defaultConfiguration", {{"level", "error"}}}});
  json results = json::array();
  for (const Finding& finding : result.findings) results.push_back(sarif_result(finding));
  for (const Finding& finding : result.suppressed) results.push_back(sarif_result(finding));
  return json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({{{"tool",
                                      {{"driver",
                                        {{"name", "retort-lint"},
                                         {"rules", rules}}}}},
                                     {"results", results}}})}};
}

}  // namespace retort::lint
