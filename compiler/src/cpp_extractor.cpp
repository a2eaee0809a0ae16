#include "cpp_extractor.hpp"

#include <clang/AST/APValue.h>
#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/Stmt.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticIDs.h>
#include <clang/Basic/FileManager.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Frontend/FrontendActions.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Preprocessor.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Config/llvm-config.h>  // LLVM_VERSION_MAJOR: the API differences below
#include <llvm/Support/thread.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

#include <unistd.h>

namespace retort::compiler {
namespace {

using clang::SourceLocation;

std::pair<unsigned, unsigned> line_and_column(const clang::SourceManager& sm, SourceLocation location) {
  if (location.isInvalid()) return {0, 0};
  const auto presumed = sm.getPresumedLoc(sm.getFileLoc(location));
  if (presumed.isInvalid()) return {0, 0};
  return {presumed.getLine(), presumed.getColumn()};
}

// Turns Clang's diagnostics into ours, so they print in the same
// `path:line:col: error:` form and can be cached.
class CollectingDiagnostics : public clang::DiagnosticConsumer {
 public:
  explicit CollectingDiagnostics(Diagnostics& out) : out_(out) {}

  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override {
    clang::DiagnosticConsumer::HandleDiagnostic(level, info);
    Severity severity;
    switch (level) {
      case clang::DiagnosticsEngine::Ignored: return;
      case clang::DiagnosticsEngine::Note:
      case clang::DiagnosticsEngine::Remark: severity = Severity::note; break;
      case clang::DiagnosticsEngine::Warning: severity = Severity::warning; break;
      default: severity = Severity::error; break;
    }
    llvm::SmallString<256> text;
    info.FormatDiagnostic(text);
    Diagnostic diagnostic{severity, "", 0, 0, std::string(text.str())};
    if (severity == Severity::warning) {
      const auto flag = clang::DiagnosticIDs::getWarningOptionForDiag(info.getID());
      if (!flag.empty()) diagnostic.message += " [-W" + flag.str() + "]";
    }
    if (info.hasSourceManager() && info.getLocation().isValid()) {
      const auto& sm = info.getSourceManager();
      const auto presumed = sm.getPresumedLoc(sm.getFileLoc(info.getLocation()));
      if (presumed.isValid()) {
        diagnostic.path = presumed.getFilename();
        diagnostic.line = presumed.getLine();
        diagnostic.column = presumed.getColumn();
      }
    }
    if (diagnostic.path.empty()) diagnostic.path = "retortc";
    out_.push_back(std::move(diagnostic));
  }

 private:
  Diagnostics& out_;
};

// Records the main file's #include directives (for the wrapper) and every
// non-system header the parse read (for the cache: editing one re-parses).
class IncludeRecorder : public clang::PPCallbacks {
 public:
  IncludeRecorder(const clang::SourceManager& sm, std::vector<IncludeDirective>* directives,
                  std::vector<std::string>& dependencies)
      : sm_(sm), directives_(directives), dependencies_(dependencies) {}

#if LLVM_VERSION_MAJOR >= 19
  // LLVM 19 added `bool ModuleImported` before the file kind.
  void InclusionDirective(SourceLocation hash, const clang::Token&, llvm::StringRef file_name, bool angled,
                          clang::CharSourceRange, clang::OptionalFileEntryRef file, llvm::StringRef,
                          llvm::StringRef, const clang::Module*, bool, clang::SrcMgr::CharacteristicKind) override {
    record_include(hash, file_name, angled, file ? real_path(*file) : "");
  }
#elif LLVM_VERSION_MAJOR >= 15
  // LLVM 15 passes an optional FileEntryRef instead of a FileEntry pointer
  // (llvm::Optional in 15, clang::OptionalFileEntryRef from 16 on).
#if LLVM_VERSION_MAJOR >= 16
  using IncludedFile = clang::OptionalFileEntryRef;
#else
  using IncludedFile = llvm::Optional<clang::FileEntryRef>;
#endif
  void InclusionDirective(SourceLocation hash, const clang::Token&, llvm::StringRef file_name, bool angled,
                          clang::CharSourceRange, IncludedFile file, llvm::StringRef,
                          llvm::StringRef, const clang::Module*, clang::SrcMgr::CharacteristicKind) override {
    record_include(hash, file_name, angled, file ? real_path(*file) : "");
  }
#else
  void InclusionDirective(SourceLocation hash, const clang::Token&, llvm::StringRef file_name, bool angled,
                          clang::CharSourceRange, const clang::FileEntry* file, llvm::StringRef,
                          llvm::StringRef, const clang::Module*, clang::SrcMgr::CharacteristicKind) override {
    record_include(hash, file_name, angled, file ? path_or(file->tryGetRealPathName(), file->getName()) : "");
  }
#endif

