// Atomic replacement of a generated site.
#include "tenet/site/Output.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

namespace tenet {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempInfix = ".tenet-tmp-";

std::string why(int err) { return std::strerror(err); }

/// Writes all of `data` to a new file, or says why not. Files and folders
/// get the modes any new file gets (0666 and 0777 less the umask).
bool writeFile(const fs::path& path, const std::string& data, std::string& error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) {
    error = fmt::format("cannot create '{}': {}", path.string(), why(errno));
    return false;
  }
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = fmt::format("cannot write '{}': {}", path.string(), why(errno));
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    error = fmt::format("cannot write '{}': {}", path.string(), why(errno));
    return false;
  }
  return true;
}

/// Temporary folders of builds of `name` in `parent` whose process is gone.
void removeStaleTemporaries(const fs::path& parent, const std::string& name) {
  std::string prefix = "." + name + std::string(kTempInfix);
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    std::string entry = it->path().filename().string();
    if (entry.rfind(prefix, 0) != 0) continue;
    std::string pidText = entry.substr(prefix.size());
    if (pidText.size() > 4 && pidText.compare(pidText.size() - 4, 4, "-old") == 0) pidText.resize(pidText.size() - 4);
    if (pidText.empty() || pidText.find_first_not_of("0123456789") != std::string::npos) continue;
    long pid = std::strtol(pidText.c_str(), nullptr, 10);
    if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;  // still running
    std::error_code rm;
    fs::remove_all(it->path(), rm);
  }
}

bool safeName(const std::string& part, bool first) {
  if (part.empty() || part == "." || part == "..") return false;
  if (part[0] == '.' && !(first && part == kSiteMarker)) return false;
  for (char c : part)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-' || c == '~'))
      return false;
  return true;
}

}  // namespace

bool isSafeSitePath(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  std::size_t start = 0;
  bool first = true;
  while (true) {
    std::size_t slash = path.find('/', start);
    std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!safeName(part, first && slash == std::string::npos)) return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
    first = false;
  }
}

bool folderHolds(const std::string& dir, const std::string& path) {
  std::error_code ec;
  fs::path folder = fs::weakly_canonical(fs::absolute(fs::path(dir), ec), ec);
  if (ec) return false;
  fs::path inner = fs::weakly_canonical(fs::absolute(fs::path(path), ec), ec);
  if (ec) return false;
  fs::path rel = inner.lexically_normal().lexically_relative(folder.lexically_normal());
  return !rel.empty() && *rel.begin() != "..";
}

bool writeSite(const std::string& dirText, const std::vector<SiteFile>& files, std::string& error) {
  std::error_code ec;
  fs::path target = fs::absolute(fs::path(dirText), ec).lexically_normal();
  if (ec || dirText.empty()) {
    error = fmt::format("'{}' is not a usable folder name", dirText);
    return false;
  }
  if (!target.has_filename()) target = target.parent_path();  // "site/" is "site"
  std::string name = target.filename().string();
  fs::path parent = target.parent_path();
  if (name.empty() || name == "." || name == ".." || target == target.root_path()) {
    error = fmt::format("'{}' cannot be replaced by a site; name a new or empty folder such as 'site'", dirText);
    return false;
  }

  // Replacing the folder one is in (or one above it) would leave the shell
  // in a folder that no longer exists.
  fs::path cwd = fs::current_path(ec);
  if (!ec) {
    fs::path here = cwd.lexically_normal();
    fs::path rel = here.lexically_relative(target);
    if (!rel.empty() && *rel.begin() != "..") {
      error = fmt::format("'{}' is the current folder or holds it; name a folder inside it, such as 'site'", dirText);
      return false;
    }
  }

  // Only a missing folder, an empty one, or a previous site is replaced.
  struct stat st {};
  bool exists = ::lstat(target.c_str(), &st) == 0;
  if (exists) {
    if (S_ISLNK(st.st_mode)) {
      error = fmt::format("'{}' is a symbolic link; name the folder itself", dirText);
      return false;
    }
    if (!S_ISDIR(st.st_mode)) {
      error = fmt::format("'{}' exists and is not a folder", dirText);
      return false;
    }
    bool empty = fs::is_empty(target, ec);
    if (!empty && !fs::exists(target / kSiteMarker, ec)) {
      error = fmt::format(
          "'{}' already holds files that 'tenet build' did not write; the site replaces the whole folder, so name a "
          "new or empty folder instead",
          dirText);
      return false;
    }
  }
  fs::create_directories(parent, ec);
  if (ec) {
    error = fmt::format("cannot create the folder '{}': {}", parent.string(), ec.message());
    return false;
  }
  removeStaleTemporaries(parent, name);

  fs::path temp = parent / ("." + name + std::string(kTempInfix) + std::to_string(::getpid()));
  fs::remove_all(temp, ec);
  if (::mkdir(temp.c_str(), 0777) != 0) {
    error = fmt::format("cannot create the folder '{}': {}", temp.string(), why(errno));
    return false;
  }
  auto fail = [&](std::string message) {
    error = std::move(message);
    std::error_code ignored;
    fs::remove_all(temp, ignored);
    return false;
  };
  for (const SiteFile& f : files) {
    if (!isSafeSitePath(f.path)) return fail(fmt::format("refusing to write the unsafe file name '{}'", f.path));
    fs::path path = temp / f.path;
    if (path.has_parent_path() && path.parent_path() != temp) {
      fs::create_directories(path.parent_path(), ec);
      if (ec) return fail(fmt::format("cannot create '{}': {}", path.parent_path().string(), ec.message()));
    }
    if (!writeFile(path, f.content, error)) return fail(error);
  }
  if (!writeFile(temp / kSiteMarker,
                 "This folder was written by 'tenet build', which replaces it as a whole on the next build.\n", error))
    return fail(error);
  // The new files reach the disk before they replace the old ones.
  if (int fd = ::open(temp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
    ::syncfs(fd);
    ::close(fd);
  }

  if (!exists) {
    if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0 &&
        !(errno == EINVAL && ::rename(temp.c_str(), target.c_str()) == 0))
      return fail(fmt::format("cannot move the new site into '{}': {}", dirText, why(errno)));
    return true;
  }
  // Swap the two folders in one step; the old site ends up in `temp`.
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS)
      return fail(fmt::format("cannot replace '{}': {}", dirText, why(errno)));
    // A file system without an atomic swap: two renames, the old site kept
    // until the new one is in place.
    fs::path old = parent / ("." + name + std::string(kTempInfix) + std::to_string(::getpid()) + "-old");
    fs::remove_all(old, ec);
    if (::rename(target.c_str(), old.c_str()) != 0)
      return fail(fmt::format("cannot replace '{}': {}", dirText, why(errno)));
    if (::rename(temp.c_str(), target.c_str()) != 0) {
      int err = errno;
      ::rename(old.c_str(), target.c_str());
      return fail(fmt::format("cannot replace '{}': {}", dirText, why(err)));
    }
    fs::remove_all(old, ec);
    return true;
  }
  fs::remove_all(temp, ec);
  return true;
}

}  // namespace tenet
