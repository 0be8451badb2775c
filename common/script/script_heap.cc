#include "common/script/script_heap.h"

#include <chrono>
#include <limits>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/script/heap_allocator.h"
#include "common/script/heap_state.h"
#include "common/script/push_json.h"
#include "common/script/sandbox.h"
#include "duktape.h"

// ScriptHeap itself: its heap's life (build, clean up, rebuild), a call's budgets and result, the
// description of a script's error, the syntax check. What the heap's callbacks share with it is
// heap_state.h; the allocator, the writers, the helpers, the argument's conversion and the
// sandbox are each in a file of their own. Duktape's errors are longjmps: no object with a
// destructor lives across a call that may throw (heap_state.h).

// The time budget: Duktape calls it at every interrupt with the heap's udata (duk_config.h.in).
extern "C" duk_bool_t mc_script_exec_timeout_check(void* heap_udata) {
  auto* s = static_cast<mc::script::internal::State*>(heap_udata);
  if (s == nullptr || !s->has_deadline) return 0;
  if (!s->timed_out && std::chrono::steady_clock::now() >= s->deadline) s->timed_out = true;
  return s->timed_out ? 1 : 0;
}

namespace mc::script {
namespace {

using internal::State;
using internal::StateOf;

constexpr char kFileName[] = "template";

// The script's error at the stack top, described in scratch (message) and *line.
struct DescribeArgs {
  int line = 0;
};

duk_ret_t DescribeProtected(duk_context* ctx, void* udata) {
  auto* args = static_cast<DescribeArgs*>(udata);
  State* s = StateOf(ctx);
  if (duk_is_error(ctx, -1)) {
    duk_get_prop_string(ctx, -1, "stack");
    duk_size_t len = 0;
    const char* stack = duk_is_string(ctx, -1) ? duk_get_lstring(ctx, -1, &len) : nullptr;
    if (stack != nullptr) {
      absl::string_view view(stack, len);
      const absl::string_view marker = "(template:";
      size_t at = view.find(marker);
      if (at != absl::string_view::npos) {
        size_t start = at + marker.size(), end = view.find(')', start);
        int line = 0;
        if (end != absl::string_view::npos &&
            absl::SimpleAtoi(view.substr(start, end - start), &line)) {
          args->line = line;
        }
      }
    }
    duk_pop(ctx);
  }
  duk_size_t len = 0;
  const char* text = duk_safe_to_lstring(ctx, -1, &len);
  {
    absl::string_view message(text, len);
    // Duktape's syntax errors end with their own " (line N)" or " (line N, end of input)".
    size_t paren = message.rfind(" (line ");
    if (paren != absl::string_view::npos && message.back() == ')') {
      absl::string_view inner = message.substr(paren + 7, message.size() - paren - 8);
      size_t comma = inner.find(", ");
      s->scratch = absl::StrCat(
          message.substr(0, paren),
          comma == absl::string_view::npos ? "" : absl::StrCat(" (", inner.substr(comma + 2), ")"));
    } else {
      s->scratch = std::string(message);
    }
  }
  return 0;
}

// Describes the error at the stack top (popping it) under fresh budgets: the thrown value may be
// an object whose toString is the script's own.
absl::Status DescribeError(duk_context* ctx, State* s, const ScriptHeapOptions& budgets,
                           int* error_line) {
  s->has_deadline = true;
  s->timed_out = false;
  s->deadline = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(budgets.time_budget);
  s->refused = false;
  s->limit = s->in_use + budgets.memory_budget;
  DescribeArgs args;
  s->scratch.clear();
  int rc = duk_safe_call(ctx, DescribeProtected, &args, 1, 1);
  duk_pop(ctx);
  s->has_deadline = false;
  s->limit = std::numeric_limits<size_t>::max();
  if (rc != DUK_EXEC_SUCCESS || s->timed_out || s->refused || s->scratch.empty()) {
    s->scratch = "the template threw a value that cannot be printed";
  }
  if (error_line != nullptr) *error_line = args.line;
  return absl::InvalidArgumentError(s->scratch);
}

struct RunArgs {
  const char* source;
  size_t source_len;
  const char* stash_key;
  bool compile;
  bool reset_cache;
  const char* json;
  size_t json_len;
  const nlohmann::json* argument;
  const nlohmann::json* argument_ctx;
};

duk_ret_t RunProtected(duk_context* ctx, void* udata) {
  auto* args = static_cast<RunArgs*>(udata);
  duk_push_heap_stash(ctx);
  if (args->reset_cache) {
    duk_push_object(ctx);
    duk_put_prop_string(ctx, -2, "fns");
  }
  duk_get_prop_string(ctx, -1, "fns");
  if (args->compile) {
    duk_push_string(ctx, kFileName);
    duk_compile_lstring_filename(ctx, 0, args->source, args->source_len);
    duk_call(ctx, 0);
    if (!duk_is_function(ctx, -1)) {
      return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                       "the template's code ends its own function early (a '}' too many?)");
    }
    duk_freeze(ctx, -1);
    duk_get_prop_string(ctx, -1, "prototype");
    if (duk_is_object(ctx, -1)) duk_freeze(ctx, -1);
    duk_pop(ctx);
    duk_dup_top(ctx);
    duk_put_prop_string(ctx, -3, args->stash_key);
  } else {
    duk_get_prop_string(ctx, -1, args->stash_key);
  }
  if (args->argument != nullptr) {
    internal::PushJson(ctx, *args->argument, 0);
    if (!duk_is_object(ctx, -1)) {
      duk_pop(ctx);
      duk_push_object(ctx);
    }
    duk_push_string(ctx, "ctx");
    if (args->argument_ctx != nullptr && !args->argument_ctx->is_null()) {
      internal::PushJson(ctx, *args->argument_ctx, 0);
    } else {
      duk_push_object(ctx);
    }
    duk_def_prop(ctx, -3,
                 DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_SET_ENUMERABLE |
                     DUK_DEFPROP_SET_CONFIGURABLE);
  } else if (args->json_len == 0) {
    duk_push_object(ctx);
  } else {
    duk_push_lstring(ctx, args->json, args->json_len);
    duk_json_decode(ctx, -1);
  }
  duk_dup_top(ctx);
  duk_call(ctx, 2);
  return 0;
}

std::string BudgetMessage(absl::string_view what, absl::string_view amount) {
  return absl::StrCat("the template ran past its ", what, " budget (", amount, ")");
}

}  // namespace