  void FileChanged(SourceLocation location, FileChangeReason reason, clang::SrcMgr::CharacteristicKind kind,
                   clang::FileID) override {
    if (reason != EnterFile || kind != clang::SrcMgr::C_User) return;
    const auto file = sm_.getFileID(location);
    if (file == sm_.getMainFileID()) return;
    if (const auto entry = sm_.getFileEntryRefForID(file)) {
      auto path = real_path(*entry);
      if (std::find(dependencies_.begin(), dependencies_.end(), path) == dependencies_.end())
        dependencies_.push_back(std::move(path));
    }
  }

 private:
  void record_include(SourceLocation hash, llvm::StringRef file_name, bool angled, std::string resolved) {
    if (!directives_ || !sm_.isWrittenInMainFile(hash)) return;
    directives_->push_back(IncludeDirective{file_name.str(), angled, std::move(resolved)});
  }

  static std::string path_or(llvm::StringRef real, llvm::StringRef name) {
    return real.empty() ? name.str() : real.str();
  }
  static std::string real_path(clang::FileEntryRef file) {
    return path_or(file.getFileEntry().tryGetRealPathName(), file.getName());
  }

  const clang::SourceManager& sm_;
  std::vector<IncludeDirective>* directives_;
  std::vector<std::string>& dependencies_;
};

bool is_record_named(clang::QualType type, llvm::StringRef qualified_name) {
  const auto* record = type.getCanonicalType()->getAsCXXRecordDecl();
  return record && record->getQualifiedNameAsString() == qualified_name;
}

// Peels the wrappers Sema puts around a field initializer.
const clang::Expr* strip_wrappers(const clang::Expr* expression) {
  while (expression) {
    expression = expression->IgnoreImplicit()->IgnoreParens();
    if (const auto* cast = llvm::dyn_cast<clang::CXXFunctionalCastExpr>(expression)) {
      expression = cast->getSubExpr();
      continue;
    }
    if (const auto* construct = llvm::dyn_cast<clang::CXXConstructExpr>(expression)) {
      // A copy/move of a RevisionRefs temporary: look at the temporary.
      if (construct->getNumArgs() == 1 && construct->getConstructor()->isCopyOrMoveConstructor()) {
        expression = construct->getArg(0);
        continue;
      }
    }
    return expression;
  }
  return expression;
}

// The text of a `const char*` constant: a string literal, or a constexpr
// character array initialised from one.
std::optional<std::string> string_from_pointer(const clang::APValue& value) {
  if (!value.isLValue()) return std::nullopt;
  const auto base = value.getLValueBase();
  if (!base) return std::nullopt;  // nullptr
  const clang::StringLiteral* literal = nullptr;
  if (const auto* expression = base.dyn_cast<const clang::Expr*>()) {
    literal = llvm::dyn_cast<clang::StringLiteral>(expression->IgnoreParenImpCasts());
  } else if (const auto* declaration = base.dyn_cast<const clang::ValueDecl*>()) {
    if (const auto* variable = llvm::dyn_cast<clang::VarDecl>(declaration))
      if (const auto* init = variable->getAnyInitializer())
        literal = llvm::dyn_cast<clang::StringLiteral>(init->IgnoreParenImpCasts());
  }
  if (!literal || literal->getCharByteWidth() != 1) return std::nullopt;
  const auto offset = static_cast<std::size_t>(value.getLValueOffset().getQuantity());
  const llvm::StringRef bytes = literal->getBytes();
  if (offset > bytes.size()) return std::nullopt;
  const auto rest = bytes.substr(offset);
  // An embedded NUL would silently cut the text short: treat it as no string.
  if (rest.find('\0') != llvm::StringRef::npos) return std::nullopt;
  return rest.str();
}

const clang::APValue* struct_field(const clang::APValue& value, const clang::RecordDecl* record,
                                   llvm::StringRef name) {
  if (!value.isStruct()) return nullptr;
  for (const auto* field : record->fields())
    if (field->getName() == name) return &value.getStructField(field->getFieldIndex());
  return nullptr;
}

class Extractor {
 public:
  Extractor(clang::ASTContext& context, MigrationSource& out, bool clang_reported_errors)
      : context_(context), sm_(context.getSourceManager()), out_(out), trust_absence_(!clang_reported_errors) {}

