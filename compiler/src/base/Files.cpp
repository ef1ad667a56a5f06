// Atomic replacement of a file's contents.
#include "tenet/base/Files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace tenet {

namespace fs = std::filesystem;

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
  if (::fchmod(fd, st.st_mode & 07777) != 0) return fail("cannot keep the file's permissions");
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

}  // namespace tenet