absl::StatusOr<std::unique_ptr<ScriptHeap>> ScriptHeap::Create(const Options& options) {
  std::unique_ptr<ScriptHeap> heap(new ScriptHeap(options));
  if (absl::Status st = heap->Build(); !st.ok()) return st;
  return heap;
}

ScriptHeap::ScriptHeap(const Options& options)
    : options_(options), state_(std::make_unique<State>()) {
  state_->max_output = options.max_output_bytes;
}

ScriptHeap::~ScriptHeap() { Destroy(); }

void ScriptHeap::Destroy() {
  if (ctx_ != nullptr) duk_destroy_heap(static_cast<duk_context*>(ctx_));
  ctx_ = nullptr;
  cache_.clear();
  baseline_.clear();
}

absl::Status ScriptHeap::Build() {
  Destroy();
  State& s = *state_;
  s.limit = std::numeric_limits<size_t>::max();
  s.has_deadline = false;
  duk_context* ctx = duk_create_heap(internal::Alloc, internal::Realloc, internal::Free,
                                     state_.get(), internal::Fatal);
  if (ctx == nullptr) return absl::InternalError("cannot create a Duktape heap");
  ctx_ = ctx;
  internal::SandboxBuildArgs args{&baseline_};
  if (duk_safe_call(ctx, internal::BuildSandboxProtected, &args, 0, 1) != DUK_EXEC_SUCCESS) {
    std::string why = duk_safe_to_string(ctx, -1);
    Destroy();
    return absl::InternalError(absl::StrCat("cannot set up the template sandbox: ", why));
  }
  duk_pop(ctx);
  return absl::OkStatus();
}

size_t ScriptHeap::bytes_in_use() const { return state_->in_use; }

bool ScriptHeap::CleanGlobals() {
  auto* ctx = static_cast<duk_context*>(ctx_);
  internal::SandboxCleanArgs args{&baseline_};
  int rc = duk_safe_call(ctx, internal::CleanSandboxProtected, &args, 0, 1);
  bool clean = rc == DUK_EXEC_SUCCESS && duk_get_boolean(ctx, -1);
  duk_pop(ctx);
  return clean;
}

