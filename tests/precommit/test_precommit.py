#!/usr/bin/env python3
"""The hooks of .pre-commit-hooks.yaml, run by the real `pre-commit` in
temporary git repositories, through `git commit` as a user would.

Usage: test_precommit.py TENET SOURCE_DIR

The hooks repository is a fresh git repository holding only the
.pre-commit-hooks.yaml of SOURCE_DIR (enough for `language: system` hooks);
the consumer repositories name it by path and commit. `tenet` is found on
PATH through a temporary bin folder; HOME and PRE_COMMIT_HOME are temporary,
so the user's configuration and pre-commit cache are not touched.

Prints one line per case ("ok NAME" or "FAIL NAME: why") and a summary, and
exits non-zero when a case failed. `pre-commit` must be installed (Debian's
package `pre-commit`, installed by ./install-deps.sh): without it, the test
fails.
"""

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

TENET = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ""
SOURCE = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else ""
TIMEOUT = 120  # seconds, for each git or pre-commit command


class Failure(Exception):
    pass


def check(cond, why):
    if not cond:
        raise Failure(why)


def run(args, cwd, env, timeout=TIMEOUT):
    # stderr into stdout: the hooks' output is read as the user sees it.
    return subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)


def describe(p):
    return "exit %d; output:\n%s" % (p.returncode, p.stdout.strip()[-3000:])


# Dates relative to today, so that the time-based lint rules (a review that
# is overdue, an effective date in the future) never fire.
EFFECTIVE = (datetime.datetime.now(datetime.timezone.utc).date()
             - datetime.timedelta(days=30)).isoformat()

PROJECT = """\
project demo "Demo ISMS" {
  organization = "Demo Ltd"
  frameworks   = [soc2]
  scope        = "The Demo web application and the people who run it."
}

role ciso "Chief Information Security Officer" {
  holder = "Ada Lovelace"
}

role cto "Chief Technology Officer" {
  holder = "Alan Turing"
}
"""

PROJECT_STRICT = PROJECT.replace(
    '  scope        = "The Demo web application and the people who run it."\n',
    '  scope        = "The Demo web application and the people who run it."\n\n'
    '  lint {\n    weak-modal = error\n  }\n')


def policy(name, requirement="soc2.CC6.1", modal="**must**"):
    return """\
policy %s "%s Policy" {
  owner     = ciso
  approver  = cto
  version   = "1.0"
  effective = %s
  review    = every 12 months

  section "Purpose" \"\"\"
  This policy defines how Demo grants and revokes access to its systems.
  \"\"\"

  section "Scope" \"\"\"
  All workforce accounts on the systems in scope.
  \"\"\"

  control mfa "Multi-factor authentication" {
    statement \"\"\"
    Every workforce account %s sign in with multi-factor authentication.
    \"\"\"
    satisfies %s
    evidence "The identity provider's MFA policy, exported each quarter"
  }
}
""" % (name, name.capitalize(), EFFECTIVE, modal, requirement)


class World:
    """The temporary folders, the environment, and the hooks repository."""

    def __init__(self, root):
        self.root = root
        bindir = os.path.join(root, "bin")
        os.makedirs(bindir)
        os.symlink(TENET, os.path.join(bindir, "tenet"))
        home = os.path.join(root, "home")
        os.makedirs(home)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("GIT_", "PRE_COMMIT", "TENET"))}
        env.update({
            "PATH": bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "PRE_COMMIT_HOME": os.path.join(root, "pre-commit-cache"),
            "PRE_COMMIT_COLOR": "never",
            "NO_COLOR": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
            "LC_ALL": "C.UTF-8",
        })
        self.env = env

        # The hooks repository: .pre-commit-hooks.yaml, committed.
        self.hooks = os.path.join(root, "hooks")
        os.makedirs(self.hooks)
        self.git(self.hooks, "init", "-q", "-b", "main")
        shutil.copy(os.path.join(SOURCE, ".pre-commit-hooks.yaml"), self.hooks)
        self.git(self.hooks, "add", ".pre-commit-hooks.yaml")
        self.git(self.hooks, "commit", "-q", "-m", "hooks")
        self.rev = self.git(self.hooks, "rev-parse", "HEAD").stdout.strip()

    def git(self, cwd, *args, ok=True):
        p = run(["git", "-c", "init.defaultBranch=main", *args], cwd, self.env)
        if ok and p.returncode != 0:
            raise Failure("git %s failed: %s" % (" ".join(args), describe(p)))
        return p

    def consumer(self, name, hooks_yaml, files):
        """A consumer repository with its .pre-commit-config.yaml and `files`
        (path -> text), the hooks installed; nothing committed yet."""
        repo = os.path.join(self.root, name)
        os.makedirs(repo)
        self.git(repo, "init", "-q", "-b", "main")
        config = ("repos:\n  - repo: %s\n    rev: %s\n    hooks:\n%s"
                  % (self.hooks, self.rev, hooks_yaml))
        write(repo, ".pre-commit-config.yaml", config)
        for path, text in files.items():
            write(repo, path, text)
        p = run(["pre-commit", "install"], repo, self.env)
        if p.returncode != 0:
            raise Failure("pre-commit install failed: " + describe(p))
        return repo

    def commit(self, repo, message):
        """`git add -A` then `git commit`, which runs the installed hook."""
        self.git(repo, "add", "-A")
        return self.git(repo, "commit", "-m", message, ok=False)

    def reset(self, repo):
        self.git(repo, "reset", "-q", "--hard", "HEAD")
        self.git(repo, "clean", "-q", "-fdx")