  void run() {
    for (const auto* declaration : context_.getTranslationUnitDecl()->decls()) {
      if (!sm_.isWrittenInMainFile(sm_.getExpansionLoc(declaration->getLocation()))) continue;
      if (const auto* variable = llvm::dyn_cast<clang::VarDecl>(declaration)) {
        if (variable->getName() == "revision") revision_ = variable;
      } else if (const auto* function = llvm::dyn_cast<clang::FunctionDecl>(declaration)) {
        if (function->getName() == "upgrade") upgrades_.push_back(function);
        if (function->getName() == "downgrade") downgrades_.push_back(function);
      }
    }
    read_revision();
    check_entry_point("upgrade", upgrades_);
    check_entry_point("downgrade", downgrades_);
  }

 private:
  void error(SourceLocation location, std::string message) { report(Severity::error, location, std::move(message)); }
  void report(Severity severity, SourceLocation location, std::string message) {
    auto [line, column] = line_and_column(sm_, location);
    if (line == 0) line = column = 1;
    out_.diagnostics.push_back({severity, out_.path, line, column, std::move(message)});
  }

  LocatedText located(const std::string& value, SourceLocation location) {
    const auto [line, column] = line_and_column(sm_, location);
    return {value, line, column};
  }

  void read_revision() {
    if (!revision_) {
      if (trust_absence_)
        out_.diagnostics.push_back(
            {Severity::error, out_.path, 1, 1,
             "no file-scope `constexpr retort::Revision revision{...}`; every C++ migration declares its id, "
             "down_revision and message in one (see docs/migrations.md)"});
      return;
    }
    out_.revision_line = line_and_column(sm_, revision_->getLocation()).first;
    out_.revision_column = line_and_column(sm_, revision_->getLocation()).second;
    if (revision_->isInvalidDecl()) return;  // Clang already said why
    if (!is_record_named(revision_->getType(), "retort::Revision")) {
      error(revision_->getLocation(), "`revision` has type `" + revision_->getType().getAsString() +
                                          "`; declare it as `constexpr retort::Revision revision{...}`");
      return;
    }
    if (!revision_->isConstexpr()) {
      error(revision_->getLocation(),
            "`revision` is not a compile-time constant; declare it `constexpr retort::Revision revision{...}` "
            "so retortc can read it at build time");
      return;
    }
    // A missing or broken initializer: Clang has reported why, and evaluating
    // it crashes Clang 14.
    if (!revision_->getInit() || revision_->getInit()->containsErrors()) return;
    const clang::APValue* value = revision_->evaluateValue();
    if (!value) {
      if (trust_absence_)
        error(revision_->getInit()->getBeginLoc(),
              "the initializer of `revision` is not a compile-time constant; use string literals and "
              "`retort::base` only");
      return;
    }
    const auto* record = revision_->getType().getCanonicalType()->getAsCXXRecordDecl();
    const auto* init_list = llvm::dyn_cast<clang::InitListExpr>(revision_->getInit()->IgnoreImplicit());
    auto field_init = [&](llvm::StringRef name) -> const clang::Expr* {
      if (!init_list) return nullptr;
      for (const auto* field : record->fields())
        if (field->getName() == name && field->getFieldIndex() < init_list->getNumInits())
          return init_list->getInit(field->getFieldIndex());
      return nullptr;
    };
    auto written_location = [&](llvm::StringRef name) {
      const clang::Expr* init = field_init(name);
      if (!init || llvm::isa<clang::CXXDefaultInitExpr>(init) || llvm::isa<clang::ImplicitValueInitExpr>(init))
        return revision_->getLocation();
      return strip_wrappers(init)->getBeginLoc();
    };

    out_.has_revision = true;
    if (const auto* id = struct_field(*value, record, "id")) {
      if (auto text = string_from_pointer(*id)) out_.id = located(*text, written_location("id"));
      else out_.id = located("", written_location("id"));
    }
    if (const auto* message = struct_field(*value, record, "message")) {
      out_.message = located(string_from_pointer(*message).value_or(""), written_location("message"));
    }
    if (const auto* transactional = struct_field(*value, record, "transactional"))
      if (transactional->isInt()) out_.transactional = transactional->getInt().getBoolValue();

    out_.down_revision_given =
        read_refs(*value, record, "down_revision", out_.down_revisions, &out_.down_revision_field);
    read_refs(*value, record, "branch_labels", out_.branch_labels, nullptr);
    read_refs(*value, record, "depends_on", out_.depends_on, nullptr);
  }