absl::StatusOr<std::string> ScriptHeap::Run(const ScriptCall& call, int* error_line) {
  if (error_line != nullptr) *error_line = 0;
  if (ctx_ == nullptr) {
    if (absl::Status st = Build(); !st.ok()) return st;
  }
  auto* ctx = static_cast<duk_context*>(ctx_);
  State& s = *state_;

  auto it = cache_.find(call.key);
  const bool known = it != cache_.end();
  const bool compile = !known || it->second.source != call.source;
  std::string stash_key = known ? it->second.stash_key : absl::StrCat("f", next_stash_id_++);
  const bool reset_cache = !known && cache_.size() >= options_.max_cached_functions;
  if (reset_cache) cache_.clear();

  s.output.clear();
  s.output_exceeded = false;
  s.refused = false;
  s.timed_out = false;
  s.escape = call.escape;
  s.language = call.language;
  s.country = call.country;
  s.locale.clear();
  s.limit = s.in_use + options_.memory_budget;
  s.deadline = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(options_.time_budget);
  s.has_deadline = true;

  RunArgs args{.source = call.source.data(),
               .source_len = call.source.size(),
               .stash_key = stash_key.c_str(),
               .compile = compile,
               .reset_cache = reset_cache,
               .json = call.argument_json.data(),
               .json_len = call.argument_json.size(),
               .argument = call.argument,
               .argument_ctx = call.argument_ctx};
  const int rc = duk_safe_call(ctx, RunProtected, &args, 0, 1);
  s.has_deadline = false;
  const bool timed_out = s.timed_out, refused = s.refused, over = s.output_exceeded;
  s.limit = std::numeric_limits<size_t>::max();

  absl::StatusOr<std::string> result;
  if (timed_out) {
    duk_pop(ctx);
    result = absl::ResourceExhaustedError(BudgetMessage(
        "time", absl::StrCat(absl::ToInt64Milliseconds(options_.time_budget), " ms")));
  } else if (over) {
    duk_pop(ctx);
    result = absl::ResourceExhaustedError(
        BudgetMessage("output", absl::StrCat(options_.max_output_bytes, " bytes")));
  } else if (rc != DUK_EXEC_SUCCESS && refused) {
    duk_pop(ctx);
    result = absl::ResourceExhaustedError(
        BudgetMessage("memory", absl::StrCat(options_.memory_budget, " bytes")));
  } else if (rc != DUK_EXEC_SUCCESS) {
    result = DescribeError(ctx, &s, options_, error_line);
  } else {
    duk_pop(ctx);
    if (compile) cache_[call.key] = Cached{std::string(call.source), stash_key};
    result = std::move(s.output);
  }
  s.output.clear();
  if (!result.ok()) duk_gc(ctx, 0);
  if (!CleanGlobals()) {
    ++rebuilds_;
    if (absl::Status st = Build(); !st.ok()) return st;
  }
  return result;
}

absl::Status ScriptHeap::CheckSyntax(absl::string_view source, int* error_line) {
  if (error_line != nullptr) *error_line = 0;
  State s;
  s.limit = ScriptHeapOptions().memory_budget + source.size() * 16;
  duk_context* ctx =
      duk_create_heap(internal::Alloc, internal::Realloc, internal::Free, &s, internal::Fatal);
  if (ctx == nullptr) return absl::InternalError("cannot create a Duktape heap");
  struct Source {
    absl::string_view text;
  } src{source};
  auto compile = [](duk_context* c, void* udata) -> duk_ret_t {
    auto* text = &static_cast<Source*>(udata)->text;
    duk_push_string(c, kFileName);
    duk_compile_lstring_filename(c, 0, text->data(), text->size());
    return 0;
  };
  absl::Status status;
  if (duk_safe_call(ctx, compile, &src, 0, 1) != DUK_EXEC_SUCCESS) {
    status = s.refused ? absl::ResourceExhaustedError("the template is too large to compile")
                       : DescribeError(ctx, &s, ScriptHeapOptions(), error_line);
    if (s.refused) duk_pop(ctx);
  } else {
    duk_pop(ctx);
  }
  duk_destroy_heap(ctx);
  return status;
}

}  // namespace mc::script
