// Revision history of policy files from git, with libgit2.
#include "tenet/site/History.h"

#include <git2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <memory>
#include <unordered_map>

#include "tenet/facts/FactStore.h"

namespace tenet {

namespace {

namespace fs = std::filesystem;

/// libgit2 objects freed when they go out of scope.
template <typename T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  Owned() = default;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() {
    if (p) Free(p);
  }
  T** out() { return &p; }
  T* get() const { return p; }
};

using Repo = Owned<git_repository, git_repository_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using Entry = Owned<git_tree_entry, git_tree_entry_free>;

struct Library {
  Library() { git_libgit2_init(); }
  ~Library() { git_libgit2_shutdown(); }
};

std::string lastError() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown error";
}

struct OidHash {
  std::size_t operator()(const git_oid& o) const {
    std::size_t h;
    std::memcpy(&h, o.id, sizeof h);
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b) != 0; }
};

/// The blob of each file in one commit (all zero when the file is absent).
class BlobCache {
 public:
  BlobCache(git_repository* repo, const std::vector<std::string>& paths) : repo_(repo), paths_(paths) {}

  const std::vector<git_oid>* blobs(const git_oid& commitId) {
    auto it = cache_.find(commitId);
    if (it != cache_.end()) return &it->second;
    Commit commit;
    if (git_commit_lookup(commit.out(), repo_, &commitId) != 0) return nullptr;
    Tree tree;
    if (git_commit_tree(tree.out(), commit.get()) != 0) return nullptr;
    std::vector<git_oid> out(paths_.size());
    for (std::size_t k = 0; k < paths_.size(); ++k) {
      Entry entry;
      if (git_tree_entry_bypath(entry.out(), tree.get(), paths_[k].c_str()) == 0)
        git_oid_cpy(&out[k], git_tree_entry_id(entry.get()));
      else
        std::memset(&out[k], 0, sizeof out[k]);
    }
    return &cache_.emplace(commitId, std::move(out)).first->second;
  }

 private:
  git_repository* repo_;
  const std::vector<std::string>& paths_;
  std::unordered_map<git_oid, std::vector<git_oid>, OidHash, OidEq> cache_;
};

struct CommitInfo {
  Revision revision;
  std::int64_t commitTime = 0;
  std::vector<git_oid> parents;
};

/// Commits read once, by id; null for one that is not in the repository
/// (the parents of the oldest commit of a shallow clone).
class CommitCache {
 public:
  explicit CommitCache(git_repository* repo) : repo_(repo) {}

  const CommitInfo* get(const git_oid& id) {
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second ? &*it->second : nullptr;
    Commit commit;
    if (git_commit_lookup(commit.out(), repo_, &id) != 0) {
      cache_.emplace(id, std::nullopt);
      return nullptr;
    }
    CommitInfo info;
    const git_signature* author = git_commit_author(commit.get());
    std::int64_t seconds = author ? author->when.time : git_commit_time(commit.get());
    std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    info.revision.date = formatDate(civilFromDays(days));
    info.revision.author = author && author->name ? author->name : "";
    const char* summary = git_commit_summary(commit.get());
    info.revision.summary = summary ? summary : "";
    std::array<char, 13> buf{};
    git_oid_tostr(buf.data(), buf.size(), &id);
    info.revision.commit = buf.data();
    info.commitTime = git_commit_time(commit.get());
    unsigned int count = git_commit_parentcount(commit.get());
    for (unsigned int p = 0; p < count; ++p)
      if (const git_oid* pid = git_commit_parent_id(commit.get(), p)) info.parents.push_back(*pid);
    return &*cache_.emplace(id, std::move(info)).first->second;
  }

 private:
  git_repository* repo_;
  std::unordered_map<git_oid, std::optional<CommitInfo>, OidHash, OidEq> cache_;
};

}  // namespace