  // Reads one RevisionRefs field; returns whether it was written.
  bool read_refs(const clang::APValue& revision_value, const clang::RecordDecl* revision_record,
                 llvm::StringRef name, std::vector<LocatedText>& out, LocatedText* field_location) {
    const auto* refs_value = struct_field(revision_value, revision_record, name);
    if (!refs_value || !refs_value->isStruct()) return false;
    const clang::RecordDecl* refs_record = nullptr;
    for (const auto* field : revision_record->fields())
      if (field->getName() == name) refs_record = field->getType()->getAsCXXRecordDecl();
    if (!refs_record) return false;
    const auto* given = struct_field(*refs_value, refs_record, "given");
    const auto* count = struct_field(*refs_value, refs_record, "count");
    const auto* items = struct_field(*refs_value, refs_record, "items");
    if (!given || !count || !items || !given->isInt() || !count->isInt() || !items->isArray()) return false;
    if (!given->getInt().getBoolValue()) return false;

    // Where each item is written: the arguments of the RevisionRefs constructor.
    const clang::Expr* init = nullptr;
    if (const auto* init_list = llvm::dyn_cast<clang::InitListExpr>(revision_->getInit()->IgnoreImplicit()))
      for (const auto* field : revision_record->fields())
        if (field->getName() == name && field->getFieldIndex() < init_list->getNumInits())
          init = strip_wrappers(init_list->getInit(field->getFieldIndex()));
    const auto* construct = llvm::dyn_cast_or_null<clang::CXXConstructExpr>(init);
    if (field_location) *field_location = located("", init ? init->getBeginLoc() : revision_->getLocation());

    const auto item_count = static_cast<unsigned>(count->getInt().getZExtValue());
    for (unsigned i = 0; i < item_count; ++i) {
      const auto& item = i < items->getArrayInitializedElts() ? items->getArrayInitializedElt(i)
                                                               : items->getArrayFiller();
      SourceLocation location = init ? init->getBeginLoc() : revision_->getLocation();
      if (construct && i < construct->getNumArgs())
        location = construct->getArg(i)->IgnoreImplicit()->getBeginLoc();
      out.push_back(located(string_from_pointer(item).value_or(""), location));
    }
    return true;
  }

  static bool has_entry_point_signature(const clang::FunctionDecl* function) {
    if (!function->getReturnType()->isVoidType() || function->getNumParams() != 1 || function->isVariadic())
      return false;
    const auto type = function->getParamDecl(0)->getType();
    if (!type->isLValueReferenceType()) return false;
    const auto pointee = type->getPointeeType();
    return !pointee.isConstQualified() && !pointee.isVolatileQualified() && is_record_named(pointee, "retort::Op");
  }

  static bool has_empty_body(const clang::FunctionDecl* function) {
    const auto* body = llvm::dyn_cast_or_null<clang::CompoundStmt>(function->getBody());
    return body && body->body_empty();
  }

  bool upgrade_does_nothing() const {
    return std::any_of(upgrades_.begin(), upgrades_.end(), [](const clang::FunctionDecl* function) {
      return function->doesThisDeclarationHaveABody() && has_empty_body(function);
    });
  }

