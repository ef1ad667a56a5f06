// Atomic replacement of a file's contents, and where symbolic links lead.
#include "tenet/base/Files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

namespace tenet {

namespace fs = std::filesystem;

namespace {

/// Writes `text` to a temporary file in `target`'s folder, syncs it, gives
/// it `mode` and renames it over `target`.
bool writeBeside(const fs::path& target, std::string_view text, mode_t mode, std::string& why) {
  fs::path dir = target.parent_path();
  std::string tmpl = (dir / ("." + target.filename().string() + ".tenet-tmp-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) {
    why = std::string("cannot create a temporary file in its folder: ") + std::strerror(errno);
    return false;
  }
  auto fail = [&](const char* what) {
    why = std::string(what) + ": " + std::strerror(errno);
    ::close(fd);
    ::unlink(name.data());
    return false;
  };
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write the new text");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) return fail("cannot keep the file's permissions");
  if (::fsync(fd) != 0) return fail("cannot save the new text to disk");
  if (::close(fd) != 0) {
    why = std::string("cannot save the new text to disk: ") + std::strerror(errno);
    ::unlink(name.data());
    return false;
  }
  if (::rename(name.data(), target.c_str()) != 0) {
    why = std::string("cannot replace the file: ") + std::strerror(errno);
    ::unlink(name.data());
    return false;
  }
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // the rename itself; best effort
    ::close(dfd);
  }
  return true;
}

}  // namespace

bool replaceFileAtomically(const std::string& path, std::string_view text, std::string& why) {
  std::error_code ec;
  fs::path target = path;
  if (fs::is_symlink(fs::symlink_status(target, ec))) {
    target = fs::canonical(target, ec);
    if (ec) {
      why = ec.message();
      return false;
    }
  }
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) {
    why = std::strerror(errno);
    return false;
  }
  // The rename below needs only the folder to be writable, so it would
  // replace a read-only file as well; that is not what read-only means.
  // (Checked on the mode too: for root, access() allows everything.)
  if ((st.st_mode & 0222) == 0 || ::access(target.c_str(), W_OK) != 0) {
    why = "the file is read-only; make it writable first (for example 'chmod u+w') if it should be changed";
    return false;
  }
  return writeBeside(target, text, st.st_mode & 07777, why);
}

bool writeFileAtomically(const std::string& path, std::string_view text, std::string& why) {
  struct stat st {};
  mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  return writeBeside(path, text, mode, why);
}

std::optional<std::string> linkLeavingFolder(const std::string& path, const std::string& root) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return std::nullopt;
  std::error_code ec;
  fs::path target = fs::canonical(path, ec);
  if (ec) {
    // A link to nothing (yet): where it would lead, followed by hand.
    target = path;
    for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(target, ec)); ++hops) {
      fs::path next = fs::read_symlink(target, ec);
      if (ec) return std::nullopt;  // cannot be resolved: reading it reports why
      target = next.is_absolute() ? next : target.parent_path() / next;
    }
    target = fs::weakly_canonical(target, ec);
    if (ec) return std::nullopt;
  }
  fs::path folder = fs::weakly_canonical(root.empty() ? fs::path(".") : fs::path(root), ec);
  if (ec) return target.string();
  fs::path rel = target.lexically_relative(folder);
  if (!rel.empty() && *rel.begin() != ".." && rel != ".") return std::nullopt;
  return target.string();
}

std::string rootOfPath(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return path;
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace tenet