def write(repo, path, text):
    full = os.path.join(repo, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)


def committed(world, repo):
    return world.git(repo, "rev-list", "--count", "HEAD", ok=False).stdout.strip()


def case_manifest(world, _repo):
    # The installed pre-commit (Debian 12: 3.0.4) accepts every key and value.
    p = run(["pre-commit", "validate-manifest", os.path.join(SOURCE, ".pre-commit-hooks.yaml")],
            world.root, world.env)
    check(p.returncode == 0, "pre-commit validate-manifest rejects the hooks: " + describe(p))


# --- The main consumer: tenet-lint and tenet-fmt at the repository's root ---

MAIN_HOOKS = "      - id: tenet-lint\n      - id: tenet-fmt\n"


def main_repo(world):
    repo = world.consumer("consumer", MAIN_HOOKS, {
        "project.tenet": PROJECT,
        "policies/access.tenet": policy("access_control"),
    })
    p = world.commit(repo, "The policies")
    check(p.returncode == 0, "the first, clean commit was rejected: " + describe(p))
    return repo


def case_clean_commit(world, repo):
    # main_repo made the first commit; a second clean change passes as well,
    # and both hooks ran (they are not skipped: a .tenet file changed).
    write(repo, "policies/ops.tenet", policy("operations"))
    p = world.commit(repo, "Operations policy")
    check(p.returncode == 0, "a clean commit was rejected: " + describe(p))
    for name in ("tenet lint", "tenet fmt --check"):
        line = [l for l in p.stdout.splitlines() if l.startswith(name + ".")]
        check(line and line[0].endswith("Passed"),
              "the hook '%s' did not pass: %s" % (name, describe(p)))
    check("No problems found." in p.stdout, "tenet lint's output is not shown: " + describe(p))
    check(committed(world, repo) == "2", "the commit was not made: " + describe(p))


def case_unknown_requirement(world, repo):
    write(repo, "policies/vendors.tenet", policy("vendors", requirement="soc2.CC9.9"))
    p = world.commit(repo, "Vendors policy")
    try:
        check(p.returncode != 0, "a commit with soc2.CC9.9 was accepted: " + describe(p))
        check(committed(world, repo) == "2", "the commit was made")
        for want in ("tenet lint", "Failed", "[unknown-requirement]",
                     "policies/vendors.tenet:20:20: error: 'CC9.9' is not a requirement of soc2",
                     "did you mean 'CC9.2'", "satisfies soc2.CC9.9"):
            check(want in p.stdout, "the output does not show %r: %s" % (want, describe(p)))
    finally:
        world.reset(repo)


def case_unformatted(world, repo):
    text = policy("hr").replace("  owner     = ciso", "owner=ciso").replace(
        "  version   = \"1.0\"", "      version = \"1.0\"")
    write(repo, "policies/hr.tenet", text)
    p = world.commit(repo, "HR policy")
    try:
        check(p.returncode != 0, "an unformatted file was committed: " + describe(p))
        check(committed(world, repo) == "2", "the commit was made")
        line = [l for l in p.stdout.splitlines() if l.startswith("tenet fmt --check.")]
        check(line and line[0].endswith("Failed"), "tenet fmt --check did not fail: " + describe(p))
        line = [l for l in p.stdout.splitlines() if l.startswith("tenet lint.")]
        check(line and line[0].endswith("Passed"), "tenet lint did not pass: " + describe(p))
        check("policies/hr.tenet\n" in p.stdout, "the file is not named: " + describe(p))
        check("1 file is not formatted" in p.stdout, "no summary from tenet fmt: " + describe(p))
        # Files the commit does not touch are not passed to tenet fmt.
        check("policies/access.tenet" not in p.stdout, "an unchanged file was named: " + describe(p))
    finally:
        world.reset(repo)


def case_warning_only(world, repo):
    write(repo, "policies/ops.tenet", policy("operations", modal="should"))
    p = world.commit(repo, "Operations: weaker")
    check(p.returncode == 0, "a lint warning blocked the commit: " + describe(p))
    check(committed(world, repo) == "3", "the commit was not made")
    for want in ("[weak-modal]", "policies/ops.tenet:18:29: warning:", "1 warning found."):
        check(want in p.stdout, "the warning is not shown (%r): %s" % (want, describe(p)))

    # The project raises weak-modal to error: the same wording now blocks.
    write(repo, "project.tenet", PROJECT_STRICT)
    p = world.commit(repo, "weak-modal is an error")
    try:
        check(p.returncode != 0, "weak-modal = error did not block the commit: " + describe(p))
        check(committed(world, repo) == "3", "the commit was made")
        for want in ("policies/ops.tenet:18:29: error:", "[weak-modal]", "1 error found."):
            check(want in p.stdout, "the error is not shown (%r): %s" % (want, describe(p)))
    finally:
        world.reset(repo)