  void check_entry_point(const std::string& name, const std::vector<const clang::FunctionDecl*>& candidates) {
    const std::string wanted = "void " + name + "(retort::Op& op)";
    const clang::FunctionDecl* definition = nullptr;
    const clang::FunctionDecl* wrong = nullptr;
    for (const auto* function : candidates) {
      if (function->isInvalidDecl()) return;  // Clang already said why
      if (!has_entry_point_signature(function)) {
        if (!wrong) wrong = function;
      } else if (function->doesThisDeclarationHaveABody()) {
        definition = function;
      }
    }
    if (definition) {
      if (definition->getStorageClass() == clang::SC_Static)
        error(definition->getLocation(), "`" + name + "` is static; remove `static`: the generated registry calls "
                                         "it from another translation unit");
      // An empty upgrade (a plain merge) leaves nothing to undo.
      if (name == "downgrade" && has_empty_body(definition) && !upgrade_does_nothing())
        report(Severity::warning, definition->getLocation(),
               "`downgrade` does nothing; downgrading past this revision will not undo its upgrade");
      return;
    }
    if (wrong) {
      error(wrong->getLocation(), "`" + name + "` has the type `" + wrong->getType().getAsString() +
                                      "`; it must be `" + wanted + "`");
      return;
    }
    if (!trust_absence_) return;
    for (const auto* function : candidates) {
      error(function->getLocation(),
            "`" + name + "` is declared but not defined in this file; define `" + wanted + " { ... }` here");
      return;
    }
    const auto location = revision_ ? revision_->getLocation() : SourceLocation();
    error(location, "no `" + wanted + "` in this file; every C++ migration defines `upgrade` and `downgrade`");
  }

  clang::ASTContext& context_;
  const clang::SourceManager& sm_;
  MigrationSource& out_;
  bool trust_absence_;  // false when Clang errors may have dropped declarations
  const clang::VarDecl* revision_ = nullptr;
  std::vector<const clang::FunctionDecl*> upgrades_;
  std::vector<const clang::FunctionDecl*> downgrades_;
};

class ExtractConsumer : public clang::ASTConsumer {
 public:
  ExtractConsumer(clang::CompilerInstance& compiler, MigrationSource& out) : compiler_(compiler), out_(out) {}
  void HandleTranslationUnit(clang::ASTContext& context) override {
    Extractor(context, out_, compiler_.getDiagnostics().hasErrorOccurred()).run();
  }

 private:
  clang::CompilerInstance& compiler_;
  MigrationSource& out_;
};

class ExtractAction : public clang::ASTFrontendAction {
 public:
  explicit ExtractAction(MigrationSource& out) : out_(out) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance& compiler,
                                                        llvm::StringRef) override {
    compiler.getPreprocessor().addPPCallbacks(
        std::make_unique<IncludeRecorder>(compiler.getSourceManager(), &out_.includes, out_.dependencies));
    return std::make_unique<ExtractConsumer>(compiler, out_);
  }

 private:
  MigrationSource& out_;
};

std::vector<std::string> command_line(const CppParseOptions& options, const std::string& path,
                                      const std::string& prelude_pch) {
  // -fno-caret-diagnostics also stops Clang printing "N errors generated".
  std::vector<std::string> arguments{"retortc", "-fsyntax-only", "-fno-caret-diagnostics", "-std=c++20", "-xc++"};
  if (!options.resource_dir.empty()) arguments.push_back("-resource-dir=" + options.resource_dir);
  for (const auto& directory : options.include_dirs) arguments.push_back("-I" + directory);
  for (const auto& define : options.defines) arguments.push_back("-D" + define);
  if (!prelude_pch.empty()) {
    arguments.push_back("-include-pch");
    arguments.push_back(prelude_pch);
  }
  arguments.push_back(path);
  return arguments;
}

class RecordingPchAction : public clang::GeneratePCHAction {
 public:
  explicit RecordingPchAction(std::vector<std::string>& dependencies) : dependencies_(dependencies) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance& compiler,
                                                        llvm::StringRef file) override {
    compiler.getPreprocessor().addPPCallbacks(
        std::make_unique<IncludeRecorder>(compiler.getSourceManager(), nullptr, dependencies_));
    return clang::GeneratePCHAction::CreateASTConsumer(compiler, file);
  }

 private:
  std::vector<std::string>& dependencies_;
};