std::optional<History> readHistory(const std::vector<std::string>& files, std::string& why) {
  why.clear();
  if (files.empty()) return std::nullopt;
  static Library library;
  std::error_code ec;
  fs::path first = fs::weakly_canonical(fs::absolute(files.front(), ec), ec);
  if (ec) return std::nullopt;
  Repo repo;
  int rc = git_repository_open_ext(repo.out(), first.parent_path().c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) {
    // libgit2 also says "not found" for a repository that git refuses to
    // read because another user owns it (git's safe.directory check).
    for (fs::path dir = first.parent_path(); !dir.empty(); dir = dir.parent_path()) {
      if (fs::exists(dir / ".git", ec)) {
        why = "the git repository at '" + dir.string() +
              "' belongs to another user, so git does not read it; if it is trusted, run: git config --global "
              "--add safe.directory " + dir.string();
        return std::nullopt;
      }
      if (dir == dir.root_path()) break;
    }
    return std::nullopt;
  }
  if (rc != 0) {
    why = "cannot read the git repository: " + lastError();
    return std::nullopt;
  }
  const char* workdirText = git_repository_workdir(repo.get());
  if (!workdirText) return std::nullopt;  // a bare repository holds no files to build from
  fs::path workdir = fs::weakly_canonical(workdirText, ec);

  History history;
  history.shallow = git_repository_is_shallow(repo.get()) == 1;
  // The files inside the working tree, by their path in the repository.
  std::vector<std::string> given, inRepo;
  for (const auto& f : files) {
    fs::path canonical = fs::weakly_canonical(fs::absolute(f, ec), ec);
    if (ec) continue;
    fs::path rel = canonical.lexically_relative(workdir);
    if (rel.empty() || *rel.begin() == "..") continue;
    given.push_back(f);
    inRepo.push_back(rel.generic_string());
    history.revisions[f];  // known, even with no revision yet
    unsigned int flags = 0;
    if (git_status_file(&flags, repo.get(), inRepo.back().c_str()) == 0)
      history.uncommitted[f] = (flags & ~static_cast<unsigned int>(GIT_STATUS_IGNORED)) != 0;
  }
  if (inRepo.empty()) return history;

  git_oid head;
  rc = git_reference_name_to_id(&head, repo.get(), "HEAD");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return history;  // no commit yet
  if (rc != 0) {
    why = "cannot read the git repository: " + lastError();
    return std::nullopt;
  }
  // Each file's history is walked on its own, as `git log FILE` does: a
  // merge that kept one parent's version of the file is not shown, and only
  // that parent is followed. The commits are read by hand rather than with
  // a revwalk, which cannot walk a shallow clone: there a missing parent
  // simply ends the history.
  CommitCache commits(repo.get());
  BlobCache blobs(repo.get(), inRepo);
  for (std::size_t k = 0; k < inRepo.size(); ++k) {
    std::vector<const CommitInfo*> shown;
    std::unordered_map<git_oid, bool, OidHash, OidEq> visited;
    std::vector<git_oid> todo{head};
    while (!todo.empty()) {
      git_oid id = todo.back();
      todo.pop_back();
      if (!visited.emplace(id, true).second) continue;
      const CommitInfo* info = commits.get(id);
      const std::vector<git_oid>* mine = info ? blobs.blobs(id) : nullptr;
      if (!mine) continue;
      const git_oid& blob = (*mine)[k];
      std::vector<std::pair<git_oid, const std::vector<git_oid>*>> parents;
      for (const git_oid& pid : info->parents)
        if (commits.get(pid))
          if (const std::vector<git_oid>* pb = blobs.blobs(pid)) parents.push_back({pid, pb});
      if (parents.empty()) {
        // A root commit that holds the file added it. The oldest commit of a
        // shallow clone is not listed: whether it changed the file cannot
        // be told without its parent.
        if (info->parents.empty() && !git_oid_is_zero(&blob)) shown.push_back(info);
        continue;
      }
      const git_oid* same = nullptr;
      for (const auto& [pid, pb] : parents)
        if (git_oid_equal(&(*pb)[k], &blob)) {
          same = &pid;
          break;
        }
      if (same) {
        todo.push_back(*same);  // the file came from this parent unchanged
        continue;
      }
      shown.push_back(info);
      for (auto it = parents.rbegin(); it != parents.rend(); ++it) todo.push_back(it->first);
    }
    // Newest first, as git log lists them.
    std::sort(shown.begin(), shown.end(), [](const CommitInfo* a, const CommitInfo* b) {
      if (a->commitTime != b->commitTime) return a->commitTime > b->commitTime;
      return a->revision.commit < b->revision.commit;
    });
    auto& list = history.revisions[given[k]];
    for (const CommitInfo* c : shown) list.push_back(c->revision);
  }
  return history;
}

}  // namespace tenet