def case_no_tenet_files(world, repo):
    # A commit that changes no .tenet file does not run the hooks.
    write(repo, "README.md", "# Demo\n")
    p = world.commit(repo, "README")
    check(p.returncode == 0, "a commit without .tenet files was rejected: " + describe(p))
    check("(no files to check)Skipped" in p.stdout, "the hooks were not skipped: " + describe(p))


# --- A second consumer: the project in a subfolder, tenet-check with args
# --- and always_run, and tenet-fmt-fix, which formats in place ---

SUB_HOOKS = ("      - id: tenet-check\n        args: [isms/]\n        always_run: true\n"
             "      - id: tenet-fmt-fix\n")


def case_subfolder_and_fix(world, _repo):
    repo = world.consumer("consumer-sub", SUB_HOOKS, {
        "isms/project.tenet": PROJECT,
        "isms/policies/access.tenet": policy("access_control"),
        # Outside the project named by args: not read by tenet check.
        "fixtures/broken.txt": "not a policy\n",
    })
    p = world.commit(repo, "The policies")
    check(p.returncode == 0, "the clean commit was rejected: " + describe(p))

    write(repo, "isms/policies/vendors.tenet", policy("vendors", requirement="soc2.CC9.9"))
    p = world.commit(repo, "Vendors policy")
    check(p.returncode != 0, "tenet-check accepted soc2.CC9.9: " + describe(p))
    check("isms/policies/vendors.tenet:20:20: error:" in p.stdout and "[unknown-requirement]" in p.stdout,
          "the diagnostic is not shown: " + describe(p))
    world.reset(repo)

    text = policy("hr").replace("  owner     = ciso", "owner=ciso")
    write(repo, "isms/policies/hr.tenet", text)
    p = world.commit(repo, "HR policy")
    check(p.returncode != 0, "tenet-fmt-fix did not stop the commit: " + describe(p))
    check("Formatted isms/policies/hr.tenet" in p.stdout, "the file was not formatted: " + describe(p))
    check("files were modified by this hook" in p.stdout, "pre-commit saw no change: " + describe(p))
    with open(os.path.join(repo, "isms/policies/hr.tenet"), encoding="utf-8") as f:
        check(f.read() == policy("hr"), "the file is not in Tenet's layout after the hook")
    p = world.commit(repo, "HR policy, formatted")
    check(p.returncode == 0, "the formatted file was not accepted: " + describe(p))
    check(committed(world, repo) == "2", "the commit was not made")

    # With always_run, a commit that only deletes a file is checked too (by
    # default, pre-commit runs no hook when no changed file is left to pass).
    world.git(repo, "rm", "-q", "isms/project.tenet")
    p = world.git(repo, "commit", "-m", "Remove the roles", ok=False)
    check(p.returncode != 0, "deleting the roles was accepted: " + describe(p))
    check("[unknown-role]" in p.stdout, "the broken references are not shown: " + describe(p))
    world.reset(repo)


CASES = [
    ("manifest", case_manifest),
    ("clean-commit", case_clean_commit),
    ("unknown-requirement", case_unknown_requirement),
    ("unformatted", case_unformatted),
    ("warning-only", case_warning_only),
    ("no-tenet-files", case_no_tenet_files),
    ("subfolder-and-fix", case_subfolder_and_fix),
]


def main():
    if not TENET or not SOURCE:
        print(__doc__)
        return 2
    if shutil.which("pre-commit") is None:
        print("FAIL pre-commit: the 'pre-commit' program is not installed; run ./install-deps.sh "
              "(it installs Debian's package pre-commit)")
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    root = tempfile.mkdtemp(prefix="tenet-precommit-")
    try:
        world = World(root)
        start = time.monotonic()
        try:
            repo = main_repo(world)
        except Exception as e:
            print("FAIL setup: %s" % e)
            if not isinstance(e, Failure):
                traceback.print_exc()
            print("0 passed, 1 failed")
            return 1
        for name, fn in CASES:
            t0 = time.monotonic()
            try:
                fn(world, repo)
                passed += 1
                print("ok %s (%.1fs)" % (name, time.monotonic() - t0))
            except subprocess.TimeoutExpired as e:
                failed += 1
                print("FAIL %s: timed out: %s" % (name, e))
            except Failure as e:
                failed += 1
                print("FAIL %s: %s" % (name, e))
            except Exception:
                failed += 1
                print("FAIL %s: %s" % (name, traceback.format_exc()))
        print("%d passed, %d failed (%.1fs)" % (passed, failed, time.monotonic() - start))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