// Every migration includes <retort/migration.hpp>, and parsing it costs more
// than a light migration itself: when many files are parsed, it is
// precompiled once. The directory is removed with this object.
class PreludePch {
 public:
  explicit PreludePch(const CppParseOptions& options) {
    std::random_device random;
    std::error_code error;
    directory_ = std::filesystem::temp_directory_path(error) /
                 ("retortc-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    if (error || !std::filesystem::create_directories(directory_, error)) return;
    const auto header = directory_ / "prelude.hpp";
    std::ofstream(header) << "#include <retort/migration.hpp>\n";
    const auto pch = directory_ / "prelude.pch";
    auto arguments = command_line(options, header.string(), "");
    arguments.erase(std::find(arguments.begin(), arguments.end(), "-fsyntax-only"));
    *std::find(arguments.begin(), arguments.end(), "-xc++") = "-xc++-header";
    arguments.insert(arguments.end() - 1, {"-o", pch.string()});
    Diagnostics ignored;  // a broken header is reported by each file's own parse
    CollectingDiagnostics diagnostics(ignored);
    llvm::IntrusiveRefCntPtr<clang::FileManager> files(new clang::FileManager(clang::FileSystemOptions{}));
    clang::tooling::ToolInvocation invocation(arguments, std::make_unique<RecordingPchAction>(dependencies_),
                                              files.get());
    invocation.setDiagnosticConsumer(&diagnostics);
    if (invocation.run() && count_errors(ignored) == 0 && std::filesystem::exists(pch)) path_ = pch.string();
  }
  ~PreludePch() {
    std::error_code ignored;
    if (!directory_.empty()) std::filesystem::remove_all(directory_, ignored);
  }
  PreludePch(const PreludePch&) = delete;
  PreludePch& operator=(const PreludePch&) = delete;

  const std::string& path() const { return path_; }  // empty when it could not be built
  // The user headers inside the PCH: dependencies of every file parsed with it.
  const std::vector<std::string>& dependencies() const { return dependencies_; }

 private:
  std::filesystem::path directory_;
  std::string path_;
  std::vector<std::string> dependencies_;
};

void extract_one(const std::string& path, const CppParseOptions& options, const std::string& prelude_pch,
                 clang::FileManager& files, MigrationSource& out) {
  out.kind = SourceKind::cpp;
  out.path = path;
  CollectingDiagnostics diagnostics(out.diagnostics);
  clang::tooling::ToolInvocation invocation(command_line(options, path, prelude_pch),
                                            std::make_unique<ExtractAction>(out), &files);
  invocation.setDiagnosticConsumer(&diagnostics);
  if (!invocation.run() && count_errors(out.diagnostics) == 0)
    out.diagnostics.push_back({Severity::error, path, 0, 0,
                               "Clang could not parse this file (check the -I/--define flags passed to retortc)"});
}

}  // namespace

std::vector<MigrationSource> extract_cpp_migrations(const std::vector<std::string>& paths,
                                                    const CppParseOptions& options, unsigned jobs) {
  std::vector<MigrationSource> results(paths.size());
  // Below a handful of files, building the PCH costs more than it saves.
  std::optional<PreludePch> prelude;
  if (paths.size() >= 4) prelude.emplace(options);
  const std::string prelude_pch = prelude ? prelude->path() : "";
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    // One FileManager per thread: headers are looked up once per thread.
    // Reference counted: each CompilerInstance holds a reference.
    llvm::IntrusiveRefCntPtr<clang::FileManager> files(new clang::FileManager(clang::FileSystemOptions{}));
    for (std::size_t i = next++; i < paths.size(); i = next++) {
      extract_one(paths[i], options, prelude_pch, *files, results[i]);
      if (prelude && !prelude_pch.empty())
        for (const auto& header : prelude->dependencies())
          if (std::find(results[i].dependencies.begin(), results[i].dependencies.end(), header) ==
              results[i].dependencies.end())
            results[i].dependencies.push_back(header);
    }
  };
  jobs = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(paths.size())));
  // Clang's parser recurses once per nesting level and overflows a default
  // 8 MB stack on e.g. 10,000 nested template arguments; with a large stack
  // such code ends in Clang's own limits (a diagnostic), not a SIGSEGV.
  constexpr unsigned kParseStackBytes = 512u << 20;
  std::vector<llvm::thread> threads;
#if LLVM_VERSION_MAJOR >= 16
  using StackSize = std::optional<unsigned>;  // LLVM 16 replaced llvm::Optional with std::optional
#else
  using StackSize = llvm::Optional<unsigned>;
#endif
  for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(StackSize(kParseStackBytes), worker);
  for (auto& thread : threads) thread.join();
  return results;
}

}  // namespace retort::compiler
